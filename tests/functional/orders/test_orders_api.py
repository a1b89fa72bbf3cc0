"""``/api/v1/orders``: a council partner places orders for a person exactly once, within the
money there is; a provider's system pulls and answers only its own stores' orders."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.budgets.figures import budget_figures
from core.clock import uk_today
from core.ledger.models import Hold, HoldStatus
from core.marketplace.models import Provider
from core.oauth.services import create_client_as_operator
from core.orders.models import Booking, Order, OrderStatus
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_placement import next_weekday, setup
from tests.support.api import bearer_headers
from tests.support.members import make_member, sign_in

pytestmark = pytest.mark.usefixtures("db")

PROBLEMS = "https://carepurse.example/problems/"
COUNCIL_SCOPES = ("orders:read", "orders:write", "deliveries:write")


async def provider_headers(client, tenant, provider: Provider, scopes=COUNCIL_SCOPES) -> dict:
    """``Authorization`` for a new API client tied to ``provider`` (its own system)."""
    api_client, secret = await create_client_as_operator(
        tenant, f"{provider.name} rostering", list(scopes), provider=provider
    )
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(api_client.client_id, secret),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def visit(service, *, days: int = 3, hours: int = 2, **extra) -> dict:
    """A one-off visit line: ``hours`` units, 10:00 to 12:00 in ``days`` days."""
    return {
        "service_id": str(service.id),
        "quantity": hours,
        "postcode": "HA1 2AB",
        "on_date": (uk_today() + timedelta(days=days)).isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        **extra,
    }


@pytest.fixture
async def world(app, client_for):
    """A council with a person's £1,000 budget, Kind Hands' home care (2,000p an hour) and
    its owner, a partner client with every orders scope, and Kind Hands' own system."""
    tenant, budget, person, store, service = await setup()
    client = client_for(tenant)
    partner = await bearer_headers(client, tenant, COUNCIL_SCOPES, name="Case system")
    provider = await store.provider
    owner = await team_member(tenant, provider, "owner")
    system = await provider_headers(client, tenant, provider)
    return {
        "tenant": tenant,
        "budget": budget,
        "person": person,
        "store": store,
        "service": service,
        "client": client,
        "partner": partner,
        "system": system,
        "owner": owner,
    }


async def place(world, *lines, headers=None, key=None) -> dict:
    extra = {"Idempotency-Key": key} if key else {}
    response = await world["client"].post(
        "/api/v1/orders",
        headers={**(headers or world["partner"]), **extra},
        json={"person_id": str(world["person"].id), "lines": list(lines)},
    )
    assert response.status_code == 201, response.text
    return response.json()["orders"][0]


async def available(budget) -> int:
    return (await budget_figures(budget)).total.available_pence


# --- placing --------------------------------------------------------------------------


async def test_a_partner_places_an_order_and_the_money_is_held_at_once(world):
    client = world["client"]
    response = await client.post(
        "/api/v1/orders",
        headers=world["partner"],
        json={"person_id": str(world["person"].id), "lines": [visit(world["service"])]},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    [order] = body["orders"]
    assert response.headers["location"] == f"/api/v1/orders/{order['id']}"
    assert body["total_pence"] == 4_000 and body["currency"] == "GBP"
    assert order["status"] == "placed" and order["store_name"] == "Kind Hands"
    assert order["placed_by_client"]["name"] == "Case system"
    assert order["person_id"] == str(world["person"].id)
    [booking] = order["bookings"]
    assert (booking["kind"], booking["quantity"], booking["committed_pence"]) == (
        "one_off",
        2,
        4_000,
    )
    assert booking["start_time"] == "10:00" and order["respond_by"].endswith("Z")
    stored = await Order.get(id=order["id"])
    assert stored.api_client_id is not None  # type: ignore[attr-defined]
    assert await available(world["budget"]) == 96_000

    fetched = await client.get(f"/api/v1/orders/{order['id']}", headers=world["partner"])
    assert fetched.status_code == 200 and fetched.json() == order


async def test_a_weekly_pattern_holds_every_visit_in_the_period(world):
    first = next_weekday(uk_today(), 1)  # a Tuesday
    line = {
        "service_id": str(world["service"].id),
        "quantity": 1,
        "postcode": "HA1",
        "weekly": {
            "days": ["tue", "thu"],
            "start_time": "10:00",
            "end_time": "11:00",
            "first_date": first.isoformat(),
            "until": (first + timedelta(days=9)).isoformat(),
        },
    }
    order = await place(world, line)
    [booking] = order["bookings"]
    assert booking["kind"] == "recurring" and "RRULE" in booking["rule"]
    assert booking["committed_pence"] == 4 * 2_000  # Tue, Thu, Tue, Thu
    assert await available(world["budget"]) == 92_000


async def test_a_repeated_key_returns_the_same_order_and_holds_nothing_more(world):
    line = visit(world["service"])
    body = {"person_id": str(world["person"].id), "lines": [line]}
    headers = {**world["partner"], "Idempotency-Key": "order-0001/retry"}
    first = await world["client"].post("/api/v1/orders", headers=headers, json=body)
    again = await world["client"].post("/api/v1/orders", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert await Order.all().count() == 1
    assert await Hold.filter(status=HoldStatus.PENDING).count() == 1
    [order] = await Order.all()
    assert order.idempotency_key is not None and order.idempotency_key.startswith("api-")
    assert await available(world["budget"]) == 96_000


async def test_a_refused_order_says_why_per_line_and_holds_nothing(world):
    dear = await make_service(world["store"], "Live-in care", price=600_000)
    response = await world["client"].post(
        "/api/v1/orders",
        headers={**world["partner"], "Idempotency-Key": "too-dear"},
        json={
            "person_id": str(world["person"].id),
            "lines": [visit(world["service"]), visit(dear, hours=1)],
        },
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == PROBLEMS + "order-refused"
    [line] = problem["lines"]
    assert (line["line"], line["kind"]) == (1, "not-enough-money")
    assert line["needed_pence"] == 600_000 and line["reason"] in problem["detail"]
    assert await Order.all().count() == 0 and await Hold.all().count() == 0
    assert await available(world["budget"]) == 100_000


async def test_bad_bodies_name_each_field(world):
    client, partner = world["client"], world["partner"]
    person = str(world["person"].id)
    malformed = await client.post(
        "/api/v1/orders",
        headers=partner,
        json={"person_id": person, "lines": [{**visit(world["service"]), "quantity": "2"}]},
    )
    assert malformed.status_code == 400
    assert [e["field"] for e in malformed.json()["errors"]] == ["lines.0.quantity"]

    weekly = {
        "days": ["tue"],
        "start_time": "11:00",
        "end_time": "10:00",
        "first_date": (uk_today() + timedelta(days=2)).isoformat(),
    }
    wrong = await client.post(
        "/api/v1/orders",
        headers=partner,
        json={
            "person_id": person,
            "lines": [{"service_id": str(world["service"].id), "weekly": weekly}],
        },
    )
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["lines.0.weekly.end_time"]

    past = await client.post(
        "/api/v1/orders",
        headers=partner,
        json={"person_id": person, "lines": [visit(world["service"], days=-1)]},
    )
    assert past.status_code == 422
    assert [e["field"] for e in past.json()["errors"]] == ["lines.0.on_date"]
    assert await Order.all().count() == 0


async def test_scopes_and_provider_systems_may_not_place(world):
    client, tenant = world["client"], world["tenant"]
    body = {"person_id": str(world["person"].id), "lines": [visit(world["service"])]}
    reader = await bearer_headers(client, tenant, ["orders:read"])
    refused = await client.post("/api/v1/orders", headers=reader, json=body)
    assert refused.status_code == 403 and "orders:write" in refused.json()["detail"]
    system = await client.post("/api/v1/orders", headers=world["system"], json=body)
    assert system.status_code == 403 and "provider" in system.json()["detail"]
    writer = await bearer_headers(client, tenant, ["orders:write"])
    unread = await client.get("/api/v1/orders", headers=writer)
    assert unread.status_code == 403 and "orders:read" in unread.json()["detail"]
    assert (await client.get("/api/v1/orders")).status_code == 401
    assert await Order.all().count() == 0


async def test_another_councils_person_and_orders_are_not_found(world, client_for):
    order = await place(world, visit(world["service"]))
    other = await make_tenant()
    stranger = await make_member(other, ["person"])
    client = world["client"]
    response = await client.post(
        "/api/v1/orders",
        headers=world["partner"],
        json={"person_id": str(stranger.id), "lines": [visit(world["service"])]},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["person_id"]

    theirs = client_for(other)
    headers = await bearer_headers(theirs, other, COUNCIL_SCOPES)
    assert (await theirs.get(f"/api/v1/orders/{order['id']}", headers=headers)).status_code == 404
    for action in ("accept", "decline"):
        answer = await theirs.post(
            f"/api/v1/orders/{order['id']}/{action}", headers=headers, json={"reason": "x"}
        )
        assert answer.status_code == 404
    listed = await theirs.get("/api/v1/orders", headers=headers)
    assert listed.json() == {"items": [], "next": None}
    assert (await Order.get(id=order["id"])).status == OrderStatus.PLACED


# --- reading --------------------------------------------------------------------------


async def test_orders_are_listed_filtered_and_paged(world):
    first = await place(world, visit(world["service"]))
    other_store = await make_store(world["tenant"], "Bright Days")
    other_service = await make_service(other_store, "Day centre", price=1_000)
    second = await place(world, visit(other_service, days=4))
    client, partner = world["client"], world["partner"]

    page = (await client.get("/api/v1/orders?limit=1", headers=partner)).json()
    following = (await client.get(page["next"], headers=partner)).json()
    assert {page["items"][0]["id"], following["items"][0]["id"]} == {first["id"], second["id"]}
    assert (await client.get(following["next"], headers=partner)).json() == {
        "items": [],
        "next": None,
    }

    mine = await client.get(f"/api/v1/orders?store_id={other_store.id}", headers=partner)
    assert [o["id"] for o in mine.json()["items"]] == [second["id"]]
    theirs = await client.get(f"/api/v1/orders?person_id={world['person'].id}", headers=partner)
    assert len(theirs.json()["items"]) == 2
    none = await client.get("/api/v1/orders?status=accepted", headers=partner)
    assert none.json()["items"] == []
    future = (uk_today() + timedelta(days=1)).isoformat() + "T00:00:00Z"
    later = await client.get(f"/api/v1/orders?since={future}", headers=partner)
    assert later.status_code == 200 and later.json()["items"] == []

    bad = await client.get(
        "/api/v1/orders?limit=0&cursor=x&status=lost&since=yesterday&store_id=7", headers=partner
    )
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {
        "limit",
        "cursor",
        "status",
        "since",
        "store_id",
    }


async def test_a_provider_system_sees_only_its_own_stores_orders(world):
    ours = await place(world, visit(world["service"]))
    other_store = await make_store(world["tenant"], "Bright Days")
    other_service = await make_service(other_store, "Day centre", price=1_000)
    theirs = await place(world, visit(other_service, days=4))
    client, system = world["client"], world["system"]

    new = await client.get("/api/v1/orders?status=placed", headers=system)
    assert [o["id"] for o in new.json()["items"]] == [ours["id"]]
    assert (await client.get(f"/api/v1/orders/{ours['id']}", headers=system)).status_code == 200
    assert (await client.get(f"/api/v1/orders/{theirs['id']}", headers=system)).status_code == 404
    elsewhere = await client.get(f"/api/v1/orders?store_id={other_store.id}", headers=system)
    assert elsewhere.json()["items"] == []


async def test_signed_in_council_staff_may_list_but_a_person_may_not(world, client_for):
    await place(world, visit(world["service"]))
    tenant = world["tenant"]
    officer = await make_member(tenant, ["council_officer"])
    staff = client_for(tenant)
    await sign_in(staff, officer.user.email)
    listed = await staff.get("/api/v1/orders")
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1

    person = client_for(tenant)
    await sign_in(person, world["person"].user.email)
    assert (await person.get("/api/v1/orders")).status_code == 403
    [order] = await Order.all()
    own = await person.get(f"/api/v1/orders/{order.id}")
    assert own.status_code == 200 and own.json()["id"] == str(order.id)
    assert (await client_for(tenant).get("/api/v1/orders")).status_code == 401


# --- the provider's answer ------------------------------------------------------------


async def test_the_provider_system_accepts_its_order_once(world):
    order = await place(world, visit(world["service"]))
    client, system = world["client"], world["system"]
    partner_try = await client.post(
        f"/api/v1/orders/{order['id']}/accept", headers=world["partner"]
    )
    assert partner_try.status_code == 403
    accepted = await client.post(f"/api/v1/orders/{order['id']}/accept", headers=system)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted" and accepted.json()["decided_at"]
    again = await client.post(f"/api/v1/orders/{order['id']}/accept", headers=system)
    assert again.status_code == 409
    assert await available(world["budget"]) == 96_000


async def test_the_provider_system_declines_with_a_reason_and_the_money_comes_back(world):
    order = await place(world, visit(world["service"]))
    client, system = world["client"], world["system"]
    no_reason = await client.post(f"/api/v1/orders/{order['id']}/decline", headers=system, json={})
    assert no_reason.status_code == 400
    declined = await client.post(
        f"/api/v1/orders/{order['id']}/decline",
        headers=system,
        json={"reason": "No carers free that week"},
    )
    assert declined.status_code == 200, declined.text
    body = declined.json()
    assert body["status"] == "declined" and body["decline_reason"] == "No carers free that week"
    assert body["bookings"][0]["status"] == "cancelled"
    assert await available(world["budget"]) == 100_000
    assert await Hold.filter(status=HoldStatus.PENDING).count() == 0


async def test_a_provider_system_cannot_answer_another_providers_order(world):
    other_store = await make_store(world["tenant"], "Bright Days")
    other_service = await make_service(other_store, "Day centre", price=1_000)
    theirs = await place(world, visit(other_service))
    client, system = world["client"], world["system"]
    for action in ("accept", "decline"):
        answer = await client.post(
            f"/api/v1/orders/{theirs['id']}/{action}", headers=system, json={"reason": "no"}
        )
        assert answer.status_code == 404
    reader = await provider_headers(
        client, world["tenant"], await world["store"].provider, ["orders:read"]
    )
    missing = await client.post(f"/api/v1/orders/{theirs['id']}/accept", headers=reader)
    assert missing.status_code == 403 and "orders:write" in missing.json()["detail"]
    assert (await Order.get(id=theirs["id"])).status == OrderStatus.PLACED
    assert await Booking.filter(order_id=theirs["id"]).count() == 1
