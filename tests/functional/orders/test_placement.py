"""Placing orders through the one service: quotes, holds, who may order for whom,
refusals that hold nothing, idempotency and concurrent orders against one budget."""

from __future__ import annotations

import asyncio
import os
from datetime import date, time, timedelta

import pytest

from core.audit.models import AuditEvent
from core.budgets.figures import budget_figures
from core.clock import uk_today, utcnow
from core.email.models import EmailMessage
from core.errors import InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.models import Membership, PersonAccess
from core.identity.permissions import PermissionDenied
from core.ledger.models import Hold, HoldStatus
from core.ledger.verify import verify_ledger
from core.marketplace.models import ProviderRole, ProviderUser
from core.orders.errors import OrderRefused, ProblemKind
from core.orders.models import ActingAs, Booking, BookingKind, Notification, Order
from core.orders.placement import OrderLine, place_order, quote
from core.orders.policy import OrderingPolicy
from core.orders.recurrence import Recurrence
from core.outbox.models import OutboxMessage
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.support.budgets import funded_budget, one_off
from tests.support.environment import DATABASE_URL_VARIABLE
from tests.support.members import make_member

pytestmark = pytest.mark.usefixtures("db")

TEN, NOON = time(10, 0), time(12, 0)


def next_weekday(after: date, weekday: int) -> date:
    """The first ``weekday`` (Monday 0) strictly after ``after``."""
    return after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def period() -> tuple[date, date]:
    """A budget period covering the next year, whatever today is."""
    today = uk_today()
    return today - timedelta(days=10), today + timedelta(days=365)


def as_member(member: Membership) -> Actor:
    return Actor(tenant=member.tenant, user=member.user, membership=member)  # type: ignore[attr-defined]


async def setup(*streams, price: int = 2_000, category: str = "personal-care", areas=None):
    tenant = await make_tenant()
    budget = await funded_budget(tenant, *(streams or [one_off(100_000)]), period=period())
    person = await Membership.get(id=budget.person_id).prefetch_related("user", "tenant")  # type: ignore[attr-defined]
    store = await make_store(tenant, "Kind Hands")
    service = await make_service(store, "Home care", price=price, category=category, areas=areas)
    return tenant, budget, person, store, service


def one_visit(service, *, hours: int = 2, district: str | None = "HA1", **extra) -> OrderLine:
    return OrderLine(
        service_id=service.id,
        quantity=hours,
        district=district,
        on_date=uk_today() + timedelta(days=3),
        start_time=TEN,
        end_time=NOON,
        **extra,
    )


async def pending_holds(budget) -> list[Hold]:
    return list(await Hold.filter(budget_id=budget.id, status=HoldStatus.PENDING))


async def test_quote_shows_stream_total_and_what_is_left_and_writes_nothing():
    _, budget, person, _, service = await setup()
    priced = await quote(as_member(person), person, [one_visit(service)])
    [line] = priced.lines
    assert priced.ok and line.problems == []
    assert (line.sessions, line.unit_price_pence, line.committed_pence) == (1, 2_000, 4_000)
    [stream] = await budget.streams.all()
    assert line.stream is not None and line.stream.id == stream.id
    assert line.stream_name == stream.name
    assert (priced.total_pence, priced.available_pence, priced.left_after_pence) == (
        4_000,
        100_000,
        96_000,
    )
    assert await Hold.all().count() == 0 and await Order.all().count() == 0


async def test_one_off_order_holds_the_money_and_tells_everyone():
    _, budget, person, store, service = await setup()
    owner = await make_member(person.tenant, ["provider_owner"], name="Olive Owner")
    await ProviderUser.create(
        provider_id=store.provider_id, user=owner.user, role=ProviderRole.OWNER
    )
    before = utcnow()
    placed = await place_order(
        as_member(person),
        person,
        [one_visit(service)],
        idempotency_key=None,
        ordering=OrderingPolicy(response_hours=30),
    )
    [order] = placed.orders
    [booking] = placed.bookings
    assert order.acting_as == ActingAs.SELF and order.placed_by_id == person.id  # type: ignore[attr-defined]
    assert order.total_pence == 4_000 and order.store_id == store.id  # type: ignore[attr-defined]
    assert timedelta(hours=30) <= order.respond_by - before < timedelta(hours=30, minutes=1)
    assert booking.kind == BookingKind.ONE_OFF and booking.committed_pence == 4_000
    [hold] = await pending_holds(budget)
    assert booking.hold_id == hold.id and booking.stream_id == hold.stream_id  # type: ignore[attr-defined]
    assert hold.amount_pence == 4_000
    assert (await budget_figures(budget)).total.available_pence == 96_000
    recipients = set(await Notification.all().values_list("recipient_id", flat=True))
    assert recipients == {person.id, owner.id}
    [email] = await EmailMessage.filter(purpose="order_placed")
    assert email.to_address == owner.user.email and "Home care" in email.body_text
    assert await OutboxMessage.filter(actor_name="deliver_email").count() == 1
    [event] = await AuditEvent.filter(action="order_placed")
    assert event.target_id == str(order.id) and event.details["acting_as"] == "self"
    assert await verify_ledger(person.tenant_id) == []  # type: ignore[attr-defined]


async def test_recurring_tuesday_and_thursday_commits_every_visit_until_the_end_date():
    _, budget, person, _, service = await setup()
    first = next_weekday(uk_today(), 1)  # a Tuesday
    until = first + timedelta(weeks=5, days=2)  # the Thursday five weeks on
    rec = Recurrence(frozenset({"tue", "thu"}), TEN, NOON, first, until_date=until)
    line = OrderLine(service_id=service.id, quantity=2, district="HA1", recurrence=rec)
    placed = await place_order(as_member(person), person, [line], idempotency_key=None)
    [booking] = placed.bookings
    assert booking.kind == BookingKind.RECURRING
    assert (booking.starts_on, booking.ends_on) == (first, until)
    assert booking.rule and "BYDAY=TU,TH" in booking.rule
    assert booking.committed_pence == 12 * 2 * 2_000  # six weeks, two visits, two hours
    [hold] = await pending_holds(budget)
    assert hold.amount_pence == 48_000


async def test_recurring_without_an_end_commits_only_up_to_the_budget_period_end():
    tenant = await make_tenant()
    first = next_weekday(uk_today(), 1)
    budget = await funded_budget(
        tenant, one_off(100_000), period=(uk_today() - timedelta(days=1), first + timedelta(days=8))
    )
    person = await Membership.get(id=budget.person_id).prefetch_related("user", "tenant")  # type: ignore[attr-defined]
    service = await make_service(await make_store(tenant), "Home care", price=2_000)
    rec = Recurrence(frozenset({"tue", "thu"}), TEN, NOON, first)
    line = OrderLine(service_id=service.id, quantity=1, district="HA1", recurrence=rec)
    priced = await quote(as_member(person), person, [line])
    assert priced.lines[0].sessions == 3  # Tue, Thu, Tue: the budget ends the Wednesday after
    assert priced.total_pence == 6_000


async def test_the_area_price_is_used_and_an_uncovered_district_is_explained():
    _, budget, person, _, service = await setup(areas={"HA1": 2_500, "HA2": None})
    priced = await quote(as_member(person), person, [one_visit(service, district="HA1 2AB")])
    assert priced.lines[0].unit_price_pence == 2_500 and priced.total_pence == 5_000
    priced = await quote(as_member(person), person, [one_visit(service, district="HA2")])
    assert priced.lines[0].unit_price_pence == 2_000
    priced = await quote(as_member(person), person, [one_visit(service, district="NW1")])
    [problem] = priced.problems
    assert problem.kind == ProblemKind.NOT_OFFERED_HERE
    assert problem.reason == "Kind Hands does not offer Home care in NW1."
    with pytest.raises(OrderRefused):
        await place_order(
            as_member(person), person, [one_visit(service, district="NW1")], idempotency_key=None
        )
    assert await pending_holds(budget) == []


async def test_restricted_money_is_refused_in_plain_words_and_nothing_is_held():
    _, budget, person, _, service = await setup(one_off(50_000, "nhs-chc"), category="leisure")
    priced = await quote(as_member(person), person, [one_visit(service)])
    [problem] = priced.problems
    assert problem.kind == ProblemKind.RESTRICTED
    assert (
        problem.reason.startswith("Your NHS") and "money cannot pay for leisure" in problem.reason
    )
    with pytest.raises(OrderRefused) as refused:
        await place_order(as_member(person), person, [one_visit(service)], idempotency_key="k1")
    assert refused.value.problems == [problem]
    assert await pending_holds(budget) == [] and await Order.all().count() == 0
    assert await Notification.all().count() == 0


async def test_a_restricted_chosen_stream_falls_back_to_one_that_may_pay():
    _, budget, person, _, service = await setup(
        one_off(50_000, "nhs-chc"), one_off(50_000), category="leisure"
    )
    nhs, council = await budget.streams.all().order_by("position", "created_at")
    priced = await quote(as_member(person), person, [one_visit(service, stream_id=nhs.id)])
    assert priced.ok and priced.lines[0].stream.id == council.id  # type: ignore[union-attr]
    assert "cannot pay for leisure" in (priced.lines[0].note or "")


async def test_not_enough_money_names_both_amounts_and_holds_nothing():
    _, budget, person, _, service = await setup(one_off(3_000))
    with pytest.raises(OrderRefused) as refused:
        await place_order(as_member(person), person, [one_visit(service)], idempotency_key=None)
    [problem] = refused.value.problems
    assert problem.kind == ProblemKind.NOT_ENOUGH_MONEY
    assert "£30.00 is available" in problem.reason and "£40.00 is needed" in problem.reason
    assert (problem.available_pence, problem.needed_pence) == (3_000, 4_000)
    assert await pending_holds(budget) == [] and await Order.all().count() == 0


async def test_two_lines_that_each_fit_but_not_together_are_refused_whole():
    _, budget, person, _, service = await setup(one_off(6_000))
    lines = [one_visit(service), one_visit(service)]
    priced = await quote(as_member(person), person, lines)
    assert [len(line.problems) for line in priced.lines] == [0, 1]
    with pytest.raises(OrderRefused):
        await place_order(as_member(person), person, lines, idempotency_key=None)
    assert await pending_holds(budget) == []


async def test_a_free_service_is_booked_without_a_hold():
    _, budget, person, _, service = await setup(price=0)
    placed = await place_order(
        as_member(person), person, [one_visit(service)], idempotency_key=None
    )
    [booking] = placed.bookings
    assert booking.hold_id is None and booking.stream_id is None  # type: ignore[attr-defined]
    assert booking.committed_pence == 0 and await pending_holds(budget) == []


async def test_a_circle_member_with_manage_access_and_a_broker_may_order_for_the_person():
    tenant, budget, person, _, service = await setup()
    helper = await make_member(tenant, [], name="Cara Circle")
    broker = await make_member(tenant, ["broker"], name="Bob Broker")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=helper, kind="circle", access="manage"
    )
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=broker, kind="broker", access="manage"
    )
    by_circle = await place_order(
        as_member(helper), person, [one_visit(service)], idempotency_key=None
    )
    by_broker = await place_order(
        as_member(broker), person, [one_visit(service)], idempotency_key=None
    )
    assert by_circle.orders[0].acting_as == ActingAs.CIRCLE
    assert by_circle.orders[0].placed_by_id == helper.id  # type: ignore[attr-defined]
    assert by_broker.orders[0].acting_as == ActingAs.BROKER
    assert by_broker.orders[0].placed_by_id == broker.id  # type: ignore[attr-defined]
    assert all(o.person_id == person.id for o in await Order.all())  # type: ignore[attr-defined]
    assert len(await pending_holds(budget)) == 2


async def test_a_view_only_circle_member_and_another_councils_member_may_not_order():
    tenant, budget, person, _, service = await setup()
    viewer = await make_member(tenant, [], name="Vic Viewer")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=viewer, kind="circle", access="review"
    )
    with pytest.raises(PermissionDenied):
        await place_order(as_member(viewer), person, [one_visit(service)], idempotency_key=None)
    other = await make_tenant()
    stranger = await make_member(other, ["person"], name="Sam Stranger")
    stranger.tenant = other
    with pytest.raises(NotFound):
        await place_order(as_member(stranger), person, [one_visit(service)], idempotency_key=None)
    unrelated = await make_member(tenant, ["person"], name="Uma Unrelated")
    unrelated.tenant = tenant
    with pytest.raises(NotFound):
        await quote(as_member(unrelated), person, [one_visit(service)])
    assert await pending_holds(budget) == [] and await Order.all().count() == 0


async def test_the_same_idempotency_key_returns_the_same_order_and_holds_once():
    _, budget, person, _, service = await setup()
    first = await place_order(as_member(person), person, [one_visit(service)], idempotency_key="k")
    again = await place_order(as_member(person), person, [one_visit(service)], idempotency_key="k")
    assert not first.replayed and again.replayed
    assert [o.id for o in again.orders] == [o.id for o in first.orders]
    assert [b.id for b in again.bookings] == [b.id for b in first.bookings]
    assert len(await pending_holds(budget)) == 1 and await Order.all().count() == 1


async def test_concurrent_duplicates_of_one_key_place_one_order():
    _, budget, person, _, service = await setup()
    placed = await asyncio.gather(
        *(
            place_order(as_member(person), person, [one_visit(service)], idempotency_key="dup")
            for _ in range(5)
        )
    )
    assert len({p.orders[0].id for p in placed}) == 1
    assert len(await pending_holds(budget)) == 1 and await Order.all().count() == 1


async def test_malformed_lines_are_named_field_by_field():
    _, _, person, _, service = await setup()
    bad = OrderLine(service_id=service.id, quantity=0, district="nowhere")
    with pytest.raises(InvalidInput) as invalid:
        await quote(as_member(person), person, [bad])
    fields = {p.field for p in invalid.value.problems}
    assert {"lines.0.quantity", "lines.0.district", "lines.0.on_date"} <= fields


async def test_orders_for_two_providers_make_two_orders_in_one_placement():
    tenant, budget, person, _, service = await setup()
    other = await make_service(await make_store(tenant, "Good Company"), "Sitting", price=1_000)
    placed = await place_order(
        as_member(person), person, [one_visit(service), one_visit(other)], idempotency_key="two"
    )
    assert len(placed.orders) == 2 and len(placed.bookings) == 2
    again = await place_order(
        as_member(person), person, [one_visit(service), one_visit(other)], idempotency_key="two"
    )
    assert again.replayed and {o.id for o in again.orders} == {o.id for o in placed.orders}
    assert len(await pending_holds(budget)) == 2


@pytest.mark.skipif(
    not os.environ.get(DATABASE_URL_VARIABLE, "").startswith("postgres"),
    reason="needs PostgreSQL: SQLite runs one transaction at a time, so nothing truly races",
)
async def test_20_concurrent_orders_against_a_budget_for_5_never_overspend():
    _, budget, person, _, service = await setup(one_off(10_000))  # £100: five £20 visits
    actor = as_member(person)

    async def order(number: int):
        key = f"race-{number}" if number % 2 else None
        try:
            return await place_order(
                actor, person, [one_visit(service, hours=1)], idempotency_key=key
            )
        except OrderRefused as refusal:
            return refusal

    outcomes = await asyncio.gather(*(order(n) for n in range(20)))
    placed = [o for o in outcomes if not isinstance(o, OrderRefused)]
    refused = [o for o in outcomes if isinstance(o, OrderRefused)]
    assert len(placed) == 5 and len(refused) == 15
    assert all(r.problems[0].kind == ProblemKind.NOT_ENOUGH_MONEY for r in refused)
    holds = await pending_holds(budget)
    assert len(holds) == 5 and sum(h.amount_pence for h in holds) == 10_000
    assert await Order.all().count() == 5 and await Booking.all().count() == 5
    assert (await budget_figures(budget)).total.available_pence == 0
    assert await verify_ledger(person.tenant_id) == []  # type: ignore[attr-defined]
