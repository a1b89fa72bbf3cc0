"""The basket pages: adding a service once or every week from its page, the basket's
quote (price, visits, who pays, total and what is left), problems in plain words before
ordering with nothing held, changing who pays and how many, removing, and nobody else's
basket in reach."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest

from core.clock import long_date, uk_today
from core.identity.models import Membership, PersonAccess
from core.ledger.models import Hold
from core.orders.models import BasketItem, Order
from core.people.models import PersonProfile
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.support.budgets import funded_budget, one_off
from tests.support.members import SAME_ORIGIN, make_member, sign_in

pytestmark = pytest.mark.usefixtures("db")


# --- helpers shared by the ordering page tests ---------------------------------------------


def next_weekday(after: date, weekday: int) -> date:
    """The first ``weekday`` (Monday 0) strictly after ``after``."""
    return after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def period() -> tuple[date, date]:
    today = uk_today()
    return today - timedelta(days=10), today + timedelta(days=365)


async def council_with_person(*streams, price: int = 2_000, category: str = "personal-care"):
    """A council, a person with a budget (default £1,000), a live store and service."""
    tenant = await make_tenant()
    budget = await funded_budget(tenant, *(streams or [one_off(100_000)]), period=period())
    person = await Membership.get(id=budget.person_id).prefetch_related("user", "tenant")  # type: ignore[attr-defined]
    store = await make_store(tenant, "Kind Hands")
    service = await make_service(store, "Home care", price=price, category=category)
    return tenant, budget, person, store, service


async def client_as(client_for, tenant, member):
    client = client_for(tenant)
    response = await sign_in(client, member.user.email)
    assert response.status_code == 303, response.text
    return client


def once_form(service, *, days_ahead: int = 3, hours: int = 2, **changes) -> dict[str, str]:
    form = {
        "service_id": str(service.id),
        "quantity": str(hours),
        "when": "once",
        "on_date": (uk_today() + timedelta(days=days_ahead)).isoformat(),
        "once_start": "10:00",
        "once_end": "12:00",
        "area_postcode": "HA1",
    }
    form.update(changes)
    return form


def weekly_form(service, first: date, until: date, **changes) -> dict[str, object]:
    """Every Tuesday and Thursday 10:00-12:00 (days as two ticked checkboxes)."""
    fields = {
        "service_id": str(service.id),
        "quantity": "2",
        "when": "weekly",
        "start_time": "10:00",
        "end_time": "12:00",
        "first_date": first.isoformat(),
        "until_date": until.isoformat(),
        "area_postcode": "HA1",
    }
    fields: dict[str, object] = {**fields, "days": ["tue", "thu"]}
    fields.update(changes)
    return fields


async def add(client, form, **params) -> object:
    return await client.post("/basket/add", data=form, params=params, headers=SAME_ORIGIN)


def text_of(response) -> str:
    """The page's words, tags dropped and spaces squeezed, for plain assertions."""
    body = re.sub(r"<[^>]+>", " ", response.text)
    return re.sub(r"\s+", " ", unescape(body))


def tue_thu_count(first: date, until: date) -> int:
    day, count = first, 0
    while day <= until:
        count += day.weekday() in (1, 3)
        day += timedelta(days=1)
    return count


# --- the service page ----------------------------------------------------------------------


async def test_the_service_page_offers_the_basket_form_with_the_persons_district(client_for):
    tenant, _, person, _, service = await council_with_person()
    await PersonProfile.create(tenant_id=tenant.id, membership=person, postcode="HA1 2AB")
    client = await client_as(client_for, tenant, person)
    page = await client.get(f"/services/{service.id}")
    assert page.status_code == 200
    assert 'action="/basket/add"' in page.text and "Add to basket" in page.text
    assert re.search(r'id="area_postcode" name="area_postcode" type="text" value="HA1"', page.text)
    assert f'href="/services/{service.id}/enquire"' in page.text

    anonymous = await client_for(tenant).get(f"/services/{service.id}")
    assert (
        'action="/basket/add"' not in anonymous.text
        and "to add it to your basket" in anonymous.text
    )

    drop_in = await make_service(service.store, "Drop-in club", takes_bookings=False)
    no_form = await client.get(f"/services/{drop_in.id}")
    assert 'action="/basket/add"' not in no_form.text and "Contact the provider" in no_form.text


async def test_a_broker_chooses_who_the_service_is_for(client_for):
    tenant, _, person, _, service = await council_with_person()
    broker = await make_member(tenant, ["broker", "person"], name="Bob Broker")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=broker, kind="broker", access="manage"
    )
    client = await client_as(client_for, tenant, broker)
    page = await client.get(f"/services/{service.id}")
    assert "Who is it for?" in page.text and person.user.display_name in page.text
    assert f'value="{person.id}"' in page.text and f'value="{broker.id}"' in page.text


# --- adding and the quote ------------------------------------------------------------------


async def test_adding_a_one_off_visit_shows_its_price_total_and_what_is_left(client_for):
    tenant, _, person, _, service = await council_with_person()
    client = await client_as(client_for, tenant, person)
    response = await add(client, once_form(service, person_id=str(person.id)))
    assert response.status_code == 303 and response.headers["location"] == "/basket?added=1"
    [item] = await BasketItem.all()
    assert item.person_id == person.id and item.added_by_id == person.id  # type: ignore[attr-defined]
    assert (item.unit_price_pence, item.quantity, item.district) == (2_000, 2, "HA1")
    assert item.start_time == "10:00" and item.rule is None

    page = await client.get("/basket")
    words = text_of(page)
    assert page.status_code == 200
    day = long_date(uk_today() + timedelta(days=3))
    assert f"{day}, 10:00 to 12:00" in words
    assert "1 visit" in words and "£40.00" in words
    assert "This order £40.00" in words and "Money available now £1,000.00" in words
    assert "Left afterwards £960.00" in words
    assert "Place order" in page.text and 'name="checkout_key"' in page.text
    assert await Hold.all().count() == 0 and await Order.all().count() == 0


async def test_adding_every_tuesday_and_thursday_until_a_date_counts_every_visit(client_for):
    tenant, _, person, _, service = await council_with_person()
    client = await client_as(client_for, tenant, person)
    first = next_weekday(uk_today(), 1)
    until = first + timedelta(days=27)
    response = await add(client, weekly_form(service, first, until))
    assert response.status_code == 303, response.text
    [item] = await BasketItem.all()
    assert item.rule is not None and "BYDAY=TU,TH" in item.rule and item.on_date is None

    visits = tue_thu_count(first, until)
    words = text_of(await client.get("/basket"))
    assert (
        f"Every Tuesday and Thursday, 10:00 to 12:00, from {long_date(first)} "
        f"until {long_date(until)}" in words
    )
    assert f"{visits} visits paid from this budget" in words
    total = visits * 2 * 2_000
    assert f"This order £{total // 100:,}.00" in words


async def test_a_form_with_mistakes_comes_back_with_them_named_and_adds_nothing(client_for):
    tenant, _, person, _, service = await council_with_person()
    client = await client_as(client_for, tenant, person)
    response = await add(
        client, once_form(service, on_date="", once_end="09:00", quantity="nought")
    )
    assert response.status_code == 400
    words = text_of(response)
    assert "Enter the date of the visit" in words
    assert "The finishing time must be later than the starting time" in words
    assert "Enter how many, a whole number" in words
    assert 'value="nought"' in response.text  # what was typed is kept
    weekly = await add(client, weekly_form(service, uk_today(), uk_today(), days=[]))
    assert weekly.status_code == 400 and "Choose at least one day of the week" in weekly.text
    assert await BasketItem.all().count() == 0


async def test_a_district_the_provider_does_not_cover_is_refused_in_words(client_for):
    tenant, _, person, _, service = await council_with_person()
    client = await client_as(client_for, tenant, person)
    response = await add(client, once_form(service, area_postcode="HA9"))
    assert response.status_code == 400
    assert "does not offer Home care in HA9" in text_of(response)
    assert await BasketItem.all().count() == 0


async def test_not_enough_money_is_explained_before_ordering_and_nothing_is_held(client_for):
    tenant, _, person, _, service = await council_with_person(one_off(3_000))
    client = await client_as(client_for, tenant, person)
    assert (await add(client, once_form(service))).status_code == 303
    page = await client.get("/basket")
    words = text_of(page)
    assert "There is not enough money for Home care: £30.00 is available" in words
    assert "£40.00 is needed" in words
    assert "This order cannot be placed yet" in words
    assert 'action="/basket/checkout"' not in page.text
    assert await Hold.all().count() == 0 and await Order.all().count() == 0


async def test_restricted_money_is_explained_before_ordering(client_for):
    tenant, _, person, _, service = await council_with_person(
        one_off(100_000, allowed_categories=["equipment"], use_type_restrictions=False)
    )
    client = await client_as(client_for, tenant, person)
    await add(client, once_form(service))
    page = await client.get("/basket")
    assert "cannot pay for" in text_of(page)
    assert 'action="/basket/checkout"' not in page.text
    assert await Hold.all().count() == 0


async def test_choosing_which_money_pays_and_how_many(client_for):
    tenant, budget, person, _, service = await council_with_person(
        one_off(50_000, name="Council money"), one_off(50_000, name="Health money")
    )
    client = await client_as(client_for, tenant, person)
    await add(client, once_form(service))
    [item] = await BasketItem.all()
    streams = {s.name: s for s in await budget.streams.all()}
    page = text_of(await client.get("/basket"))
    assert "Council money (chosen for you)" in page

    changed = await client.post(
        f"/basket/items/{item.id}",
        data={"quantity": "3", "stream_id": str(streams["Health money"].id)},
        headers=SAME_ORIGIN,
    )
    assert changed.status_code == 303
    await item.refresh_from_db()
    assert item.quantity == 3 and item.stream_id == streams["Health money"].id  # type: ignore[attr-defined]
    words = text_of(await client.get("/basket"))
    assert "Paid from Health money" in words and "This order £60.00" in words

    other = await funded_budget(tenant, one_off(1_000), period=period())
    [foreign_stream] = await other.streams.all()
    refused = await client.post(
        f"/basket/items/{item.id}",
        data={"quantity": "1", "stream_id": str(foreign_stream.id)},
        headers=SAME_ORIGIN,
    )
    assert refused.status_code == 400 and "Choose who pays from the list" in refused.text
    await item.refresh_from_db()
    assert item.quantity == 3


async def test_removing_an_item(client_for):
    tenant, _, person, _, service = await council_with_person()
    client = await client_as(client_for, tenant, person)
    await add(client, once_form(service))
    [item] = await BasketItem.all()
    response = await client.post(f"/basket/items/{item.id}/remove", headers=SAME_ORIGIN)
    assert response.status_code == 303
    assert await BasketItem.all().count() == 0
    assert "The basket is empty" in (await client.get("/basket")).text


async def test_another_persons_basket_and_items_are_out_of_reach(client_for):
    tenant, _, person, _, service = await council_with_person()
    owner = await client_as(client_for, tenant, person)
    await add(owner, once_form(service))
    [item] = await BasketItem.all()
    stranger = await make_member(tenant, ["person"], name="Sam Stranger")
    client = await client_as(client_for, tenant, stranger)
    assert (await client.get("/basket", params={"person_id": str(person.id)})).status_code == 404
    for url in (f"/basket/items/{item.id}", f"/basket/items/{item.id}/remove"):
        response = await client.post(url, data={"quantity": "9"}, headers=SAME_ORIGIN)
        assert response.status_code == 404
        mine = await client.post(
            url, data={"quantity": "9", "person_id": str(person.id)}, headers=SAME_ORIGIN
        )
        assert mine.status_code == 404
    await item.refresh_from_db()
    assert item.quantity == 2
    assert "Home care" not in (await client.get("/basket")).text
