"""Placing the basket in one click: the order is placed and its money held at once, the
basket emptied, a double click places one order, a refusal holds nothing and says why,
and only those who may spend the person's money can place it (recorded as acting for
them)."""

from __future__ import annotations

import re

import pytest

from core.audit.models import AuditEvent
from core.budgets.figures import budget_figures
from core.identity.models import PersonAccess
from core.ledger.holds import place_hold
from core.ledger.models import Hold, HoldStatus
from core.orders.models import ActingAs, BasketItem, Booking, Order
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.orders.test_basket_pages import (
    add,
    client_as,
    council_with_person,
    once_form,
    text_of,
)
from tests.support.budgets import one_off
from tests.support.members import SAME_ORIGIN, make_member

pytestmark = pytest.mark.usefixtures("db")


def checkout_form(page, person=None) -> dict[str, object]:
    """What the basket page's "Place order" form would send."""
    key = re.search(r'name="checkout_key" value="([^"]+)"', page.text)
    assert key, "the basket page offers no Place order form"
    items = re.findall(r'name="item" value="([^"]+)"', page.text)
    form: dict[str, object] = {"checkout_key": key.group(1), "item": items}
    if person is not None:
        form["person_id"] = str(person.id)
    return form


async def test_placing_the_basket_holds_the_money_and_empties_the_basket(client_for):
    tenant, budget, person, store, service = await council_with_person()
    client = await client_as(client_for, tenant, person)
    await add(client, once_form(service))
    page = await client.get("/basket")
    response = await client.post("/basket/checkout", data=checkout_form(page), headers=SAME_ORIGIN)
    assert response.status_code == 303, response.text
    [order] = await Order.all()
    assert response.headers["location"] == f"/orders/{order.id}?placed=1"
    assert order.acting_as == ActingAs.SELF and order.total_pence == 4_000
    [hold] = await Hold.filter(budget_id=budget.id, status=HoldStatus.PENDING)
    assert hold.amount_pence == 4_000
    assert (await budget_figures(budget)).total.available_pence == 96_000
    assert await BasketItem.all().count() == 0

    shown = text_of(await client.get(response.headers["location"]))
    assert "£40.00 has been set aside from the budget" in shown
    assert f"{store.name} has until" in shown


async def test_a_double_click_places_one_order(client_for):
    tenant, budget, person, _, service = await council_with_person()
    client = await client_as(client_for, tenant, person)
    await add(client, once_form(service))
    form = checkout_form(await client.get("/basket"))
    first = await client.post("/basket/checkout", data=form, headers=SAME_ORIGIN)
    again = await client.post("/basket/checkout", data=form, headers=SAME_ORIGIN)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert await Order.all().count() == 1 and await Booking.all().count() == 1
    assert await Hold.filter(budget_id=budget.id).count() == 1


async def test_money_taken_meanwhile_refuses_the_order_in_words_and_holds_nothing(client_for):
    tenant, budget, person, _, service = await council_with_person(one_off(5_000))
    client = await client_as(client_for, tenant, person)
    await add(client, once_form(service))
    form = checkout_form(await client.get("/basket"))
    # Something else is paid for from the same money after the basket was shown.
    other = await place_hold(budget, 2_000, "personal-care", "Another order", "test")
    response = await client.post("/basket/checkout", data=form, headers=SAME_ORIGIN)
    assert response.status_code == 422
    words = text_of(response)
    assert "The order has not been placed" in words
    assert "There is not enough money for Home care: £30.00 is available" in words
    assert await Order.all().count() == 0
    assert [h.id for h in await Hold.filter(budget_id=budget.id)] == [other.id]
    assert await BasketItem.all().count() == 1


async def test_a_review_only_circle_member_may_look_but_not_order(client_for):
    tenant, budget, person, _, service = await council_with_person()
    owner = await client_as(client_for, tenant, person)
    await add(owner, once_form(service))
    viewer = await make_member(tenant, [], name="Vic Viewer")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=viewer, kind="circle", access="review"
    )
    client = await client_as(client_for, tenant, viewer)
    page = await client.get("/basket", params={"person_id": str(person.id)})
    assert page.status_code == 200 and "Home care" in page.text
    assert 'action="/basket/checkout"' not in page.text
    assert "only someone who manages the budget can place the order" in text_of(page)
    [item] = await BasketItem.all()
    response = await client.post(
        "/basket/checkout",
        data={"checkout_key": "review-try", "item": [str(item.id)], "person_id": str(person.id)},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 403
    added = await add(client, once_form(service, person_id=str(person.id)))
    assert added.status_code == 403
    assert await Order.all().count() == 0 and await Hold.filter(budget_id=budget.id).count() == 0
    assert await AuditEvent.filter(action="permission_refused").exists()


@pytest.mark.parametrize("kind", ["circle", "broker"])
async def test_a_managing_circle_member_or_broker_orders_for_the_person(client_for, kind):
    tenant, budget, person, _, service = await council_with_person()
    helper = await make_member(tenant, ["broker"] if kind == "broker" else [], name="Hal Helper")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=helper, kind=kind, access="manage"
    )
    client = await client_as(client_for, tenant, helper)
    added = await add(client, once_form(service, person_id=str(person.id)))
    assert added.status_code == 303
    assert added.headers["location"] == f"/basket?person_id={person.id}&added=1"
    [item] = await BasketItem.all()
    assert item.person_id == person.id and item.added_by_id == helper.id  # type: ignore[attr-defined]
    page = await client.get("/basket", params={"person_id": str(person.id)})
    assert f"Basket for {person.user.display_name}" in page.text
    response = await client.post(
        "/basket/checkout", data=checkout_form(page, person), headers=SAME_ORIGIN
    )
    assert response.status_code == 303, response.text
    [order] = await Order.all()
    assert order.person_id == person.id and order.placed_by_id == helper.id  # type: ignore[attr-defined]
    assert order.acting_as == (ActingAs.BROKER if kind == "broker" else ActingAs.CIRCLE)
    assert await Hold.filter(budget_id=budget.id, status=HoldStatus.PENDING).count() == 1
    shown = text_of(await client.get(f"/orders/{order.id}"))
    role = "their broker" if kind == "broker" else "their circle of support"
    assert f"Hal Helper ({role}), for {person.user.display_name}" in shown


async def test_a_basket_from_two_providers_places_two_orders_and_says_so(client_for):
    tenant, budget, person, _, service = await council_with_person()
    other_store = await make_store(tenant, "Swim Well")
    swimming = await make_service(other_store, "Swimming", price=1_000, category="leisure")
    client = await client_as(client_for, tenant, person)
    await add(client, once_form(service))
    await add(client, once_form(swimming, hours=1))
    page = await client.get("/basket")
    assert "This order £50.00" in text_of(page)
    form = checkout_form(page)
    response = await client.post("/basket/checkout", data=form, headers=SAME_ORIGIN)
    assert response.status_code == 303
    assert response.headers["location"] == f"/orders?placed={form['checkout_key']}"
    assert await Order.all().count() == 2 and await BasketItem.all().count() == 0
    shown = text_of(await client.get(response.headers["location"]))
    assert "Your orders have been sent. £50.00 has been set aside from the budget." in shown
    assert (await budget_figures(budget)).total.available_pence == 95_000
