"""The provider console's order pages over HTTP: the inbox, one order with Accept and
Decline (a reason required), a booking's visits, and the timesheet where any team member
records what was delivered in UK wall time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from core.clock import long_date, uk_today, utcnow
from core.orders.models import BookingSession, Delivery, Order, OrderStatus, SessionStatus
from core.orders.placement import OrderLine, place_order
from core.orders.provider_orders import time_left_words
from core.orders.recurrence import Recurrence
from tests.factories import make_tenant
from tests.functional.marketplace.test_catalogue import signed_in, team_member
from tests.functional.orders.test_deliveries import move_visit, placed_visit, uk, visit_yesterday
from tests.functional.orders.test_placement import NOON, TEN, as_member, next_weekday
from tests.support.members import SAME_ORIGIN

pytestmark = pytest.mark.usefixtures("db")


async def test_the_owner_sees_a_new_order_and_accepts_it(app, client_for):
    visit = await placed_visit(accept=False)
    client = await signed_in(client_for, visit.tenant, visit.owner)
    inbox = await client.get("/provider/orders")
    assert inbox.status_code == 200
    text = unescape(inbox.text)
    assert "Waiting for your answer" in text and visit.person.user.display_name in text
    assert f"/provider/orders/{visit.order.id}" in text and "left" in text
    for link in ("/provider/visits", "/provider/enquiries", "/provider/reviews"):
        assert f'href="{link}"' in text

    page = await client.get(f"/provider/orders/{visit.order.id}")
    text = unescape(page.text)
    assert page.status_code == 200
    assert "Home care" in text and "£40.00" in text and "Once, on" in text
    assert "Accept this order" in text and "Decline this order" in text

    accepted = await client.post(
        f"/provider/orders/{visit.order.id}/accept", data={}, headers=SAME_ORIGIN
    )
    assert accepted.status_code == 303
    assert (await Order.get(id=visit.order.id)).status == OrderStatus.ACCEPTED
    after = await client.get(accepted.headers["location"])
    assert "You have accepted this order" in after.text
    assert f"/provider/bookings/{visit.session.booking_id}" in after.text  # type: ignore[attr-defined]
    again = await client.post(
        f"/provider/orders/{visit.order.id}/accept", data={}, headers=SAME_ORIGIN
    )
    assert again.status_code == 409 and "already been accepted" in again.text


async def test_declining_needs_a_reason(app, client_for):
    visit = await placed_visit(accept=False)
    client = await signed_in(client_for, visit.tenant, visit.owner)
    url = f"/provider/orders/{visit.order.id}/decline"
    empty = await client.post(url, data={"reason": "  "}, headers=SAME_ORIGIN)
    assert empty.status_code == 400
    assert "There is a problem" in empty.text and "Say why you cannot take this order" in empty.text
    assert (await Order.get(id=visit.order.id)).status == OrderStatus.PLACED
    declined = await client.post(url, data={"reason": "No carers free"}, headers=SAME_ORIGIN)
    assert declined.status_code == 303
    order = await Order.get(id=visit.order.id)
    assert order.status == OrderStatus.DECLINED and order.decline_reason == "No carers free"
    inbox = await client.get("/provider/orders")
    assert "Declined, lapsed or cancelled" in inbox.text and "declined" in inbox.text


async def test_staff_see_the_order_without_the_buttons_and_may_not_decide(app, client_for):
    visit = await placed_visit(accept=False)
    staff = await team_member(visit.tenant, await visit.store.provider, "staff")
    client = await signed_in(client_for, visit.tenant, staff)
    page = await client.get(f"/provider/orders/{visit.order.id}")
    assert page.status_code == 200
    assert "Accept this order" not in page.text and "Only an owner or manager" in page.text
    refused = await client.post(
        f"/provider/orders/{visit.order.id}/accept", data={}, headers=SAME_ORIGIN
    )
    assert refused.status_code == 403
    assert (await Order.get(id=visit.order.id)).status == OrderStatus.PLACED


async def test_people_and_other_councils_cannot_reach_the_pages(app, client_for):
    visit = await visit_yesterday()
    person = await signed_in(client_for, visit.tenant, visit.person)
    assert (await person.get("/provider/orders")).status_code == 403
    other = await make_tenant()
    store_elsewhere = await placed_visit(other, accept=False)
    elsewhere = await signed_in(client_for, other, store_elsewhere.owner)
    for path in (
        f"/provider/orders/{visit.order.id}",
        f"/provider/bookings/{visit.session.booking_id}",  # type: ignore[attr-defined]
        f"/provider/visits/{visit.session.id}/delivery",
    ):
        assert (await elsewhere.get(path)).status_code == 404, path
    assert (await client_for(visit.tenant).get("/provider/orders")).status_code == 303


async def test_a_booking_lists_its_visits_with_a_link_to_record_the_past_one(app, client_for):
    visit = await visit_yesterday()
    client = await signed_in(client_for, visit.tenant, visit.owner)
    page = await client.get(f"/provider/bookings/{visit.session.booking_id}")  # type: ignore[attr-defined]
    assert page.status_code == 200
    text = unescape(page.text)
    assert long_date(visit.session.local_date) in text and "10:00 to 12:00" in text
    assert f"/provider/visits/{visit.session.id}/delivery" in text
    assert f"/provider/bookings/{visit.session.booking_id}/propose" in text  # type: ignore[attr-defined]


async def test_staff_record_a_visit_on_the_timesheet_in_uk_time(app, client_for):
    visit = await visit_yesterday()
    staff = await team_member(visit.tenant, await visit.store.provider, "staff", name="Pat PA")
    client = await signed_in(client_for, visit.tenant, staff)
    listing = await client.get("/provider/visits")
    assert listing.status_code == 200
    assert visit.person.user.display_name in listing.text
    url = f"/provider/visits/{visit.session.id}/delivery"
    assert url in listing.text

    form = await client.get(url)
    assert form.status_code == 200
    assert 'value="Pat PA"' in form.text and 'value="10:00"' in form.text

    day = visit.session.local_date
    values = {
        "worker_name": "Pat PA",
        "date-day": str(day.day),
        "date-month": str(day.month),
        "date-year": str(day.year),
        "start_time": "10:15",
        "end_time": "",
    }
    missing = await client.post(url, data=values, headers=SAME_ORIGIN)
    assert missing.status_code == 400
    assert "Enter the time the visit finished" in missing.text
    assert 'value="10:15"' in missing.text  # what was typed is kept
    backwards = await client.post(url, data=values | {"end_time": "09:00"}, headers=SAME_ORIGIN)
    assert backwards.status_code == 400
    assert "The finish time must be after the start time" in backwards.text

    done = await client.post(url, data=values | {"end_time": "12:10"}, headers=SAME_ORIGIN)
    assert done.status_code == 303 and done.headers["location"].startswith("/provider/visits")
    delivery = await Delivery.get(session_id=visit.session.id)
    assert delivery.worker_name == "Pat PA"
    assert delivery.started_at == uk(day, 10, 15) and delivery.ended_at == uk(day, 12, 10)
    after = await client.get(done.headers["location"])
    assert "What was delivered is recorded" in after.text
    assert url not in after.text  # no longer waiting
    twice = await client.post(url, data=values | {"end_time": "12:10"}, headers=SAME_ORIGIN)
    assert twice.status_code == 409


async def test_a_future_visit_is_not_on_the_timesheet_and_cannot_be_recorded(app, client_for):
    visit = await placed_visit()
    client = await signed_in(client_for, visit.tenant, visit.owner)
    url = f"/provider/visits/{visit.session.id}/delivery"
    assert url not in (await client.get("/provider/visits")).text
    form = await client.get(url)
    assert "You can record this visit on the day it happens" in form.text
    await move_visit(visit.session, uk_today() - timedelta(days=20))
    assert url not in (await client.get("/provider/visits")).text  # too long ago for the list
    assert (await BookingSession.get(id=visit.session.id)).status == SessionStatus.SCHEDULED


async def test_a_recurring_order_shows_its_pattern_in_words_and_its_visits(app, client_for):
    tenant = await make_tenant()
    visit = await placed_visit(tenant, accept=False)
    first = next_weekday(uk_today(), 1)  # a Tuesday
    until = first + timedelta(weeks=2, days=2)
    line = OrderLine(
        service_id=visit.service.id,
        quantity=2,
        district="HA1",
        recurrence=Recurrence(frozenset({"tue", "thu"}), TEN, NOON, first, until_date=until),
    )
    placed = await place_order(as_member(visit.person), visit.person, [line], idempotency_key=None)
    [order] = placed.orders
    client = await signed_in(client_for, tenant, visit.owner)
    page = unescape((await client.get(f"/provider/orders/{order.id}")).text)
    assert "Every Tuesday and Thursday, 10:00 to 12:00" in page
    assert "£40.00" in page  # a visit: two hours at £20.00
    assert "£240.00" in page  # six visits
    assert ">6<" in page.replace("\n", "").replace(" ", "")


def test_the_time_left_to_answer_is_in_words():
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    assert time_left_words(now + timedelta(days=2, hours=3), now) == "2 days and 3 hours"
    assert time_left_words(now + timedelta(hours=1, minutes=30), now) == "1 hour and 30 minutes"
    assert time_left_words(now + timedelta(seconds=61), now) == "2 minutes"
    assert time_left_words(now - timedelta(minutes=1), now) == "no time"


async def test_an_order_close_to_its_answer_time_is_highlighted(app, client_for):
    visit = await placed_visit(accept=False)
    client = await signed_in(client_for, visit.tenant, visit.owner)
    assert "govuk-tag--red" not in (await client.get("/provider/orders")).text  # 48 hours
    await Order.filter(id=visit.order.id).update(respond_by=utcnow() + timedelta(hours=2))
    inbox = await client.get("/provider/orders")
    assert "govuk-tag--red" in inbox.text and "hour" in inbox.text


async def test_an_order_past_its_answer_time_shows_as_lapsed_without_buttons(app, client_for):
    visit = await placed_visit(accept=False)
    await Order.filter(id=visit.order.id).update(respond_by=utcnow() - timedelta(minutes=5))
    client = await signed_in(client_for, visit.tenant, visit.owner)
    inbox = unescape((await client.get("/provider/orders")).text)
    assert "There are no new orders." in inbox and ": lapsed" in inbox
    page = unescape((await client.get(f"/provider/orders/{visit.order.id}")).text)
    assert "Lapsed" in page and "Accept this order" not in page
