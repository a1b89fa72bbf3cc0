"""Bulk scheduling by a broker: one order per person against their own budget, a
per-person result, refusals that hold nothing, people the broker may not see refused
without being named, and a repeat of the same key that returns the same run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.accreditation.policy import AccreditationPolicy
from core.audit.actions import AuditAction
from core.audit.models import AuditEvent
from core.clock import uk_today
from core.errors import InvalidInput, NotFound
from core.identity.models import AccessLevel
from core.identity.permissions import PermissionDenied
from core.ledger.models import Hold, HoldStatus
from core.ledger.verify import verify_ledger
from core.orders.bulk import BulkLine, bulk_schedule, people_to_schedule, run_for
from core.orders.models import (
    ActingAs,
    BulkOutcome,
    BulkRun,
    BulkRunResult,
    BulkRunStatus,
    Order,
)
from core.orders.policy import OrderingPolicy
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.orders.bulk_helpers import (
    NOON,
    TEN,
    as_member,
    make_broker,
    people_with_budgets,
    visit,
)
from tests.support.members import make_member

pytestmark = pytest.mark.usefixtures("db")

ORDERING = OrderingPolicy(response_hours=24)
POLICY = AccreditationPolicy()


async def world(amounts=(100_000, 100_000, 1_000)):
    tenant = await make_tenant()
    broker = await make_broker(tenant)
    people = await people_with_budgets(
        tenant, broker, list(amounts), names=["Ann Able", "Ben Bright", "Cat Short"][: len(amounts)]
    )
    store = await make_store(tenant, "Kind Hands")
    service = await make_service(store, "Home care", price=2_000, areas={})
    return tenant, broker, people, service


async def run(broker, service, people, key="form-1", line=None):
    return await bulk_schedule(
        as_member(broker),
        service.id,
        [p.id for p in people],
        line or visit(),
        idempotency_key=key,
        ordering=ORDERING,
        policy=POLICY,
    )


async def test_each_person_is_placed_or_refused_with_the_plain_reason():
    tenant, broker, (ann, ben, cat), service = await world()
    result = await run(broker, service, [ann, ben, cat])
    assert result.status == BulkRunStatus.DONE and result.finished_at is not None
    assert (result.placed_count, result.refused_count) == (2, 1)
    rows = {r.person_id: r for r in await BulkRunResult.filter(run_id=result.id)}  # type: ignore[attr-defined]
    assert rows[ann.id].outcome == rows[ben.id].outcome == BulkOutcome.PLACED
    assert rows[cat.id].outcome == BulkOutcome.REFUSED and rows[cat.id].order_id is None  # type: ignore[attr-defined]
    assert rows[cat.id].reason.startswith("There is not enough money for Home care")
    assert (
        "£10.00 is available" in rows[cat.id].reason and "£40.00 is needed" in rows[cat.id].reason
    )
    orders = await Order.filter(bulk_run_id=result.id)
    assert {o.person_id for o in orders} == {ann.id, ben.id}  # type: ignore[attr-defined]
    assert all(o.acting_as == ActingAs.BROKER and o.placed_by_id == broker.id for o in orders)  # type: ignore[attr-defined]
    holds = await Hold.filter(status=HoldStatus.PENDING)
    assert len(holds) == 2 and all(h.amount_pence == 4_000 for h in holds)
    assert {h.budget_id for h in holds} == {o.budget_id for o in orders}  # type: ignore[attr-defined]
    event = await AuditEvent.get(action=AuditAction.BULK_SCHEDULED)
    assert event.target_id == str(result.id)
    assert event.details["placed"] == 2 and event.details["refused"] == 1
    assert await verify_ledger(tenant.id) == []


async def test_people_the_broker_does_not_manage_are_refused_without_names():
    tenant, broker, (ann,), service = await world((100_000,))
    stranger = (await people_with_budgets(tenant, None, [100_000], names=["Zed Secret"]))[0]
    other_council = await make_tenant()
    foreign = (await people_with_budgets(other_council, None, [100_000], names=["Yan Away"]))[0]
    result = await run(broker, service, [ann, stranger, foreign])
    assert (result.placed_count, result.refused_count) == (1, 2)
    rows = await BulkRunResult.filter(run_id=result.id)
    assert [r.person_id for r in rows] == [ann.id]  # type: ignore[attr-defined]
    assert await Order.filter(person_id__in=[stranger.id, foreign.id]).count() == 0
    assert await Hold.filter(budget__person_id__in=[stranger.id, foreign.id]).count() == 0
    assert "Zed Secret" not in str(
        (await AuditEvent.get(action=AuditAction.BULK_SCHEDULED)).details
    )


async def test_review_access_sees_but_may_not_order():
    tenant = await make_tenant()
    broker = await make_broker(tenant)
    [viewer_only] = await people_with_budgets(
        tenant, broker, [100_000], names=["Val View"], access=AccessLevel.REVIEW
    )
    service = await make_service(await make_store(tenant), "Home care", areas={})
    result = await run(broker, service, [viewer_only])
    [row] = await BulkRunResult.filter(run_id=result.id)
    assert row.outcome == BulkOutcome.REFUSED and "not allowed to order" in row.reason
    assert await Hold.all().count() == 0


async def test_only_brokers_and_council_staff_schedule_in_bulk():
    _tenant, _, (ann,), service = await world((100_000,))
    with pytest.raises(PermissionDenied):
        await run(ann, service, [ann])
    with pytest.raises(PermissionDenied):
        await people_to_schedule(as_member(ann))
    assert await BulkRun.all().count() == 0


async def test_council_officer_may_schedule_for_anyone_in_the_council():
    tenant, _, (ann, ben), service = await world((100_000, 100_000))
    officer = await make_member(tenant, ["council_officer"], name="Olu Officer")
    officer.tenant = tenant
    assert {p.id for p in await people_to_schedule(as_member(officer))} >= {ann.id, ben.id}
    result = await run(officer, service, [ann, ben])
    assert result.placed_count == 2


async def test_broker_lists_only_their_own_people():
    tenant, broker, _people, _ = await world()
    other_broker = await make_broker(tenant, "Other Broker")
    await people_with_budgets(tenant, other_broker, [100_000], names=["Not Mine"])
    listed = await people_to_schedule(as_member(broker))
    assert [p.user.display_name for p in listed] == ["Ann Able", "Ben Bright", "Cat Short"]


async def test_the_same_key_returns_the_same_run_and_places_nothing_twice():
    _tenant, broker, people, service = await world()
    first = await run(broker, service, people, key="double-click")
    again = await run(broker, service, people, key="double-click")
    assert again.id == first.id
    assert await BulkRun.all().count() == 1
    assert await Order.all().count() == 2 and await Hold.all().count() == 2


async def test_a_run_that_stopped_part_way_carries_on_without_doubling():
    tenant, broker, (ann, ben, cat), service = await world()
    first = await run(broker, service, [ann, ben, cat], key="crashy")
    # As if the process died after Ben's order was placed but before his result was kept.
    await BulkRunResult.filter(run_id=first.id, person_id=ben.id).delete()
    await BulkRun.filter(id=first.id).update(status=BulkRunStatus.RUNNING, placed_count=0)
    again = await run(broker, service, [ann, ben, cat], key="crashy")
    assert again.id == first.id and again.status == BulkRunStatus.DONE
    assert (again.placed_count, again.refused_count) == (2, 1)
    assert await Order.filter(person_id=ben.id).count() == 1
    assert await Hold.all().count() == 2
    [row] = await BulkRunResult.filter(run_id=first.id, person_id=ben.id)
    assert row.outcome == BulkOutcome.PLACED and row.order_id is not None  # type: ignore[attr-defined]
    assert await verify_ledger(tenant.id) == []


async def test_another_broker_cannot_reuse_a_key_or_see_the_run():
    tenant, broker, people, service = await world()
    done = await run(broker, service, people, key="mine")
    other = await make_broker(tenant, "Other Broker")
    with pytest.raises(NotFound):
        await run_for(as_member(other), done.id)
    from core.errors import Conflict

    with pytest.raises(Conflict):
        await run(other, service, people, key="mine")


async def test_bad_input_places_nothing_and_makes_no_run():
    _tenant, broker, people, service = await world()
    past = BulkLine(
        quantity=1, on_date=uk_today() - timedelta(days=1), start_time=TEN, end_time=NOON
    )
    with pytest.raises(InvalidInput):
        await run(broker, service, people, line=past)
    with pytest.raises(InvalidInput):
        await run(broker, service, [], key="empty")
    with pytest.raises(NotFound):
        await bulk_schedule(
            as_member(broker),
            "not-a-service",
            [p.id for p in people],
            visit(),
            idempotency_key=None,
            ordering=ORDERING,
            policy=POLICY,
        )
    assert await BulkRun.all().count() == 0 and await Hold.all().count() == 0


async def test_weekly_pattern_holds_every_visit_for_each_person():
    from core.orders.recurrence import Recurrence

    _tenant, broker, (ann, ben), service = await world((100_000, 100_000))
    start = uk_today() + timedelta(days=1)
    weekly = BulkLine(
        quantity=1,
        recurrence=Recurrence(
            weekdays=frozenset({"mon"}),
            start_time=TEN,
            end_time=NOON,
            first_date=start,
            count=3,
        ),
    )
    result = await run(broker, service, [ann, ben], line=weekly)
    assert result.placed_count == 2 and result.rule is not None
    holds = await Hold.all()
    assert sorted(h.amount_pence for h in holds) == [6_000, 6_000]
