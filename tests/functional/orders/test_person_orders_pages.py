"""The person's orders pages: the list (newest first, status in words, provider, total)
and one order (status, answer-by time, decline reason, bookings with their pattern and
visits, who placed it), for the person, their circle and broker, and nobody else."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import long_date, uk_today
from core.identity.actor import Actor
from core.identity.models import PersonAccess
from core.marketplace.models import ProviderRole, ProviderUser
from core.orders.decisions import decline_order
from core.orders.models import Order, OrderStatus
from core.orders.placement import OrderLine, place_order
from core.orders.recurrence import Recurrence
from tests.factories import make_tenant
from tests.functional.orders.test_basket_pages import (
    client_as,
    council_with_person,
    next_weekday,
    text_of,
)
from tests.functional.orders.test_placement import NOON, TEN
from tests.support.members import make_member

pytestmark = pytest.mark.usefixtures("db")


def as_member(member) -> Actor:
    return Actor(tenant=member.tenant, user=member.user, membership=member)


async def two_orders():
    """A one-off order, then a weekly one placed later, from the same store."""
    tenant, _budget, person, store, service = await council_with_person()
    once = OrderLine(
        service.id,
        2,
        district="HA1",
        on_date=uk_today() + timedelta(days=3),
        start_time=TEN,
        end_time=NOON,
    )
    first = (await place_order(as_member(person), person, [once], idempotency_key=None)).orders[0]
    tuesday = next_weekday(uk_today(), 1)
    weekly = Recurrence(
        weekdays=frozenset({"tue", "thu"}),
        start_time=TEN,
        end_time=NOON,
        first_date=tuesday,
        until_date=tuesday + timedelta(days=9),
    )
    line = OrderLine(service.id, 1, district="HA1", recurrence=weekly)
    second = (await place_order(as_member(person), person, [line], idempotency_key=None)).orders[0]
    return tenant, person, store, first, second


async def test_the_orders_list_is_newest_first_with_status_provider_and_total(client_for):
    tenant, person, store, first, second = await two_orders()
    owner = await make_member(tenant, ["provider_owner"])
    await ProviderUser.create(
        provider_id=store.provider_id, user=owner.user, role=ProviderRole.OWNER
    )
    await decline_order(as_member(owner), first.id, "No carers free that day")
    client = await client_as(client_for, tenant, person)
    page = await client.get("/orders")
    assert page.status_code == 200
    assert page.text.index(f"/orders/{second.id}") < page.text.index(f"/orders/{first.id}")
    words = text_of(page)
    assert "Waiting for the provider" in words and "Declined" in words
    assert store.name in words and "£40.00" in words and "£80.00" in words


async def test_an_order_page_shows_status_bookings_visits_and_who_placed_it(client_for):
    tenant, person, store, first, second = await two_orders()
    client = await client_as(client_for, tenant, person)
    page = await client.get(f"/orders/{second.id}")
    assert page.status_code == 200
    words = text_of(page)
    assert "Waiting for the provider" in words
    assert f"{store.name} has until" in words and "to accept or decline" in words
    assert "Every Tuesday and Thursday, 10:00 to 12:00" in words
    assert "4 planned" in words
    assert "The person, for themselves" in words
    [booking] = await second.bookings.all()
    assert f'href="/bookings/{booking.id}"' in page.text

    owner = await make_member(tenant, ["provider_owner"])
    await ProviderUser.create(
        provider_id=store.provider_id, user=owner.user, role=ProviderRole.OWNER
    )
    await decline_order(as_member(owner), first.id, "No carers free that day")
    declined = text_of(await client.get(f"/orders/{first.id}"))
    assert "Declined" in declined and "No carers free that day" in declined
    assert "released back to the budget" in declined and "has until" not in declined
    assert long_date(uk_today() + timedelta(days=3)) in declined


async def test_the_circle_sees_the_orders_and_nobody_else_does(client_for):
    tenant, person, _, first, _ = await two_orders()
    viewer = await make_member(tenant, [], name="Vic Viewer")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=viewer, kind="circle", access="review"
    )
    circle = await client_as(client_for, tenant, viewer)
    listed = await circle.get("/orders", params={"person_id": str(person.id)})
    assert listed.status_code == 200 and f"/orders/{first.id}" in listed.text
    assert f"Orders for {person.user.display_name}" in listed.text
    assert (await circle.get(f"/orders/{first.id}")).status_code == 200
    chooser = await circle.get("/orders")
    assert chooser.status_code == 200 and f"/orders?person_id={person.id}" in chooser.text

    stranger = await make_member(tenant, ["person"], name="Sam Stranger")
    other = await client_as(client_for, tenant, stranger)
    assert (await other.get(f"/orders/{first.id}")).status_code == 404
    assert (await other.get("/orders", params={"person_id": str(person.id)})).status_code == 404
    assert f"/orders/{first.id}" not in (await other.get("/orders")).text

    elsewhere = await make_tenant()
    outsider = await make_member(elsewhere, ["person"])
    far = await client_as(client_for, elsewhere, outsider)
    assert (await far.get(f"/orders/{first.id}")).status_code == 404
    assert await Order.filter(status=OrderStatus.PLACED).count() == 2
