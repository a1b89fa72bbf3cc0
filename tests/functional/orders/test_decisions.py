"""A provider accepts or declines an order, or lets it lapse: who may decide, one decision
only, and a declined or lapsed order releases its money at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.audit.models import AuditEvent
from core.budgets.figures import budget_figures
from core.email.models import EmailMessage
from core.errors import Conflict, InvalidInput, NotFound
from core.identity.permissions import PermissionDenied
from core.ledger.models import Hold, HoldStatus
from core.ledger.verify import verify_ledger
from core.orders.decisions import accept_order, decline_order, expire_orders
from core.orders.jobs import run_order_expiry
from core.orders.models import Booking, BookingStatus, Notification, Order, OrderStatus
from core.orders.placement import place_order
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_store
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_placement import as_member, one_visit, setup
from tests.support.members import make_member

pytestmark = pytest.mark.usefixtures("db")


async def placed_order():
    """A person's order for a 4,000p visit from Kind Hands, and the store's owner."""
    tenant, budget, person, store, service = await setup()
    owner = await team_member(tenant, await store.provider, "owner")
    placed = await place_order(
        as_member(person), person, [one_visit(service)], idempotency_key=None
    )
    [order] = placed.orders
    return tenant, budget, person, store, owner, order


async def available(budget) -> int:
    return (await budget_figures(budget)).total.available_pence


async def test_the_owner_accepts_and_the_money_stays_held():
    _, budget, person, _, owner, order = await placed_order()
    accepted = await accept_order(as_member(owner), order.id)
    assert accepted.status == OrderStatus.ACCEPTED
    stored = await Order.get(id=order.id)
    assert stored.status == OrderStatus.ACCEPTED and stored.decided_at is not None
    assert await Hold.filter(budget_id=budget.id, status=HoldStatus.PENDING).count() == 1
    assert await available(budget) == 96_000
    assert await Notification.filter(recipient_id=person.id, kind="order_accepted").exists()
    assert await EmailMessage.filter(
        purpose="order_accepted", to_address=person.user.email
    ).exists()
    [event] = await AuditEvent.filter(action="order_accepted")
    assert event.target_id == str(order.id)


async def test_a_manager_declines_with_a_reason_and_the_money_is_released():
    tenant, budget, person, store, _, order = await placed_order()
    manager = await team_member(tenant, await store.provider, "manager")
    assert await available(budget) == 96_000
    await decline_order(as_member(manager), order.id, "  No carers free that week  ")
    stored = await Order.get(id=order.id)
    assert stored.status == OrderStatus.DECLINED
    assert stored.decline_reason == "No carers free that week"
    assert await available(budget) == 100_000
    [hold] = await Hold.filter(budget_id=budget.id)
    assert hold.status == HoldStatus.VOIDED
    [booking] = await Booking.filter(order_id=order.id)
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_at is not None
    [notice] = await Notification.filter(recipient_id=person.id, kind="order_declined")
    assert "No carers free that week" in notice.body and "£40.00" in notice.body
    assert await EmailMessage.filter(purpose="order_declined").count() == 1
    [event] = await AuditEvent.filter(action="order_declined")
    assert event.details["released_pence"] == 4_000
    assert await verify_ledger(tenant.id) == []


async def test_declining_without_a_reason_is_refused_and_holds_stay():
    _, budget, _, _, owner, order = await placed_order()
    with pytest.raises(InvalidInput) as refused:
        await decline_order(as_member(owner), order.id, "   ")
    assert [p.field for p in refused.value.problems] == ["reason"]
    assert (await Order.get(id=order.id)).status == OrderStatus.PLACED
    assert await available(budget) == 96_000


async def test_staff_the_person_and_another_councils_provider_may_not_decide():
    tenant, budget, person, store, _, order = await placed_order()
    staff = await team_member(tenant, await store.provider, "staff")
    with pytest.raises(PermissionDenied):
        await accept_order(as_member(staff), order.id)
    with pytest.raises(PermissionDenied):
        await decline_order(as_member(person), order.id, "changed my mind")
    stranger = await make_member(tenant, ["provider_owner"])
    with pytest.raises(PermissionDenied):
        await accept_order(as_member(stranger), order.id)
    other = await make_tenant()
    elsewhere = await team_member(other, await (await make_store(other)).provider, "owner")
    with pytest.raises(NotFound):
        await accept_order(as_member(elsewhere), order.id)
    assert (await Order.get(id=order.id)).status == OrderStatus.PLACED
    assert await available(budget) == 96_000


async def test_deciding_twice_is_a_conflict():
    tenant, budget, _, store, owner, order = await placed_order()
    manager = await team_member(tenant, await store.provider, "manager")
    await accept_order(as_member(owner), order.id)
    with pytest.raises(Conflict):
        await decline_order(as_member(manager), order.id, "too late")
    with pytest.raises(Conflict):
        await accept_order(as_member(owner), order.id)
    assert (await Order.get(id=order.id)).status == OrderStatus.ACCEPTED
    assert await available(budget) == 96_000


async def test_an_order_past_respond_by_cannot_be_decided():
    _, _, _, _, owner, order = await placed_order()
    await Order.filter(id=order.id).update(respond_by=order.respond_by - timedelta(days=3))
    with pytest.raises(Conflict):
        await accept_order(as_member(owner), order.id)


async def test_expiry_releases_holds_and_a_second_run_changes_nothing():
    tenant, budget, person, _, _, order = await placed_order()
    assert await expire_orders(tenant.id, order.respond_by - timedelta(minutes=1)) == {
        "expired": 0,
        "released_pence": 0,
        "already_decided": 0,
        "failed": 0,
    }
    later = order.respond_by + timedelta(minutes=1)
    summary = await expire_orders(tenant.id, later)
    assert summary["expired"] == 1 and summary["released_pence"] == 4_000
    assert (await Order.get(id=order.id)).status == OrderStatus.EXPIRED
    assert await available(budget) == 100_000
    assert await Notification.filter(recipient_id=person.id, kind="order_expired").count() == 1
    assert await AuditEvent.filter(action="order_expired").count() == 1
    again = await expire_orders(tenant.id, later)
    assert again["expired"] == 0 and again["failed"] == 0
    assert await Notification.filter(kind="order_expired").count() == 1
    assert await available(budget) == 100_000
    assert await verify_ledger(tenant.id) == []


async def test_an_accepted_order_is_not_expired():
    tenant, budget, _, _, owner, order = await placed_order()
    await accept_order(as_member(owner), order.id)
    summary = await expire_orders(tenant.id, order.respond_by + timedelta(days=1))
    assert summary["expired"] == 0
    assert (await Order.get(id=order.id)).status == OrderStatus.ACCEPTED
    assert await available(budget) == 96_000


async def test_the_expiry_job_runs_once_an_hour():
    tenant, budget, _, _, _, order = await placed_order()
    run_at = order.respond_by + timedelta(minutes=5)
    run = await run_order_expiry(tenant.id, run_at, now=run_at)
    assert run is not None and run.summary["expired"] == 1
    assert await run_order_expiry(tenant.id, run_at, now=run_at) is None
    assert await available(budget) == 100_000
