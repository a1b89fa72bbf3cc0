"""Deliveries: a provider's team (any role, or its own system) records what was delivered
for a visit of an accepted order once its day has come; the person's side confirms or
disputes; who may do what, one record per visit, and what is ready for invoicing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.audit.models import AuditEvent
from core.clock import uk_today
from core.email.models import EmailMessage
from core.errors import Conflict, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.models import AccessKind, AccessLevel, Membership, PersonAccess
from core.identity.permissions import PermissionDenied
from core.marketplace.models import Service, Store
from core.oauth.models import ApiClient
from core.orders.decisions import accept_order
from core.orders.deliveries import (
    confirm_delivery,
    dispute_delivery,
    ready_for_invoicing,
    record_delivery,
)
from core.orders.models import (
    BookingSession,
    Delivery,
    DeliveryStatus,
    Notification,
    Order,
    SessionStatus,
)
from core.orders.placement import place_order
from core.settings import UK_TIMEZONE
from tenants.models import Tenant
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_placement import as_member, one_visit, period
from tests.support.budgets import funded_budget, one_off
from tests.support.members import make_member

pytestmark = pytest.mark.usefixtures("db")


@dataclass
class Visit:
    """An accepted one-off order for a 4,000p visit, and the people around it."""

    tenant: Tenant
    person: Membership
    store: Store
    service: Service
    owner: Membership
    order: Order
    session: BookingSession


def uk(day: date, hour: int, minute: int = 0) -> datetime:
    """A UK wall time on ``day`` as an aware UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=UK_TIMEZONE).astimezone(UTC)


async def move_visit(session: BookingSession, day: date, start: int = 10, end: int = 12) -> None:
    """Put the visit on ``day`` (as if time had passed)."""
    session.local_date, session.starts_at, session.ends_at = day, uk(day, start), uk(day, end)
    await BookingSession.filter(id=session.id).update(
        local_date=day, starts_at=session.starts_at, ends_at=session.ends_at
    )


async def placed_visit(tenant: Tenant | None = None, *, accept: bool = True) -> Visit:
    tenant = tenant or await make_tenant()
    budget = await funded_budget(tenant, one_off(100_000), period=period())
    person = await Membership.get(id=budget.person_id).prefetch_related("user", "tenant")  # type: ignore[attr-defined]
    store = await make_store(tenant, "Kind Hands")
    service = await make_service(store, "Home care", price=2_000, category="personal-care")
    owner = await team_member(tenant, await store.provider, "owner", name="Olive Owner")
    placed = await place_order(
        as_member(person), person, [one_visit(service)], idempotency_key=None
    )
    [order] = placed.orders
    if accept:
        await accept_order(as_member(owner), order.id)
    [session] = await BookingSession.filter(booking__order_id=order.id).prefetch_related(
        "booking__service"
    )
    return Visit(tenant, person, store, service, owner, order, session)


async def visit_yesterday(tenant: Tenant | None = None) -> Visit:
    """An accepted visit that was due yesterday, 10:00 to 12:00."""
    visit = await placed_visit(tenant)
    await move_visit(visit.session, uk_today() - timedelta(days=1))
    return visit


async def recorded(visit: Visit, by: Membership | None = None) -> Delivery:
    day = visit.session.local_date
    return await record_delivery(
        as_member(by or visit.owner),
        visit.session.id,
        worker_name="Sam Carer",
        started_at=uk(day, 10, 5),
        ended_at=uk(day, 12),
    )


async def circle_member(visit: Visit, level: AccessLevel) -> Membership:
    helper = await make_member(visit.tenant, ["person"], name=f"Helper {level.value}")
    await PersonAccess.create(
        tenant_id=visit.tenant.id,
        person=visit.person,
        grantee=helper,
        kind=AccessKind.CIRCLE,
        access=level,
    )
    return helper


async def test_staff_record_a_visit_and_the_person_is_asked_to_check_it():
    visit = await visit_yesterday()
    staff = await team_member(visit.tenant, await visit.store.provider, "staff", name="Pat PA")
    delivery = await recorded(visit, by=staff)
    stored = await Delivery.get(id=delivery.id)
    assert stored.status == DeliveryStatus.RECORDED and stored.worker_name == "Sam Carer"
    assert stored.recorded_by_id == staff.id  # type: ignore[attr-defined]
    assert stored.started_at == uk(visit.session.local_date, 10, 5)
    session = await BookingSession.get(id=visit.session.id)
    assert session.status == SessionStatus.DELIVERED
    [notice] = await Notification.filter(recipient_id=visit.person.id, kind="delivery_recorded")
    assert notice.link == f"/deliveries/{delivery.id}"
    assert "Sam Carer" in notice.body and "Home care" in notice.body
    assert await EmailMessage.filter(
        purpose="delivery_recorded", to_address=visit.person.user.email
    ).exists()
    [event] = await AuditEvent.filter(action="delivery_recorded")
    assert event.target_id == str(delivery.id) and "Pat PA" in event.actor_label
    # ... but staff may not decide orders.
    with pytest.raises(PermissionDenied):
        await accept_order(
            as_member(staff), (await placed_visit(visit.tenant, accept=False)).order.id
        )


async def test_a_manage_level_circle_member_is_told_too_but_not_a_review_only_one():
    visit = await visit_yesterday()
    manager = await circle_member(visit, AccessLevel.MANAGE)
    reviewer = await circle_member(visit, AccessLevel.REVIEW)
    await recorded(visit)
    assert await Notification.filter(recipient_id=manager.id, kind="delivery_recorded").exists()
    assert not await Notification.filter(recipient_id=reviewer.id).exists()


async def test_recording_twice_is_a_conflict():
    visit = await visit_yesterday()
    await recorded(visit)
    with pytest.raises(Conflict):
        await recorded(visit)
    assert await Delivery.filter(session_id=visit.session.id).count() == 1
    assert await AuditEvent.filter(action="delivery_recorded").count() == 1


async def test_a_visit_that_has_not_happened_yet_cannot_be_recorded():
    visit = await placed_visit()  # three days ahead
    with pytest.raises(Conflict) as refused:
        await record_delivery(
            as_member(visit.owner),
            visit.session.id,
            worker_name="Sam",
            started_at=uk(uk_today(), 9),
            ended_at=uk(uk_today(), 10),
        )
    assert "not happened yet" in str(refused.value)
    assert (await BookingSession.get(id=visit.session.id)).status == SessionStatus.SCHEDULED
    assert await Delivery.all().count() == 0


async def test_a_visit_due_today_can_be_recorded():
    visit = await placed_visit()
    today = uk_today()
    await move_visit(visit.session, today, 0, 1)
    delivery = await record_delivery(
        as_member(visit.owner),
        visit.session.id,
        worker_name="Sam",
        started_at=uk(today, 0, 0),
        ended_at=uk(today, 0, 50),
    )
    assert delivery.status == DeliveryStatus.RECORDED


async def test_a_visit_of_an_order_not_yet_accepted_cannot_be_recorded():
    visit = await placed_visit(accept=False)
    await move_visit(visit.session, uk_today() - timedelta(days=1))
    with pytest.raises(Conflict):
        await recorded(visit)


async def test_the_name_and_times_must_make_sense():
    visit = await visit_yesterday()
    day = visit.session.local_date
    with pytest.raises(InvalidInput) as refused:
        await record_delivery(
            as_member(visit.owner),
            visit.session.id,
            worker_name="  ",
            started_at=uk(day, 12),
            ended_at=uk(day, 11),
        )
    assert {p.field for p in refused.value.problems} == {"worker_name", "ended_at"}
    with pytest.raises(InvalidInput) as refused:
        await record_delivery(
            as_member(visit.owner),
            visit.session.id,
            worker_name="Sam",
            started_at=uk(day - timedelta(days=5), 10),
            ended_at=uk(day - timedelta(days=5), 11),
        )
    assert [p.field for p in refused.value.problems] == ["started_at"]
    with pytest.raises(InvalidInput):
        await record_delivery(
            as_member(visit.owner),
            visit.session.id,
            worker_name="Sam",
            started_at=datetime.combine(day, time(10)),  # no time zone
            ended_at=datetime.combine(day, time(11)),
        )
    assert (await BookingSession.get(id=visit.session.id)).status == SessionStatus.SCHEDULED


async def test_another_provider_and_another_council_cannot_record():
    visit = await visit_yesterday()
    rival = await make_store(visit.tenant, "Rival Care")
    rival_owner = await team_member(visit.tenant, await rival.provider, "owner")
    with pytest.raises(PermissionDenied):
        await recorded(visit, by=rival_owner)
    other = await make_tenant()
    elsewhere = await team_member(other, await (await make_store(other)).provider, "owner")
    with pytest.raises(NotFound):
        await recorded(visit, by=elsewhere)
    assert await Delivery.all().count() == 0


async def test_the_providers_own_system_records_under_its_owner():
    visit = await visit_yesterday()
    store = visit.store
    client = await ApiClient.create(
        tenant_id=visit.tenant.id,
        name="Kind Hands rota",
        client_id=uuid.uuid4().hex,
        secret_hash="x",
        scopes=["deliveries:write"],
        provider_id=store.provider_id,  # type: ignore[attr-defined]
    )
    system = Actor(
        tenant=visit.tenant,
        api_client_name=client.name,
        api_client_id=client.id,
        api_provider_id=store.provider_id,  # type: ignore[attr-defined]
        scopes=frozenset({"deliveries:write"}),
    )
    day = visit.session.local_date
    delivery = await record_delivery(
        system, visit.session.id, worker_name="Rota", started_at=uk(day, 10), ended_at=uk(day, 12)
    )
    assert (await Delivery.get(id=delivery.id)).recorded_by_id == visit.owner.id  # type: ignore[attr-defined]
    other_provider_system = Actor(
        tenant=visit.tenant,
        api_client_name="someone else",
        api_client_id=uuid.uuid4(),
        api_provider_id=(await (await make_store(visit.tenant)).provider).id,
    )
    with pytest.raises(NotFound):
        await confirm_delivery(other_provider_system, delivery.id)


async def test_the_person_confirms_once_and_the_provider_is_told():
    visit = await visit_yesterday()
    delivery = await recorded(visit)
    confirmed = await confirm_delivery(as_member(visit.person), delivery.id)
    assert confirmed.status == DeliveryStatus.CONFIRMED
    stored = await Delivery.get(id=delivery.id)
    assert stored.confirmed_by_id == visit.person.id and stored.confirmed_at is not None  # type: ignore[attr-defined]
    assert (await BookingSession.get(id=visit.session.id)).status == SessionStatus.CONFIRMED
    assert await Notification.filter(
        recipient_id=visit.owner.id, kind="delivery_confirmed"
    ).exists()
    assert await AuditEvent.filter(action="delivery_confirmed", target_id=str(delivery.id)).exists()
    with pytest.raises(Conflict):
        await confirm_delivery(as_member(visit.person), delivery.id)
    with pytest.raises(Conflict):
        await dispute_delivery(as_member(visit.person), delivery.id, "too late now")
    assert await AuditEvent.filter(action="delivery_confirmed").count() == 1


async def test_a_review_only_circle_member_cannot_confirm_but_a_manager_can():
    visit = await visit_yesterday()
    delivery = await recorded(visit)
    reviewer = await circle_member(visit, AccessLevel.REVIEW)
    with pytest.raises(PermissionDenied):
        await confirm_delivery(as_member(reviewer), delivery.id)
    with pytest.raises(PermissionDenied):
        await dispute_delivery(as_member(reviewer), delivery.id, "no")
    assert (await Delivery.get(id=delivery.id)).status == DeliveryStatus.RECORDED
    manager = await circle_member(visit, AccessLevel.MANAGE)
    await confirm_delivery(as_member(manager), delivery.id)
    assert (await Delivery.get(id=delivery.id)).confirmed_by_id == manager.id  # type: ignore[attr-defined]


async def test_strangers_and_another_council_cannot_see_a_delivery():
    visit = await visit_yesterday()
    delivery = await recorded(visit)
    stranger = await make_member(visit.tenant, ["person"])
    with pytest.raises(NotFound):
        await confirm_delivery(as_member(stranger), delivery.id)
    other = await make_tenant()
    elsewhere = await make_member(other, ["person"])
    with pytest.raises(NotFound):
        await confirm_delivery(as_member(elsewhere), delivery.id)
    with pytest.raises(NotFound):
        await confirm_delivery(as_member(visit.person), "not-an-id")
    assert (await Delivery.get(id=delivery.id)).status == DeliveryStatus.RECORDED


async def test_a_dispute_needs_a_reason_and_tells_the_provider():
    visit = await visit_yesterday()
    delivery = await recorded(visit)
    with pytest.raises(InvalidInput) as refused:
        await dispute_delivery(as_member(visit.person), delivery.id, "   ")
    assert [p.field for p in refused.value.problems] == ["reason"]
    await dispute_delivery(as_member(visit.person), delivery.id, " The carer never came ")
    stored = await Delivery.get(id=delivery.id)
    assert stored.status == DeliveryStatus.DISPUTED
    assert stored.dispute_reason == "The carer never came"
    assert (await BookingSession.get(id=visit.session.id)).status == SessionStatus.DISPUTED
    [notice] = await Notification.filter(recipient_id=visit.owner.id, kind="delivery_disputed")
    assert "The carer never came" in notice.body
    [event] = await AuditEvent.filter(action="delivery_disputed")
    assert event.details["reason"] == "The carer never came"
    with pytest.raises(Conflict):
        await dispute_delivery(as_member(visit.person), delivery.id, "again")
    # Once sorted out, the person may still confirm it.
    await confirm_delivery(as_member(visit.person), delivery.id)
    assert (await BookingSession.get(id=visit.session.id)).status == SessionStatus.CONFIRMED


async def test_only_confirmed_visits_of_accepted_orders_are_ready_for_invoicing():
    tenant = await make_tenant()
    confirmed = await visit_yesterday(tenant)
    waiting = await visit_yesterday(tenant)
    disputed = await visit_yesterday(tenant)
    undelivered = await visit_yesterday(tenant)
    assert await ready_for_invoicing(tenant.id) == []
    await confirm_delivery(as_member(confirmed.person), (await recorded(confirmed)).id)
    await recorded(waiting)
    await dispute_delivery(as_member(disputed.person), (await recorded(disputed)).id, "wrong")
    ready = await ready_for_invoicing(tenant.id)
    assert [s.id for s in ready] == [confirmed.session.id]
    assert ready[0].delivery.status == DeliveryStatus.CONFIRMED
    assert ready[0].booking.order.id == confirmed.order.id
    assert undelivered.session.id not in {s.id for s in ready}
    by_store = await ready_for_invoicing(tenant.id, store_id=confirmed.store.id)
    assert [s.id for s in by_store] == [confirmed.session.id]
    assert await ready_for_invoicing(tenant.id, store_id=waiting.store.id) == []
    assert await ready_for_invoicing((await make_tenant()).id) == []
