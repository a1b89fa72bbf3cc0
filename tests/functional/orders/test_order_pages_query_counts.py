"""The ordering pages and API lists cost the same number of database queries for 1 row as
for 20: nothing runs one query per order, booking, visit, notice, review or result.

Each test builds a council with one of everything a page lists, warms the page, counts
every statement Tortoise sends for one request, adds 19 more rows and counts again. The
counts must be equal (not a fixed number, so a harmless extra lookup elsewhere in the
request does not break these tests).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from core.clock import uk_today, utcnow
from core.identity.actor import Actor
from core.identity.models import AccessKind, AccessLevel, Membership, PersonAccess
from core.marketplace.models import Review
from core.orders import enquiries
from core.orders.models import (
    BasketItem,
    Booking,
    BookingKind,
    BookingSession,
    BulkOutcome,
    BulkRun,
    BulkRunResult,
    BulkRunStatus,
    ChangeProposal,
    Delivery,
    Enquiry,
    EnquiryMessage,
    Notification,
    Order,
    OrderStatus,
    SessionStatus,
)
from core.settings import UK_TIMEZONE
from tests.functional.marketplace.search_helpers import make_service
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_basket_pages import client_as
from tests.functional.orders.test_orders_api import COUNCIL_SCOPES, provider_headers
from tests.functional.orders.test_placement import setup
from tests.support.api import bearer_headers
from tests.support.db_queries import counting_queries
from tests.support.members import make_member

pytestmark = pytest.mark.usefixtures("db")


@dataclass
class Place:
    """A council with a person, their broker, Kind Hands' owner and council staff, and one
    big order (bookings), one big booking (visits) and one bulk run (results) that grow."""

    tenant: Any
    budget: Any
    person: Membership
    store: Any
    service: Any
    owner: Membership
    broker: Membership
    staff: Membership
    big_order: Order
    big_booking: Booking
    run: BulkRun
    made: int = 0
    ids: dict[str, str] = field(default_factory=dict)


async def _order(place: Place, status: OrderStatus, **extra: Any) -> Order:
    now = utcnow()
    return await Order.create(
        id=uuid.uuid4(),
        tenant_id=place.tenant.id,
        person=place.person,
        placed_by=place.person,
        budget=place.budget,
        store=place.store,
        status=status,
        respond_by=now + timedelta(days=2),
        decided_at=None if status == OrderStatus.PLACED else now,
        total_pence=4_000,
        **extra,
    )


async def _booking(place: Place, order: Order, service: Any = None) -> Booking:
    service = service or place.service
    return await Booking.create(
        id=uuid.uuid4(),
        tenant_id=place.tenant.id,
        order=order,
        service=service,
        kind=BookingKind.ONE_OFF,
        quantity=2,
        unit=service.unit,
        unit_price_pence=2_000,
        starts_on=uk_today(),
        ends_on=uk_today(),
        start_time="10:00",
        end_time="12:00",
        committed_pence=4_000,
        stream_id=None,
    )


async def _session(
    place: Place, booking: Booking, hours_from_now: float, status: SessionStatus
) -> BookingSession:
    starts = utcnow() + timedelta(hours=hours_from_now)
    return await BookingSession.create(
        id=uuid.uuid4(),
        tenant_id=place.tenant.id,
        booking=booking,
        local_date=starts.astimezone(UK_TIMEZONE).date(),
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        amount_pence=2_000,
        status=status,
    )


async def _delivered(
    place: Place, booking: Booking, days_ago: int, author: Membership | None = None
) -> Delivery:
    """A visit done ``days_ago``, its timesheet and (with an ``author``) a review of it:
    replied to, plain or hidden by the council in turn."""
    session = await _session(place, booking, -24 * days_ago, SessionStatus.DELIVERED)
    delivery = await Delivery.create(
        id=uuid.uuid4(),
        tenant_id=place.tenant.id,
        session=session,
        worker_name=f"Ada Carer {place.made}",
        started_at=session.starts_at,
        ended_at=session.ends_at,
        recorded_by=place.owner,
    )
    if author is None:
        return delivery
    state, now = place.made % 3, utcnow()
    await Review.create(  # one review per service and author
        tenant_id=place.tenant.id,
        service=await booking.service,
        author=author,
        rating=1 + place.made % 5,
        text=f"Kind and on time {place.made}",
        delivery=delivery,
        provider_reply="Thank you" if state == 1 else None,
        replied_at=now if state == 1 else None,
        replied_by=place.owner if state == 1 else None,
        hidden_at=now if state == 0 else None,
        hidden_reason="Names a worker" if state == 0 else None,
        hidden_by=place.staff if state == 0 else None,
    )
    return delivery


async def world() -> Place:
    tenant, budget, person, store, service = await setup()
    owner = await team_member(tenant, await store.provider, "owner")
    broker = await make_member(tenant, ["broker"], name="Bo Broker")
    await PersonAccess.create(
        tenant=tenant,
        person=person,
        grantee=broker,
        kind=AccessKind.BROKER,
        access=AccessLevel.MANAGE,
    )
    staff = await make_member(tenant, ["council_admin"], name="Cath Council")
    place = Place(tenant, budget, person, store, service, owner, broker, staff, None, None, None)  # type: ignore[arg-type]
    place.big_order = await _order(place, OrderStatus.ACCEPTED)
    place.big_booking = await _booking(place, place.big_order)
    place.run = await BulkRun.create(
        id=uuid.uuid4(),
        tenant_id=tenant.id,
        broker=broker,
        service=service,
        on_date=uk_today() + timedelta(days=3),
        start_time="10:00",
        end_time="12:00",
        status=BulkRunStatus.DONE,
        finished_at=utcnow(),
    )
    place.ids = {
        "order_id": str(place.big_order.id),
        "booking_id": str(place.big_booking.id),
        "run_id": str(place.run.id),
    }
    await grow(place, 1)  # its review is replied to; one hidden by the council, too:
    await Review.create(
        tenant_id=tenant.id,
        service=service,
        author=staff,
        rating=1,
        text="Rude words",
        hidden_at=utcnow(),
        hidden_reason="Rude words",
        hidden_by=staff,
    )
    return place


async def grow(place: Place, count: int) -> None:
    """``count`` more of every row the pages list."""
    tenant_id = place.tenant.id
    for _ in range(count):
        place.made += 1
        n = place.made
        someone = await make_member(place.tenant, ["person"], name=f"Pat Person {n}")
        await PersonAccess.create(
            tenant=place.tenant,
            person=someone,
            grantee=place.broker,
            kind=AccessKind.BROKER,
            access=AccessLevel.MANAGE,
        )
        service = await make_service(place.store, f"Home care {n}")
        # The person's and the provider's order lists: waiting, accepted and declined.
        await _order(place, OrderStatus.PLACED)
        await _order(place, OrderStatus.DECLINED, decline_reason="No carers free")
        accepted = await _order(place, OrderStatus.ACCEPTED)
        booking = await _booking(place, accepted, service)
        await _session(place, booking, -2, SessionStatus.SCHEDULED)  # to record
        await _delivered(place, booking, 1, someone)  # with a timesheet and a review
        # The big order's bookings; the big booking's visits, timesheets and proposals.
        extra = await _booking(place, place.big_order, service)
        await _session(place, extra, 24 * 5, SessionStatus.SCHEDULED)
        coming = await _session(place, place.big_booking, 24 * (3 + n), SessionStatus.SCHEDULED)
        await _delivered(place, place.big_booking, n)
        await ChangeProposal.create(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            booking=place.big_booking,
            session=coming,
            proposed_by=place.owner,
            new_start_time="14:00",
            new_end_time="16:00",
            message=f"Afternoon {n}",
        )
        # Notices, basket items, enquiries, bulk results.
        await Notification.create(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            recipient=place.person,
            kind="order_accepted",
            title=f"Order {n} accepted",
            link=f"/orders/{accepted.id}",
            read_at=utcnow() if n % 2 == 0 else None,
        )
        await BasketItem.create(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            person=place.person,
            added_by=place.person,
            service=service,
            quantity=2,
            on_date=uk_today() + timedelta(days=3 + n),
            start_time="10:00",
            end_time="12:00",
            unit_price_pence=2_000,
        )
        # The person's own question, and one the broker asked for someone they act for.
        for person, by in ((place.person, place.person), (someone, place.broker)):
            enquiry = await Enquiry.create(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                service=service,
                store=place.store,
                person=person,
                started_by=by,
                subject=f"Question {n} for {person.id}",
            )
            await EnquiryMessage.create(
                tenant_id=tenant_id, enquiry=enquiry, author=by, body="Weekends?"
            )
            await EnquiryMessage.create(
                tenant_id=tenant_id,
                enquiry=enquiry,
                author=place.owner,
                from_provider=True,
                body="Yes, Saturdays.",
            )
        placed = n % 2 == 1
        await BulkRunResult.create(
            tenant_id=tenant_id,
            run=place.run,
            person=someone,
            outcome=BulkOutcome.PLACED if placed else BulkOutcome.REFUSED,
            reason="" if placed else "Not enough money left",
            order=accepted if placed else None,
        )


# Who asks, and for what: the person, the provider's owner, the broker, council staff,
# the council's partner system and the provider's own system.
PAGES = [
    ("person", "/orders"),
    ("person", "/orders/{order_id}"),
    ("person", "/bookings/{booking_id}"),
    ("person", "/notifications"),
    ("person", "/basket"),
    ("person", "/enquiries"),
    ("owner", "/provider/orders"),
    ("owner", "/provider/orders/{order_id}"),
    ("owner", "/provider/bookings/{booking_id}"),
    ("owner", "/provider/visits"),
    ("owner", "/provider/reviews"),
    ("owner", "/provider/enquiries"),
    ("staff", "/council/reviews"),
    ("broker", "/bulk/{run_id}"),
    ("broker", "/enquiries"),
    ("partner", "/api/v1/orders"),
    ("partner", "/api/v1/bookings"),
    ("partner", "/api/v1/deliveries"),
    ("system", "/api/v1/orders"),
    ("system", "/api/v1/bookings"),
    ("system", "/api/v1/deliveries"),
]


async def asker(client_for, place: Place, who: str) -> tuple[Any, dict[str, str]]:
    """A client for ``who``, and the headers its requests carry."""
    if who in ("partner", "system"):
        client = client_for(place.tenant)
        if who == "partner":
            headers = await bearer_headers(client, place.tenant, COUNCIL_SCOPES, name="Cases")
        else:
            headers = await provider_headers(client, place.tenant, await place.store.provider)
        return client, headers
    member = {"person": place.person, "owner": place.owner, "broker": place.broker}
    return await client_as(client_for, place.tenant, member.get(who, place.staff)), {}


async def count(client, path: str, headers: dict[str, str]) -> tuple[int, str]:
    with counting_queries() as statements:
        response = await client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    return len(statements), response.text


@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{w} {p}" for w, p in PAGES])
async def test_the_page_takes_as_many_queries_for_20_rows_as_for_1(client_for, who, path):
    place = await world()
    client, headers = await asker(client_for, place, who)
    url = path.format(**place.ids)
    await count(client, url, headers)  # warm: plugins, branding, caches
    one, one_text = await count(client, url, headers)
    await grow(place, 19)
    twenty, twenty_text = await count(client, url, headers)
    assert len(twenty_text) > len(one_text)  # the page does list the new rows
    if (who, path) == ("broker", "/enquiries"):  # it names 20 people: all still there
        assert twenty_text.count("Question ") == 20 and "Pat Person 20" in twenty_text
    if path == "/provider/orders/{order_id}":  # the big booking's 40 visits, counted
        assert '<dd class="govuk-summary-list__value">40</dd>' in twenty_text
    assert twenty == one, (path, one, twenty)


async def test_the_enquiries_list_checks_everyone_s_access_at_once_with_the_same_answers():
    """The list's one-query access check answers as the one-person check does, for the
    person, a broker (manage, review, both, revoked, lapsed, none) and council staff."""
    place = await world()
    broker, today = place.broker, uk_today()
    people = [place.person] + [await make_member(place.tenant, ["person"]) for _ in range(6)]
    grants = [
        {"access": AccessLevel.MANAGE},
        {"access": AccessLevel.REVIEW, "kind": AccessKind.CIRCLE},
        {"access": AccessLevel.MANAGE, "revoked_at": utcnow()},
        {"access": AccessLevel.MANAGE, "expires_on": today - timedelta(days=1)},
        {"access": AccessLevel.REVIEW, "expires_on": today},
    ]
    for person, grant in zip(people[1:], grants, strict=False):
        extra = {"kind": AccessKind.BROKER, **grant}
        await PersonAccess.create(tenant=place.tenant, person=person, grantee=broker, **extra)
    for level in (AccessLevel.REVIEW, AccessLevel.MANAGE):  # both: manage wins
        await PersonAccess.create(
            tenant=place.tenant,
            person=people[6],
            grantee=broker,
            kind=AccessKind.CIRCLE,
            access=level,
        )
    askers = [place.person, broker, place.staff, place.owner]
    for member in askers:
        actor = Actor(tenant=place.tenant, user=member.user, membership=member)
        one_by_one = {p.id: await enquiries._person_access(actor, p) for p in people}
        with counting_queries() as statements:
            at_once = await enquiries._people_access(actor, people + people[:3])
        assert at_once == one_by_one, member.user.display_name
        assert len(statements) <= 1
    answers = await enquiries._people_access(
        Actor(tenant=place.tenant, user=broker.user, membership=broker), people
    )
    assert [answers[p.id] for p in people] == [
        (enquiries.Side.PERSON, True),  # the broker's grant from world()
        (enquiries.Side.PERSON, True),
        (enquiries.Side.PERSON, False),
        None,
        None,
        (enquiries.Side.PERSON, False),
        (enquiries.Side.PERSON, True),
    ]
