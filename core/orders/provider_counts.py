"""How much work is waiting for a provider's team, for the console's home page.

Counts only (no rows are loaded), for the one store the team member works on here, and
each matches what the page it links to lists: the order inbox's "waiting for your
answer", the timesheet page's visits and the open enquiries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.clock import uk_day_start, uk_today, utcnow
from core.marketplace.models import Store
from core.orders.deliveries import BILLABLE_ORDERS
from core.orders.models import (
    BookingSession,
    Enquiry,
    EnquiryStatus,
    Order,
    OrderStatus,
    SessionStatus,
)
from core.orders.provider_orders import RECENT_DAYS


@dataclass(frozen=True)
class WaitingWork:
    new_orders: int  # placed, still inside the council's time to answer
    visits_to_record: int  # today's and recent visits with no timesheet yet
    open_enquiries: int


async def waiting_work(store: Store) -> WaitingWork:
    """Three small count queries, scoped to the store and its council."""
    tenant_id = store.tenant_id  # type: ignore[attr-defined]
    today = uk_today()
    new_orders = await Order.filter(
        tenant_id=tenant_id,
        store_id=store.id,
        status=OrderStatus.PLACED,
        respond_by__gt=utcnow(),
    ).count()
    visits = await BookingSession.filter(
        tenant_id=tenant_id,
        status=SessionStatus.SCHEDULED,
        starts_at__gte=uk_day_start(today - timedelta(days=RECENT_DAYS)),
        starts_at__lt=uk_day_start(today + timedelta(days=1)),
        booking__order__store_id=store.id,
        booking__order__status__in=BILLABLE_ORDERS,
    ).count()
    enquiries = await Enquiry.filter(
        tenant_id=tenant_id, store_id=store.id, status=EnquiryStatus.OPEN
    ).count()
    return WaitingWork(new_orders, visits, enquiries)
