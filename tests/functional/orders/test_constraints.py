"""The database itself refuses orders with negative money, a quantity below one, a session
materialised twice or times out of order (CHECKs on PostgreSQL, triggers on SQLite)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from core.budgets.models import Budget
from core.identity.models import Membership
from core.ledger.holds import place_hold
from core.marketplace.models import Review, Service, Unit
from core.orders.models import (
    ActingAs,
    BasketItem,
    Booking,
    BookingKind,
    BookingSession,
    BulkOutcome,
    BulkRun,
    BulkRunResult,
    ChangeProposal,
    Delivery,
    DeliveryStatus,
    Enquiry,
    EnquiryMessage,
    Notification,
    Order,
    SessionStatus,
)
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.support.budgets import funded_budget, one_off
from tests.support.members import make_member

pytestmark = pytest.mark.usefixtures("db")

TEN_AM = datetime(2027, 3, 2, 10, 0, tzinfo=UTC)
RULE = "DTSTART;TZID=Europe/London:20270302T100000\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH"


@dataclass
class Ordered:
    budget: Budget
    person: Membership
    service: Service
    order: Order
    booking: Booking


async def an_order() -> Ordered:
    """A person with a £1,000 budget who has ordered two hours of home care, £40 held."""
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(100_000))
    person = await Membership.get(id=budget.person_id)  # type: ignore[attr-defined]
    service = await make_service(await make_store(tenant), "Home care", price=2_000)
    hold = await place_hold(budget, 4_000, service.category, "Home care", "test")
    order = await Order.create(
        tenant_id=tenant.id,
        person=person,
        placed_by=person,
        budget=budget,
        store_id=service.store_id,  # type: ignore[attr-defined]
        respond_by=TEN_AM - timedelta(days=2),
        total_pence=4_000,
        idempotency_key="form-1",
    )
    booking = await Booking.create(
        tenant_id=tenant.id,
        order=order,
        service=service,
        kind=BookingKind.ONE_OFF,
        quantity=2,
        unit=Unit.HOUR,
        unit_price_pence=2_000,
        district="HA1",
        starts_on=TEN_AM.date(),
        ends_on=TEN_AM.date(),
        start_time="10:00",
        end_time="12:00",
        stream_id=hold.stream_id,  # type: ignore[attr-defined]
        hold=hold,
        committed_pence=4_000,
    )
    return Ordered(budget, person, service, order, booking)


def order_fields(o: Ordered) -> dict[str, Any]:
    """Another order like ``o.order``, without an idempotency key."""
    return {
        "tenant_id": o.order.tenant_id,
        "person": o.person,
        "placed_by": o.person,
        "budget": o.budget,
        "store_id": o.order.store_id,  # type: ignore[attr-defined]
        "respond_by": TEN_AM,
        "total_pence": 4_000,
    }


def session_of(booking: Booking, starts_at: datetime = TEN_AM, **fields: Any) -> dict[str, Any]:
    """A two-hour session of ``booking`` (UTC, as the materialiser writes them)."""
    return {
        "tenant_id": booking.tenant_id,
        "booking": booking,
        "local_date": starts_at.date(),
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "amount_pence": 4_000,
    } | fields


async def test_an_order_delivered_confirmed_and_reviewed_is_stored_with_its_relations():
    o = await an_order()
    session = await BookingSession.create(**session_of(o.booking))
    delivery = await Delivery.create(
        tenant_id=o.booking.tenant_id,
        session=session,
        worker_name="Pat Assistant",
        started_at=TEN_AM,
        ended_at=TEN_AM + timedelta(hours=2),
        recorded_by=o.person,
        status=DeliveryStatus.CONFIRMED,
        confirmed_by=o.person,
        confirmed_at=TEN_AM + timedelta(days=1),
    )
    await BookingSession.filter(id=session.id).update(status=SessionStatus.CONFIRMED)
    review = await Review.create(
        tenant_id=o.service.tenant_id, service=o.service, author=o.person, rating=5
    )
    review.delivery = delivery
    review.provider_reply = "Thank you."
    await review.save()

    loaded = await Delivery.get(id=delivery.id).prefetch_related("session__booking__order")
    assert loaded.session.booking.order.id == o.order.id
    assert loaded.session.status == SessionStatus.CONFIRMED
    assert [b.id for b in await o.order.bookings.all()] == [o.booking.id]
    assert (await Review.get(id=review.id)).delivery_id == delivery.id  # type: ignore[attr-defined]
    assert o.order.acting_as == ActingAs.SELF and o.order.currency == "GBP"


async def test_a_recurring_booking_a_bulk_run_an_enquiry_and_a_notification_are_stored():
    o = await an_order()
    tenant_id = o.order.tenant_id
    broker = await make_member(await o.person.tenant, ["broker"])
    run = await BulkRun.create(
        tenant_id=tenant_id, broker=broker, service=o.service, quantity=2, rule=RULE
    )
    await Booking.create(
        tenant_id=tenant_id,
        order=o.order,
        service=o.service,
        kind=BookingKind.RECURRING,
        unit=Unit.HOUR,
        unit_price_pence=0,
        rule=RULE,
        starts_on=date(2027, 3, 2),
        ends_on=date(2027, 3, 31),
    )
    await BulkRunResult.create(
        tenant_id=tenant_id, run=run, person=o.person, outcome=BulkOutcome.PLACED, order=o.order
    )
    enquiry = await Enquiry.create(
        tenant_id=tenant_id,
        service=o.service,
        store_id=o.service.store_id,  # type: ignore[attr-defined]
        person=o.person,
        started_by=o.person,
        subject="Weekends?",
    )
    await EnquiryMessage.create(
        tenant_id=tenant_id, enquiry=enquiry, author=o.person, body="Do you work weekends?"
    )
    await Notification.create(
        tenant_id=tenant_id, recipient=o.person, kind="order.placed", title="Order placed"
    )
    assert await run.results.all().count() == 1
    assert await enquiry.messages.all().count() == 1
    assert await o.order.bookings.filter(kind=BookingKind.RECURRING).count() == 1


async def test_the_same_session_materialised_twice_is_refused():
    o = await an_order()
    await BookingSession.create(**session_of(o.booking))
    with pytest.raises(IntegrityError):
        await BookingSession.create(**session_of(o.booking))
    # Another start, or the same start in another booking, is a different session.
    await BookingSession.create(**session_of(o.booking, starts_at=TEN_AM + timedelta(days=2)))
    other = await an_order()
    await BookingSession.create(**session_of(other.booking))
    assert await BookingSession.filter(booking=o.booking).count() == 2


async def test_the_same_idempotency_key_places_one_order_per_council():
    o = await an_order()
    again = order_fields(o)
    with pytest.raises(IntegrityError):
        await Order.create(**again, idempotency_key="form-1")
    await Order.create(**again)  # no key: never a clash
    await Order.create(**again)


@pytest.mark.parametrize(
    ("model", "change", "constraint"),
    [
        ("order", {"total_pence": -1}, "service_order_total_not_negative"),
        ("booking", {"unit_price_pence": -1}, "booking_price_not_negative"),
        ("booking", {"committed_pence": -1}, "booking_committed_not_negative"),
        ("booking", {"quantity": 0}, "booking_quantity"),
        ("booking", {"notice_hours": -1}, "booking_notice_not_negative"),
        ("booking", {"rule": RULE}, "booking_rule_by_kind"),
        ("booking", {"ends_on": TEN_AM.date() - timedelta(days=1)}, "booking_dates_in_order"),
        ("session", {"amount_pence": -1}, "booking_session_amount_not_negative"),
        ("session", {"ends_at": TEN_AM - timedelta(minutes=1)}, "booking_session_times_in_order"),
        ("basket", {"unit_price_pence": -1}, "basket_item_price_not_negative"),
        ("basket", {"quantity": 0}, "basket_item_quantity"),
        ("basket", {"rule": RULE}, "basket_item_once_or_by_rule"),
        ("proposal", {"new_unit_price_pence": -1}, "change_proposal_price_not_negative"),
        ("proposal", {"new_quantity": 0}, "change_proposal_quantity"),
        ("bulk_run", {"quantity": 0}, "bulk_run_quantity"),
        ("bulk_run", {"refused_count": -1}, "bulk_run_counts"),
        ("delivery", {"ended_at": TEN_AM - timedelta(hours=1)}, "delivery_times_in_order"),
    ],
)
async def test_the_database_refuses_negative_money_and_nonsense_on_insert_and_update(
    model: str, change: dict[str, Any], constraint: str
):
    o = await an_order()
    tenant_id = o.order.tenant_id
    session = await BookingSession.create(**session_of(o.booking))
    day_later = TEN_AM + timedelta(days=1)
    rows = {
        "order": (Order, order_fields(o)),
        "booking": (
            Booking,
            {
                "tenant_id": tenant_id,
                "order": o.order,
                "service": o.service,
                "kind": BookingKind.ONE_OFF,
                "unit": Unit.HOUR,
                "unit_price_pence": 2_000,
                "starts_on": TEN_AM.date(),
            },
        ),
        "session": (
            BookingSession,
            session_of(o.booking, starts_at=day_later),
        ),
        "basket": (
            BasketItem,
            {
                "tenant_id": tenant_id,
                "person": o.person,
                "added_by": o.person,
                "service": o.service,
                "on_date": TEN_AM.date(),
                "unit_price_pence": 2_000,
            },
        ),
        "proposal": (
            ChangeProposal,
            {"tenant_id": tenant_id, "booking": o.booking, "proposed_by": o.person},
        ),
        "bulk_run": (
            BulkRun,
            {
                "tenant_id": tenant_id,
                "broker": o.person,
                "service": o.service,
                "on_date": TEN_AM.date(),
            },
        ),
        "delivery": (
            Delivery,
            {
                "tenant_id": tenant_id,
                "session": session,
                "worker_name": "Pat",
                "started_at": TEN_AM,
                "ended_at": TEN_AM + timedelta(hours=2),
                "recorded_by": o.person,
            },
        ),
    }
    model_class, good = rows[model]
    existing = await model_class.create(**good)
    with pytest.raises(IntegrityError, match=constraint):
        await model_class.create(**(good | change))
    with pytest.raises(IntegrityError, match=constraint):
        await model_class.filter(id=existing.id).update(**change)
    assert await model_class.filter(id=existing.id, **change).count() == 0


async def test_a_free_booking_holds_nothing_and_costs_nothing():
    o = await an_order()
    free = await Booking.create(
        tenant_id=o.order.tenant_id,
        order=o.order,
        service=o.service,
        kind=BookingKind.ONE_OFF,
        unit=Unit.SESSION,
        unit_price_pence=0,
        starts_on=TEN_AM.date(),
    )
    await BookingSession.create(**session_of(free, amount_pence=0))
    assert (free.hold_id, free.stream_id, free.committed_pence) == (None, None, 0)  # type: ignore[attr-defined]
