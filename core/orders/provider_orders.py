"""What the provider's team sees of its orders: the inbox, one order, one booking's visits,
and the visits still waiting for a timesheet.

Read-only. Everything is for the store the signed-in team member works on here
(``core.marketplace.providers.console_store``), or is found through
``core.orders.access`` (tenant-scoped, NotFound for anything the actor may not see).
Deciding is in ``core.orders.decisions``; recording in ``core.orders.deliveries``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count

from core.clock import long_date, uk_day_start, uk_today, utcnow
from core.identity.actor import Actor
from core.marketplace.models import ProviderUser, Store
from core.marketplace.providers import EDITORS, console_store
from core.orders.access import booking_for_provider, order_for_provider
from core.orders.deliveries import BILLABLE_ORDERS, may_record_now
from core.orders.models import (
    Booking,
    BookingKind,
    BookingSession,
    Delivery,
    Order,
    OrderStatus,
    SessionStatus,
)
from core.orders.recurrence import Recurrence, RecurrenceError, describe
from core.settings import UK_TIMEZONE

# An order whose answer is due within this long is highlighted in the inbox.
ANSWER_SOON = timedelta(hours=12)
# How far back the timesheet page looks for visits still to record.
RECENT_DAYS = 14
# How many decided orders the inbox lists.
DECIDED_SHOWN = 50


@dataclass
class Inbox:
    store: Store
    me: ProviderUser
    waiting: list[Order]
    accepted: list[Order]
    closed: list[Order]  # declined, lapsed or cancelled

    @property
    def can_decide(self) -> bool:
        return self.me.role in EDITORS


@dataclass
class BookingLine:
    """One booking of an order, in words for the provider."""

    booking: Booking
    pattern: str
    visits: int
    price_per_visit_pence: int


@dataclass
class Visit:
    session: BookingSession
    delivery: Delivery | None
    recordable: bool


@dataclass
class BookingVisits:
    booking: Booking
    pattern: str
    upcoming: list[Visit] = field(default_factory=list)
    past: list[Visit] = field(default_factory=list)


def time_left_words(respond_by: datetime, now: datetime | None = None) -> str:
    """ "2 days and 3 hours", "5 hours and 10 minutes", "40 minutes": how long is left."""
    left = respond_by - (now or utcnow())
    if left <= timedelta(0):
        return "no time"
    minutes = ceil(left.total_seconds() / 60)
    days, hours, mins = minutes // 1440, (minutes % 1440) // 60, minutes % 60

    def count(number: int, unit: str) -> str:
        return f"{number} {unit}{'s' if number != 1 else ''}"

    if days:
        parts = [count(days, "day")] + ([count(hours, "hour")] if hours else [])
    elif hours:
        parts = [count(hours, "hour")] + ([count(mins, "minute")] if mins else [])
    else:
        parts = [count(mins, "minute")]
    return " and ".join(parts)


def answer_soon(order: Order, now: datetime | None = None) -> bool:
    return order.respond_by - (now or utcnow()) <= ANSWER_SOON


def still_open(order: Order, now: datetime | None = None) -> bool:
    """Waiting for an answer and still in time to give one."""
    return order.status == OrderStatus.PLACED and order.respond_by > (now or utcnow())


def pattern_words(booking: Booking) -> str:
    """The booking's days and times in plain English."""
    if booking.kind == BookingKind.RECURRING and booking.rule:
        try:
            return describe(Recurrence.from_rfc5545(booking.rule))
        except RecurrenceError:
            return f"A repeating booking from {long_date(booking.starts_on)}"
    times = (
        f", {booking.start_time} to {booking.end_time}"
        if booking.start_time and booking.end_time
        else ""
    )
    return f"Once, on {long_date(booking.starts_on)}{times}"


async def inbox(actor: Actor) -> Inbox:
    """The orders for the store the signed-in team member works on here."""
    store, me = await console_store(actor)
    orders = Order.filter(tenant_id=store.tenant_id, store_id=store.id).prefetch_related(  # type: ignore[attr-defined]
        "person__user", "placed_by__user"
    )
    now = utcnow()
    waiting = await orders.filter(status=OrderStatus.PLACED, respond_by__gt=now).order_by(
        "respond_by", "id"
    )
    accepted = await orders.filter(status__in=BILLABLE_ORDERS).order_by("-decided_at", "-id")
    closed = (
        await orders.filter(
            Q(status__in=(OrderStatus.DECLINED, OrderStatus.EXPIRED, OrderStatus.CANCELLED))
            | Q(status=OrderStatus.PLACED, respond_by__lte=now)  # lapsing on the next run
        )
        .order_by("-updated_at", "-id")
        .limit(DECIDED_SHOWN)
    )
    return Inbox(store, me, list(waiting), list(accepted), list(closed))


async def order_detail(actor: Actor, order_id: Any) -> tuple[Order, list[BookingLine]]:
    """One order of the provider's, with its bookings in words."""
    order = await order_for_provider(actor, order_id)
    bookings = list(
        await Booking.filter(order_id=order.id)
        .order_by("starts_on", "id")
        .prefetch_related("service")
    )
    # Every booking's number of visits in one grouped query, not one count per booking.
    counted = (
        await BookingSession.filter(booking_id__in=[b.id for b in bookings] or [None])
        .group_by("booking_id")
        .annotate(visits=Count("id"))
        .values("booking_id", "visits")
    )
    visits = {str(row["booking_id"]): int(row["visits"]) for row in counted}
    lines = [
        BookingLine(
            booking=booking,
            pattern=pattern_words(booking),
            visits=visits.get(str(booking.id), 0),
            price_per_visit_pence=booking.unit_price_pence * booking.quantity,
        )
        for booking in bookings
    ]
    return order, lines


async def booking_visits(actor: Actor, booking_id: Any) -> BookingVisits:
    """One booking's visits, upcoming and past, each with its timesheet if recorded."""
    booking = await booking_for_provider(actor, booking_id)
    sessions = await BookingSession.filter(booking_id=booking.id).order_by("starts_at", "id")
    deliveries = {
        d.session_id: d  # type: ignore[attr-defined]
        for d in await Delivery.filter(session_id__in=[s.id for s in sessions] or [None])
    }
    now = utcnow()
    result = BookingVisits(booking=booking, pattern=pattern_words(booking))
    billable = booking.order.status in BILLABLE_ORDERS
    for session in sessions:
        session.booking = booking
        visit = Visit(
            session=session,
            delivery=deliveries.get(session.id),
            recordable=billable
            and session.status == SessionStatus.SCHEDULED
            and may_record_now(session, now),
        )
        if session.starts_at > now and not visit.recordable:
            result.upcoming.append(visit)
        else:
            result.past.append(visit)
    result.past.reverse()
    return result


async def visits_to_record(actor: Actor) -> tuple[Store, list[BookingSession]]:
    """Today's and recent visits of the store's accepted bookings with no timesheet yet,
    the latest first."""
    store, _ = await console_store(actor)
    today = uk_today()
    since = uk_day_start(today - timedelta(days=RECENT_DAYS))
    until = uk_day_start(today + timedelta(days=1))
    sessions = (
        await BookingSession.filter(
            tenant_id=store.tenant_id,
            status=SessionStatus.SCHEDULED,
            starts_at__gte=since,
            starts_at__lt=until,
            booking__order__store_id=store.id,
            booking__order__status__in=BILLABLE_ORDERS,
        )
        .order_by("-starts_at", "id")
        .prefetch_related("booking__service", "booking__order__person__user")
    )
    return store, list(sessions)


def local_times(session: BookingSession) -> tuple[str, str]:
    """The visit's start and finish as UK wall times, "HH:MM"."""
    start = session.starts_at.astimezone(UK_TIMEZONE)
    end = session.ends_at.astimezone(UK_TIMEZONE)
    return f"{start:%H:%M}", f"{end:%H:%M}"
