"""The Riverbend demo's orders: a recurring booking, an order waiting for the provider, a
visit waiting for Dora to confirm, a question to a provider, and a broker's caseload to
try bulk scheduling with.

Everything goes through the services people use (placing, accepting, recording a
delivery, asking a question), with their checks, emails, notices and audit events. The
one exception is time: a delivery can only be recorded after its visit, so the demo's
first visit is moved to yesterday before it is recorded.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

from core.accreditation.services import policy_for
from core.budgets.allocation import StreamSpec, allocate_budget
from core.budgets.models import Schedule
from core.budgets.schedule import uk_financial_year
from core.clock import uk_today
from core.identity.actor import Actor
from core.identity.models import AccessKind, AccessLevel, Membership, PersonAccess
from core.identity.operators import add_member_as_operator
from core.marketplace.models import Service
from core.orders.decisions import accept_order
from core.orders.deliveries import record_delivery
from core.orders.enquiries import reply, start_enquiry
from core.orders.models import BookingSession
from core.orders.placement import OrderLine, place_order
from core.orders.policy import ordering_policy_for
from core.orders.recurrence import LONDON, WEEKDAYS, Recurrence
from core.runtime import Runtime
from tenants.models import Tenant

logger = logging.getLogger(__name__)

# The broker's caseload for bulk scheduling: (email, name, pounds in their budget). Joan's
# budget is nearly spent, so a bulk run shows a refusal with its reason.
CASELOAD = (
    ("arthur@riverbend.example", "Arthur Bell", 2_000),
    ("mary@riverbend.example", "Mary Osei", 1_500),
    ("tom.reilly@riverbend.example", "Tom Reilly", 1_200),
    ("joan@riverbend.example", "Joan Price", 10),
)


async def seed_orders(
    runtime: Runtime, tenant: Tenant, officer: Membership, person: Membership, broker: Membership
) -> None:
    """Fill Riverbend's orders; other councils get none. Runs in the creating transaction."""
    if tenant.slug != "riverbend":
        return
    tenant = await Tenant.get(id=tenant.id)
    ordering = ordering_policy_for(runtime, tenant)
    policy = policy_for(runtime, tenant)
    dora, ben = await _actor(tenant, person), await _actor(tenant, broker)
    provider = await _actor(tenant, await _member(tenant, "provider@riverbend.example"))
    home_care = await _service(tenant, "Home care visits")
    overnight = await _service(tenant, "Overnight sitting")
    today = uk_today()

    # Every Tuesday and Thursday, 10:00 to 12:00, for four weeks: accepted by the provider.
    weekly = Recurrence(
        weekdays=frozenset({"tue", "thu"}),
        start_time=time(10),
        end_time=time(12),
        first_date=_next_day(today + timedelta(days=1), {"tue", "thu"}),
        until_date=today + timedelta(days=28),
        skip_bank_holidays=True,
    )
    recurring = await place_order(
        dora,
        person,
        [OrderLine(service_id=home_care.id, quantity=2, district="HA1", recurrence=weekly)],
        idempotency_key="demo-weekly-home-care",
        policy=policy,
        ordering=ordering,
    )
    await accept_order(provider, recurring.orders[0].id)

    # One visit this morning, accepted, done yesterday (see the module's note), recorded
    # by the carer and waiting for Dora to confirm it.
    visit = await place_order(
        dora,
        person,
        [
            OrderLine(
                service_id=home_care.id,
                quantity=1,
                district="HA1",
                on_date=today,
                start_time=time(9),
                end_time=time(10),
            )
        ],
        idempotency_key="demo-one-visit",
        policy=policy,
        ordering=ordering,
    )
    await accept_order(provider, visit.orders[0].id)
    session = await BookingSession.get(booking_id=visit.bookings[0].id)
    yesterday = today - timedelta(days=1)
    starts = datetime.combine(yesterday, time(9), tzinfo=LONDON).astimezone(UTC)
    await BookingSession.filter(id=session.id).update(
        local_date=yesterday, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    await record_delivery(
        provider,
        session.id,
        worker_name="Aisha Khan",
        started_at=starts + timedelta(minutes=5),
        ended_at=starts + timedelta(hours=1, minutes=5),
    )

    # Ben, Dora's broker, books a night's sitting: waiting for the provider to answer.
    saturday = _next_day(today + timedelta(days=3), {"sat"})
    await place_order(
        ben,
        person,
        [
            OrderLine(
                service_id=overnight.id,
                on_date=saturday,
                start_time=time(22),
                end_time=time(23, 59),
                district="HA1",
            )
        ],
        idempotency_key="demo-overnight",
        policy=policy,
        ordering=ordering,
    )

    # A question before ordering, and the provider's answer.
    physio = await _service(tenant, "Falls prevention exercise class")
    enquiry = await start_enquiry(
        dora,
        physio.id,
        subject="Is the class suitable with a walking frame?",
        body="I use a walking frame indoors. Could I still join the class, and is there "
        "somewhere to sit down?",
        policy=policy,
    )
    sunita = await _actor(tenant, await _member(tenant, "sunita@harrowhillphysio.example"))
    await reply(
        sunita,
        enquiry.id,
        "Yes, of course. Most of the class is done sitting down, and we keep a chair by "
        "you for the standing exercises. Bring your frame with you.",
    )

    await _caseload(tenant, officer, broker)
    logger.info("demo orders of %s made", tenant.slug)


async def _caseload(tenant: Tenant, officer: Membership, broker: Membership) -> None:
    """People Ben manages, each with a budget, for trying bulk scheduling."""
    allocating = await _actor(tenant, officer)
    start, _ = uk_financial_year(uk_today())
    for email, name, pounds in CASELOAD:
        member = await add_member_as_operator(tenant, email, name, ("person",), None)
        await PersonAccess.create(
            tenant=tenant,
            person=member,
            grantee=broker,
            kind=AccessKind.BROKER,
            access=AccessLevel.MANAGE,
        )
        await allocate_budget(
            allocating,
            member,
            [StreamSpec("direct-payment", pounds * 100, Schedule.ONE_OFF, first_payment_on=start)],
        )


def _next_day(on_or_after: date, days: set[str]) -> date:
    """The first of ``days`` (mon..sun) on or after the date."""
    day = on_or_after
    while WEEKDAYS[day.weekday()] not in days:
        day += timedelta(days=1)
    return day


async def _actor(tenant: Tenant, membership: Membership) -> Actor:
    fresh = await Membership.get(id=membership.id).prefetch_related("user")
    return Actor(tenant=tenant, user=fresh.user, membership=fresh)


async def _member(tenant: Tenant, email: str) -> Membership:
    return await Membership.get(tenant_id=tenant.id, user__email=email)


async def _service(tenant: Tenant, title: str) -> Service:
    return await Service.get(tenant_id=tenant.id, title=title)
