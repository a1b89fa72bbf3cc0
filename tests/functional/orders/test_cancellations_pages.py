"""The booking page over HTTP: the booking in words, its visits, cancelling a visit or the
whole booking after an "are you sure" page, and the notice period explained."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import utcnow
from core.identity.models import PersonAccess
from core.orders.models import BookingSession, Delivery, SessionStatus
from tenants import services
from tests.functional.marketplace.test_catalogue import signed_in
from tests.functional.orders.test_cancellations import VISIT, available, recurring
from tests.support.members import SAME_ORIGIN, make_member

pytestmark = pytest.mark.usefixtures("db")


async def with_notice(tenant, registry, hours: int = 24) -> None:
    await services.configure_plugins(
        tenant,
        registry,
        enable=["ordering"],
        settings={
            "ordering": {"response_hours": 48, "notice_hours": hours, "auto_confirm_days": 7}
        },
    )


async def test_the_booking_page_describes_the_booking_and_its_visits(client_for, registry):
    tenant, _, person, _store, owner, booking, sessions = await recurring()
    await BookingSession.filter(id=sessions[0].id).update(
        status=SessionStatus.DELIVERED,
        starts_at=utcnow() - timedelta(days=1),
        ends_at=utcnow() - timedelta(days=1) + timedelta(hours=2),
    )
    delivery = await Delivery.create(
        tenant_id=tenant.id,
        session_id=sessions[0].id,
        worker_name="Wendy",
        started_at=utcnow() - timedelta(days=1),
        ended_at=utcnow() - timedelta(hours=22),
        recorded_by=owner,
    )
    client = await signed_in(client_for, tenant, person)
    page = await client.get(f"/bookings/{booking.id}")
    assert page.status_code == 200
    assert "Every Tuesday, 10:00 to 12:00" in page.text
    assert "£40.00" in page.text and "£240.00" in page.text
    assert page.text.count("Cancel this visit") == 5
    assert f"/deliveries/{delivery.id}" in page.text
    assert "Cancel the whole booking" in page.text


async def test_cancelling_a_visit_asks_first_then_returns_the_money(client_for):
    tenant, budget, person, _, _, booking, sessions = await recurring()
    client = await signed_in(client_for, tenant, person)
    url = f"/bookings/{booking.id}/sessions/{sessions[2].id}/cancel"
    confirm = await client.get(url)
    assert confirm.status_code == 200
    assert "Are you sure" in confirm.text and "£40.00 will go back" in confirm.text
    assert await available(budget) == 100_000 - 6 * VISIT  # looking changes nothing
    done = await client.post(url, data={"reason": "Away"}, headers=SAME_ORIGIN)
    assert done.status_code == 303 and done.headers["location"].endswith("done=visit-cancelled")
    assert await available(budget) == 100_000 - 5 * VISIT
    page = await client.get(done.headers["location"])
    assert "The visit has been cancelled." in page.text and "£200.00" in page.text
    again = await client.post(url, data={}, headers=SAME_ORIGIN)
    assert again.status_code == 409
    assert await available(budget) == 100_000 - 5 * VISIT


async def test_a_visit_inside_the_notice_period_shows_why_instead_of_a_button(client_for, registry):
    tenant, budget, person, store, _, booking, sessions = await recurring()
    await with_notice(tenant, registry)
    soon = utcnow() + timedelta(hours=3)
    await BookingSession.filter(id=sessions[0].id).update(
        starts_at=soon, ends_at=soon + timedelta(hours=2)
    )
    client = await signed_in(client_for, tenant, person)
    page = await client.get(f"/bookings/{booking.id}")
    assert "Visits need 24 hours&#39; notice to cancel" in page.text
    assert store.name in page.text
    assert page.text.count("Cancel this visit") == 5
    url = f"/bookings/{booking.id}/sessions/{sessions[0].id}/cancel"
    refused = await client.post(url, data={}, headers=SAME_ORIGIN)
    assert refused.status_code == 409 and "notice to cancel" in refused.text
    assert await available(budget) == 100_000 - 6 * VISIT


async def test_cancelling_the_whole_booking_says_how_much_comes_back(client_for):
    tenant, budget, person, _, _, booking, sessions = await recurring()
    await BookingSession.filter(id=sessions[0].id).update(status=SessionStatus.CONFIRMED)
    client = await signed_in(client_for, tenant, person)
    confirm = await client.get(f"/bookings/{booking.id}/cancel")
    assert confirm.status_code == 200 and "£200.00 will go back" in confirm.text
    done = await client.post(
        f"/bookings/{booking.id}/cancel", data={"reason": "Moving"}, headers=SAME_ORIGIN
    )
    assert done.status_code == 303
    assert await available(budget) == 100_000 - VISIT
    page = await client.get(done.headers["location"])
    assert "The booking has been cancelled." in page.text
    assert "Cancel this visit" not in page.text and "Rate this service" in page.text


async def test_another_person_and_the_visit_of_another_booking_are_not_found(client_for):
    tenant, _, person, _, _, booking, _sessions = await recurring()
    _, _, _other_person, _, _, other_booking, other_sessions = await recurring()
    client = await signed_in(client_for, tenant, person)
    assert (await client.get(f"/bookings/{other_booking.id}")).status_code == 404
    mixed = f"/bookings/{booking.id}/sessions/{other_sessions[0].id}/cancel"
    assert (await client.get(mixed)).status_code == 404
    assert (await client.post(mixed, data={}, headers=SAME_ORIGIN)).status_code == 404
    assert (await BookingSession.get(id=other_sessions[0].id)).status == SessionStatus.SCHEDULED


async def test_a_review_only_circle_member_sees_the_booking_but_cannot_cancel(client_for):
    tenant, budget, person, _, _, booking, sessions = await recurring()
    viewer = await make_member(tenant, [], name="Vic Viewer")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=viewer, kind="circle", access="review"
    )
    client = await signed_in(client_for, tenant, viewer)
    page = await client.get(f"/bookings/{booking.id}")
    assert page.status_code == 200 and "Every Tuesday" in page.text
    assert "Cancel this visit" not in page.text and "Cancel the whole booking" not in page.text
    url = f"/bookings/{booking.id}/sessions/{sessions[0].id}/cancel"
    assert (await client.get(url)).status_code == 403
    assert (await client.post(url, data={}, headers=SAME_ORIGIN)).status_code == 403
    assert await available(budget) == 100_000 - 6 * VISIT
