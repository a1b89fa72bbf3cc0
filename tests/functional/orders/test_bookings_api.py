"""``/api/v1/bookings`` and ``/sessions``: bookings and their visits are read by who may see
them, and a partner cancels them for the person, getting the money back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import uk_today
from core.ledger.models import HoldStatus
from core.orders.models import Booking, BookingSession, BookingStatus, SessionStatus
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.orders.test_orders_api import (
    COUNCIL_SCOPES,
    available,
    place,
    visit,
    world,
)
from tests.functional.orders.test_placement import next_weekday
from tests.support.api import bearer_headers

pytestmark = pytest.mark.usefixtures("db")
__all__ = ["world"]  # the fixture, shared with the orders API tests


def weekly(service, weeks: int = 2) -> dict:
    """Tuesdays 10:00-11:00, one unit (2,000p) a visit, for ``weeks`` weeks."""
    first = next_weekday(uk_today() + timedelta(days=2), 1)
    return {
        "service_id": str(service.id),
        "postcode": "HA1",
        "weekly": {
            "days": ["tue"],
            "start_time": "10:00",
            "end_time": "11:00",
            "first_date": first.isoformat(),
            "until": (first + timedelta(weeks=weeks - 1)).isoformat(),
        },
    }


async def test_bookings_are_listed_by_order_and_read_with_their_visits(world):
    order = await place(world, weekly(world["service"], weeks=3), visit(world["service"], days=5))
    client, partner = world["client"], world["partner"]
    listed = await client.get(f"/api/v1/bookings?order_id={order['id']}", headers=partner)
    assert listed.status_code == 200
    ids = {b["id"] for b in listed.json()["items"]}
    assert ids == {b["id"] for b in order["bookings"]}

    recurring = next(b for b in order["bookings"] if b["kind"] == "recurring")
    one = await client.get(f"/api/v1/bookings/{recurring['id']}", headers=partner)
    assert one.status_code == 200
    sessions = one.json()["sessions"]
    assert len(sessions) == 3 and {s["status"] for s in sessions} == {"scheduled"}
    assert all(s["amount_pence"] == 2_000 and s["starts_at"].endswith("Z") for s in sessions)
    assert sessions == sorted(sessions, key=lambda s: s["starts_at"])

    page = (await client.get("/api/v1/bookings?limit=1", headers=partner)).json()
    assert len(page["items"]) == 1 and page["next"]
    rest = (await client.get(page["next"], headers=partner)).json()
    assert {page["items"][0]["id"], rest["items"][0]["id"]} == ids
    cancelled = await client.get("/api/v1/bookings?status=cancelled", headers=partner)
    assert cancelled.json()["items"] == []
    bad = await client.get("/api/v1/bookings?order_id=nope&status=gone", headers=partner)
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"order_id", "status"}


async def test_a_provider_system_reads_only_its_own_bookings(world):
    ours = await place(world, visit(world["service"]))
    other_store = await make_store(world["tenant"], "Bright Days")
    theirs = await place(world, visit(await make_service(other_store, "Day centre", price=500)))
    client, system = world["client"], world["system"]
    listed = await client.get("/api/v1/bookings", headers=system)
    assert [b["id"] for b in listed.json()["items"]] == [ours["bookings"][0]["id"]]
    mine = await client.get(f"/api/v1/bookings/{ours['bookings'][0]['id']}", headers=system)
    assert mine.status_code == 200
    other = await client.get(f"/api/v1/bookings/{theirs['bookings'][0]['id']}", headers=system)
    assert other.status_code == 404


async def test_reading_needs_the_scope_and_another_council_sees_nothing(world, client_for):
    order = await place(world, visit(world["service"]))
    booking_id = order["bookings"][0]["id"]
    client = world["client"]
    writer = await bearer_headers(client, world["tenant"], ["orders:write"])
    refused = await client.get(f"/api/v1/bookings/{booking_id}", headers=writer)
    assert refused.status_code == 403 and "orders:read" in refused.json()["detail"]
    assert (await client.get("/api/v1/bookings", headers=writer)).status_code == 403

    other = await make_tenant()
    theirs = client_for(other)
    headers = await bearer_headers(theirs, other, COUNCIL_SCOPES)
    assert (await theirs.get(f"/api/v1/bookings/{booking_id}", headers=headers)).status_code == 404
    session = await BookingSession.get(booking_id=booking_id)
    for path in (f"/api/v1/bookings/{booking_id}/cancel", f"/api/v1/sessions/{session.id}/cancel"):
        answer = await theirs.post(path, headers=headers, json={"reason": "not needed"})
        assert answer.status_code == 404
    assert (await theirs.get("/api/v1/bookings", headers=headers)).json()["items"] == []
    assert (await Booking.get(id=booking_id)).status == BookingStatus.ACTIVE


async def test_a_partner_cancels_one_visit_and_its_money_comes_back(world):
    order = await place(world, weekly(world["service"], weeks=3))
    assert await available(world["budget"]) == 94_000
    booking_id = order["bookings"][0]["id"]
    first = await BookingSession.filter(booking_id=booking_id).order_by("starts_at").first()
    assert first is not None
    client, partner = world["client"], world["partner"]
    response = await client.post(
        f"/api/v1/sessions/{first.id}/cancel",
        headers={**partner, "Idempotency-Key": "cancel-first"},
        json={"reason": "In hospital that week"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["cancelled_sessions"] == 1 and body["released_pence"] == 2_000
    assert body["booking"]["status"] == "active" and body["booking"]["committed_pence"] == 4_000
    statuses = [s["status"] for s in body["booking"]["sessions"]]
    assert statuses == ["cancelled", "scheduled", "scheduled"]
    assert await available(world["budget"]) == 96_000

    replay = await client.post(
        f"/api/v1/sessions/{first.id}/cancel",
        headers={**partner, "Idempotency-Key": "cancel-first"},
        json={"reason": "In hospital that week"},
    )
    assert replay.json() == body and replay.headers["idempotent-replayed"] == "true"
    twice = await client.post(
        f"/api/v1/sessions/{first.id}/cancel", headers=partner, json={"reason": "again"}
    )
    assert twice.status_code == 409
    assert await available(world["budget"]) == 96_000


async def test_a_partner_cancels_a_whole_booking_and_the_hold_is_released(world):
    order = await place(world, weekly(world["service"], weeks=2))
    booking_id = order["bookings"][0]["id"]
    client, partner = world["client"], world["partner"]
    system = await client.post(
        f"/api/v1/bookings/{booking_id}/cancel", headers=world["system"], json={"reason": "x"}
    )
    assert system.status_code == 404  # a provider's system never acts for the person
    reader = await bearer_headers(client, world["tenant"], ["orders:read"])
    no_scope = await client.post(
        f"/api/v1/bookings/{booking_id}/cancel", headers=reader, json={"reason": "x"}
    )
    assert no_scope.status_code == 403 and "orders:write" in no_scope.json()["detail"]

    response = await client.post(
        f"/api/v1/bookings/{booking_id}/cancel",
        headers=partner,
        json={"reason": "Moving to another provider"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["cancelled_sessions"] == 2 and body["released_pence"] == 4_000
    assert body["booking"]["status"] == "cancelled"
    assert {s["status"] for s in body["booking"]["sessions"]} == {SessionStatus.CANCELLED.value}
    assert await available(world["budget"]) == 100_000
    booking = await Booking.get(id=booking_id).prefetch_related("hold")
    assert booking.hold.status == HoldStatus.VOIDED
