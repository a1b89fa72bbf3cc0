"""The person's side cancels a visit or a whole booking: the money not needed any more is
returned exactly once, the council's notice period is honoured, and only people who may
spend the person's money can do it."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import pytest

from core.audit.models import AuditEvent
from core.budgets.figures import budget_figures
from core.clock import uk_today, utcnow
from core.errors import Conflict, NotFound
from core.identity.models import PersonAccess
from core.identity.permissions import PermissionDenied
from core.ledger.models import Hold, HoldStatus
from core.ledger.verify import verify_ledger
from core.orders.changes import TooLateToCancel, cancel_booking, cancel_session
from core.orders.models import (
    Booking,
    BookingSession,
    BookingStatus,
    Notification,
    Order,
    OrderStatus,
    SessionStatus,
)
from core.orders.placement import OrderLine, place_order
from core.orders.policy import OrderingPolicy
from core.orders.recurrence import Recurrence
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_placement import NOON, TEN, as_member, next_weekday, setup
from tests.support.environment import DATABASE_URL_VARIABLE
from tests.support.members import make_member

pytestmark = pytest.mark.usefixtures("db")

RULES = OrderingPolicy(notice_hours=24)
VISIT = 4_000  # 2 hours at 2,000p


async def recurring(weeks: int = 6, hours: int = 2):
    """A person's weekly Tuesday booking for ``weeks`` visits (4,000p each), its sessions
    and the store's owner."""
    tenant, budget, person, store, service = await setup()
    owner = await team_member(tenant, await store.provider, "owner")
    first = next_weekday(uk_today() + timedelta(days=2), 1)
    rec = Recurrence(
        frozenset({"tue"}), TEN, NOON, first, until_date=first + timedelta(weeks=weeks - 1)
    )
    line = OrderLine(service_id=service.id, quantity=hours, district="HA1", recurrence=rec)
    placed = await place_order(as_member(person), person, [line], idempotency_key=None)
    [booking] = placed.bookings
    sessions = list(await BookingSession.filter(booking_id=booking.id).order_by("starts_at"))
    return tenant, budget, person, store, owner, booking, sessions


async def available(budget) -> int:
    return (await budget_figures(budget)).total.available_pence


async def test_cancelling_a_visit_returns_its_money_and_tells_the_provider():
    tenant, budget, person, _, owner, booking, sessions = await recurring()
    assert booking.committed_pence == 6 * VISIT
    assert await available(budget) == 100_000 - 6 * VISIT
    result = await cancel_session(as_member(person), sessions[1].id, "In hospital", ordering=RULES)
    assert (result.cancelled_sessions, result.released_pence) == (1, VISIT)
    assert result.booking.committed_pence == 5 * VISIT
    assert await available(budget) == 100_000 - 5 * VISIT
    [hold] = await Hold.filter(budget_id=budget.id)
    assert hold.status == HoldStatus.PENDING and hold.amount_pence == 5 * VISIT
    stored = await BookingSession.get(id=sessions[1].id)
    assert stored.status == SessionStatus.CANCELLED and stored.cancel_reason == "In hospital"
    assert stored.cancelled_at is not None
    assert (await Booking.get(id=booking.id)).status == BookingStatus.ACTIVE
    [notice] = await Notification.filter(recipient_id=owner.id, kind="session_cancelled")
    assert notice.link == f"/provider/bookings/{booking.id}" and "In hospital" in notice.body
    [event] = await AuditEvent.filter(action="session_cancelled")
    assert event.details["released_pence"] == VISIT
    assert await verify_ledger(tenant.id) == []


async def test_cancelling_the_same_visit_again_releases_nothing_more():
    _, budget, person, _, _, _, sessions = await recurring()
    await cancel_session(as_member(person), sessions[0].id, "", ordering=RULES)
    with pytest.raises(Conflict):
        await cancel_session(as_member(person), sessions[0].id, "", ordering=RULES)
    assert await available(budget) == 100_000 - 5 * VISIT


async def test_two_cancellations_at_once_release_the_money_once():
    tenant, budget, person, _, _, booking, sessions = await recurring()
    actor = as_member(person)

    async def cancel():
        try:
            return await cancel_session(actor, sessions[2].id, "", ordering=RULES)
        except Conflict as refused:
            return refused

    outcomes = await asyncio.gather(cancel(), cancel())
    assert sum(1 for o in outcomes if isinstance(o, Conflict)) == 1
    assert await available(budget) == 100_000 - 5 * VISIT
    assert (await Booking.get(id=booking.id)).committed_pence == 5 * VISIT
    assert await AuditEvent.filter(action="session_cancelled").count() == 1
    assert await verify_ledger(tenant.id) == []


async def test_a_visit_inside_the_notice_period_cannot_be_cancelled():
    _, budget, person, store, _, _, sessions = await recurring()
    soon = utcnow() + timedelta(hours=20)
    await BookingSession.filter(id=sessions[0].id).update(
        starts_at=soon, ends_at=soon + timedelta(hours=2)
    )
    with pytest.raises(TooLateToCancel) as refused:
        await cancel_session(as_member(person), sessions[0].id, "", ordering=RULES)
    assert str(refused.value).startswith("Visits need 24 hours' notice to cancel.")
    assert store.name in str(refused.value)
    assert (await BookingSession.get(id=sessions[0].id)).status == SessionStatus.SCHEDULED
    assert await available(budget) == 100_000 - 6 * VISIT
    # With no notice period the same visit may be cancelled.
    await cancel_session(
        as_member(person), sessions[0].id, "", ordering=OrderingPolicy(notice_hours=0)
    )
    assert await available(budget) == 100_000 - 5 * VISIT


async def test_review_only_circle_member_the_provider_and_another_council_may_not_cancel():
    tenant, budget, person, _, owner, _, sessions = await recurring()
    viewer = await make_member(tenant, [], name="Vic Viewer")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=viewer, kind="circle", access="review"
    )
    viewer.tenant = tenant
    with pytest.raises(PermissionDenied):
        await cancel_session(as_member(viewer), sessions[0].id, "", ordering=RULES)
    owner.tenant = tenant
    with pytest.raises(NotFound):
        await cancel_session(as_member(owner), sessions[0].id, "", ordering=RULES)
    other = await make_tenant()
    stranger = await make_member(other, ["council_admin"], name="Sam Stranger")
    stranger.tenant = other
    with pytest.raises(NotFound):
        await cancel_session(as_member(stranger), sessions[0].id, "", ordering=RULES)
    with pytest.raises(NotFound):
        await cancel_booking(as_member(stranger), sessions[0].booking_id, "", ordering=RULES)
    assert await available(budget) == 100_000 - 6 * VISIT


async def test_a_broker_may_cancel_for_the_person():
    tenant, budget, person, _, _, _, sessions = await recurring()
    broker = await make_member(tenant, ["broker"], name="Bob Broker")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=broker, kind="broker", access="manage"
    )
    broker.tenant = tenant
    await cancel_session(as_member(broker), sessions[3].id, "", ordering=RULES)
    assert await available(budget) == 100_000 - 5 * VISIT


async def test_cancelling_a_partly_delivered_recurring_booking_releases_exactly_the_rest():
    tenant, budget, person, _store, owner, booking, sessions = await recurring()
    # Two visits done (one confirmed, one waiting), one inside the notice period.
    await BookingSession.filter(id=sessions[0].id).update(status=SessionStatus.CONFIRMED)
    await BookingSession.filter(id=sessions[1].id).update(status=SessionStatus.DELIVERED)
    soon = utcnow() + timedelta(hours=5)
    await BookingSession.filter(id=sessions[2].id).update(
        starts_at=soon, ends_at=soon + timedelta(hours=2)
    )
    result = await cancel_booking(as_member(person), booking.id, "Moving away", ordering=RULES)
    assert result.cancelled_sessions == 3
    assert result.released_pence == 3 * VISIT
    stored = await Booking.get(id=booking.id)
    assert stored.status == BookingStatus.CANCELLED and stored.cancel_reason == "Moving away"
    assert stored.committed_pence == 3 * VISIT
    assert stored.ends_on == sessions[2].local_date
    [hold] = await Hold.filter(budget_id=budget.id)
    assert hold.status == HoldStatus.PENDING and hold.amount_pence == 3 * VISIT
    assert await available(budget) == 100_000 - 3 * VISIT
    statuses = [
        s.status for s in await BookingSession.filter(booking_id=booking.id).order_by("starts_at")
    ]
    assert statuses.count(SessionStatus.CANCELLED) == 3
    [event] = await AuditEvent.filter(action="booking_cancelled")
    assert event.details["released_pence"] == 3 * VISIT
    assert await Notification.filter(recipient_id=owner.id, kind="booking_cancelled").exists()
    # The order still has visits to pay for, so it is not cancelled.
    assert (await Order.get(id=booking.order_id)).status == OrderStatus.PLACED  # type: ignore[attr-defined]
    with pytest.raises(Conflict):
        await cancel_booking(as_member(person), booking.id, "", ordering=RULES)
    assert await verify_ledger(tenant.id) == []


async def test_cancelling_covers_visits_not_yet_made_into_sessions():
    tenant, budget, person, _, _, booking, _ = await recurring(weeks=20)
    made = await BookingSession.filter(booking_id=booking.id).count()
    assert made < 20 and booking.committed_pence == 20 * VISIT
    result = await cancel_booking(as_member(person), booking.id, "", ordering=RULES)
    assert result.released_pence == 20 * VISIT and result.cancelled_sessions == made
    [hold] = await Hold.filter(budget_id=budget.id)
    assert hold.status == HoldStatus.VOIDED
    assert await available(budget) == 100_000
    stored = await Booking.get(id=booking.id)
    assert stored.committed_pence == 0
    # The only booking of the order is cancelled, so the order is too.
    assert (await Order.get(id=booking.order_id)).status == OrderStatus.CANCELLED  # type: ignore[attr-defined]
    assert await verify_ledger(tenant.id) == []


async def test_cancelling_a_one_off_visit_cancels_its_booking_and_order():
    tenant, budget, person, _, service = await setup()
    line = OrderLine(
        service_id=service.id,
        quantity=2,
        district="HA1",
        on_date=uk_today() + timedelta(days=5),
        start_time=TEN,
        end_time=NOON,
    )
    placed = await place_order(as_member(person), person, [line], idempotency_key=None)
    [booking] = placed.bookings
    [session] = await BookingSession.filter(booking_id=booking.id)
    await cancel_session(as_member(person), session.id, "", ordering=RULES)
    assert (await Booking.get(id=booking.id)).status == BookingStatus.CANCELLED
    assert (await Order.get(id=booking.order_id)).status == OrderStatus.CANCELLED  # type: ignore[attr-defined]
    [hold] = await Hold.filter(budget_id=budget.id)
    assert hold.status == HoldStatus.VOIDED
    assert await available(budget) == 100_000
    assert await verify_ledger(tenant.id) == []


async def test_a_declined_order_cannot_be_cancelled_again():
    _tenant, _, person, _store, _, booking, sessions = await recurring()
    await Order.filter(id=booking.order_id).update(status=OrderStatus.DECLINED)  # type: ignore[attr-defined]
    with pytest.raises(Conflict):
        await cancel_session(as_member(person), sessions[0].id, "", ordering=RULES)
    with pytest.raises(Conflict):
        await cancel_booking(as_member(person), booking.id, "", ordering=RULES)


async def test_a_free_service_booking_is_cancelled_without_touching_the_ledger():
    tenant, _budget, person, _, _ = await setup()
    store = await make_store(tenant, "Friendly Group")
    free = await make_service(store, "Coffee morning", price=0)
    first = next_weekday(uk_today() + timedelta(days=2), 3)
    rec = Recurrence(frozenset({"thu"}), TEN, NOON, first, count=3)
    line = OrderLine(service_id=free.id, quantity=1, district=None, recurrence=rec)
    placed = await place_order(as_member(person), person, [line], idempotency_key=None)
    [booking] = placed.bookings
    result = await cancel_booking(as_member(person), booking.id, "", ordering=RULES)
    assert result.released_pence == 0 and result.cancelled_sessions == 3
    assert await Hold.all().count() == 0


@pytest.mark.skipif(
    not os.environ.get(DATABASE_URL_VARIABLE, "").startswith("postgres"),
    reason="needs PostgreSQL: SQLite runs one transaction at a time, so nothing truly races",
)
async def test_racing_cancellations_of_visits_and_the_booking_never_release_too_much():
    tenant, budget, person, _, _, booking, sessions = await recurring()
    actor = as_member(person)

    async def attempt(work):
        try:
            return await work
        except Conflict as refused:
            return refused

    same_visit = [cancel_session(actor, sessions[0].id, "", ordering=RULES) for _ in range(6)]
    others = [cancel_session(actor, s.id, "", ordering=RULES) for s in sessions[1:4]]
    whole = [cancel_booking(actor, booking.id, "", ordering=RULES) for _ in range(3)]
    outcomes = await asyncio.gather(*(attempt(w) for w in [*same_visit, *others, *whole]))
    released = sum(o.released_pence for o in outcomes if not isinstance(o, Conflict))
    assert released == 6 * VISIT
    assert await available(budget) == 100_000
    stored = await Booking.get(id=booking.id)
    assert stored.status == BookingStatus.CANCELLED and stored.committed_pence == 0
    [hold] = await Hold.filter(budget_id=budget.id)
    assert hold.status == HoldStatus.VOIDED
    assert await AuditEvent.filter(action="booking_cancelled").count() == 1
    assert await verify_ledger(tenant.id) == []


async def test_the_whole_booking_can_be_cancelled_after_every_visit_was_cancelled_one_by_one():
    tenant, budget, person, _, service = await setup()
    first = next_weekday(uk_today() + timedelta(days=2), 3)
    rec = Recurrence(frozenset({"thu"}), TEN, NOON, first, count=2)
    line = OrderLine(service_id=service.id, quantity=2, district="HA1", recurrence=rec)
    [booking] = (
        await place_order(as_member(person), person, [line], idempotency_key=None)
    ).bookings
    for session in await BookingSession.filter(booking_id=booking.id):
        await cancel_session(as_member(person), session.id, "", ordering=RULES)
    [hold] = await Hold.filter(budget_id=budget.id)
    assert hold.status == HoldStatus.VOIDED
    result = await cancel_booking(as_member(person), booking.id, "", ordering=RULES)
    assert (result.released_pence, result.cancelled_sessions) == (0, 0)
    assert (await Order.get(id=booking.order_id)).status == OrderStatus.CANCELLED  # type: ignore[attr-defined]
    assert await available(budget) == 100_000
    assert await verify_ledger(tenant.id) == []
