"""``/api/v1/deliveries``: a provider's system pushes timesheets for its own visits only; a
partner confirms or disputes them for the person."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from core.clock import uk_today, utcnow
from core.orders.models import BookingSession, Delivery, DeliveryStatus, SessionStatus
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_orders_api import (
    COUNCIL_SCOPES,
    place,
    provider_headers,
    visit,
    world,
)
from tests.support.api import bearer_headers

pytestmark = pytest.mark.usefixtures("db")
__all__ = ["world"]  # the fixture, shared with the orders API tests


async def visit_done(world, service=None, headers=None) -> BookingSession:
    """An accepted order's visit, moved to earlier today so it can be recorded."""
    order = await place(world, visit(service or world["service"]))
    accepted = await world["client"].post(
        f"/api/v1/orders/{order['id']}/accept", headers=headers or world["system"]
    )
    assert accepted.status_code == 200, accepted.text
    session = await BookingSession.get(booking_id=order["bookings"][0]["id"])
    now = utcnow()
    session.starts_at, session.ends_at = now - timedelta(hours=3), now - timedelta(hours=1)
    session.local_date = uk_today()
    await session.save()
    return session


async def other_provider(world):
    """Bright Days: another provider here, with an owner, a service and its own system."""
    store = await make_store(world["tenant"], "Bright Days")
    provider = await store.provider
    await team_member(world["tenant"], provider, "owner")
    service = await make_service(store, "Day centre", price=500)
    return store, service, await provider_headers(world["client"], world["tenant"], provider)


def timesheet(session: BookingSession, worker: str = "Ada Carer") -> dict:
    return {
        "session_id": str(session.id),
        "worker_name": worker,
        "started_at": session.starts_at.astimezone(UTC).isoformat(),
        "ended_at": session.ends_at.astimezone(UTC).isoformat(),
    }


async def push(world, session: BookingSession, headers=None):
    return await world["client"].post(
        "/api/v1/deliveries", headers=headers or world["system"], json=timesheet(session)
    )


async def test_the_provider_system_pushes_a_timesheet(world):
    session = await visit_done(world)
    response = await push(world, session)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["session_id"] == str(session.id) and body["worker_name"] == "Ada Carer"
    assert body["status"] == "recorded" and body["store_id"] == str(world["store"].id)
    assert body["started_at"].endswith("Z")
    assert (await BookingSession.get(id=session.id)).status == SessionStatus.DELIVERED
    again = await push(world, session)
    assert again.status_code == 409
    assert await Delivery.all().count() == 1


async def test_timesheets_are_checked_before_anything_is_recorded(world):
    session = await visit_done(world)
    client, system = world["client"], world["system"]
    no_offset = {**timesheet(session), "started_at": "2026-03-03T10:00:00"}
    bad = await client.post("/api/v1/deliveries", headers=system, json=no_offset)
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["started_at"]
    reader = await provider_headers(
        client, world["tenant"], await world["store"].provider, ["orders:read"]
    )
    refused = await client.post("/api/v1/deliveries", headers=reader, json=timesheet(session))
    assert refused.status_code == 403 and "deliveries:write" in refused.json()["detail"]
    assert await Delivery.all().count() == 0


async def test_a_provider_system_cannot_push_for_another_providers_visit(world, client_for):
    _, service, theirs = await other_provider(world)
    session = await visit_done(world, service, headers=theirs)
    assert (await push(world, session)).status_code == 404
    partner = await push(world, session, headers=world["partner"])
    assert partner.status_code == 404  # a council partner does not record deliveries

    other = await make_tenant()
    elsewhere = client_for(other)
    headers = await bearer_headers(elsewhere, other, COUNCIL_SCOPES)
    answer = await elsewhere.post("/api/v1/deliveries", headers=headers, json=timesheet(session))
    assert answer.status_code == 404
    assert await Delivery.all().count() == 0
    assert (await push(world, session, headers=theirs)).status_code == 201


async def test_deliveries_are_listed_to_who_may_see_them(world):
    ours = await visit_done(world)
    other_store, service, theirs_headers = await other_provider(world)
    theirs = await visit_done(world, service, headers=theirs_headers)
    mine = (await push(world, ours)).json()
    other = (await push(world, theirs, headers=theirs_headers)).json()
    client = world["client"]

    own = await client.get("/api/v1/deliveries", headers=world["system"])
    assert [d["id"] for d in own.json()["items"]] == [mine["id"]]
    everything = await client.get("/api/v1/deliveries?limit=1", headers=world["partner"])
    page = everything.json()
    rest = (await client.get(page["next"], headers=world["partner"])).json()
    assert {page["items"][0]["id"], rest["items"][0]["id"]} == {mine["id"], other["id"]}
    by_store = await client.get(
        f"/api/v1/deliveries?store_id={other_store.id}&status=recorded", headers=world["partner"]
    )
    assert [d["id"] for d in by_store.json()["items"]] == [other["id"]]
    bad = await client.get("/api/v1/deliveries?status=lost", headers=world["partner"])
    assert bad.status_code == 400


async def test_a_partner_confirms_a_delivery_for_the_person(world):
    session = await visit_done(world)
    delivery = (await push(world, session)).json()
    client = world["client"]
    system = await client.post(
        f"/api/v1/deliveries/{delivery['id']}/confirm", headers=world["system"]
    )
    assert system.status_code == 404  # the provider cannot confirm its own timesheet
    confirmed = await client.post(
        f"/api/v1/deliveries/{delivery['id']}/confirm", headers=world["partner"]
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["confirmed_at"]
    again = await client.post(
        f"/api/v1/deliveries/{delivery['id']}/confirm", headers=world["partner"]
    )
    assert again.status_code == 409
    assert (await Delivery.get(id=delivery["id"])).status == DeliveryStatus.CONFIRMED


async def test_a_partner_disputes_a_delivery_saying_why(world, client_for):
    session = await visit_done(world)
    delivery = (await push(world, session)).json()
    client = world["client"]
    other = await make_tenant()
    elsewhere = client_for(other)
    headers = await bearer_headers(elsewhere, other, COUNCIL_SCOPES)
    stranger = await elsewhere.post(
        f"/api/v1/deliveries/{delivery['id']}/dispute", headers=headers, json={"reason": "x"}
    )
    assert stranger.status_code == 404
    empty = await client.post(
        f"/api/v1/deliveries/{delivery['id']}/dispute", headers=world["partner"], json={}
    )
    assert empty.status_code == 400
    disputed = await client.post(
        f"/api/v1/deliveries/{delivery['id']}/dispute",
        headers=world["partner"],
        json={"reason": "Nobody came"},
    )
    assert disputed.status_code == 200, disputed.text
    assert disputed.json()["status"] == "disputed"
    assert disputed.json()["dispute_reason"] == "Nobody came"
    assert (await BookingSession.get(id=session.id)).status == SessionStatus.DISPUTED
