"""The feedback pages over HTTP: the rating form, the provider's one reply, the council's
hiding, and replies shown under reviews on the service page (hidden reviews not)."""

from __future__ import annotations

import pytest

from core.marketplace.models import Review
from core.orders.models import DeliveryStatus
from tests.factories import make_tenant
from tests.functional.marketplace.test_catalogue import signed_in, team_member
from tests.functional.orders.feedback_helpers import delivered
from tests.support.members import SAME_ORIGIN, make_member

pytestmark = pytest.mark.usefixtures("db")


async def test_the_person_rates_through_the_form(client_for):
    tenant, person, _store, _service, _owner, booking = await delivered()
    client = await signed_in(client_for, tenant, person)
    page = await client.get(f"/bookings/{booking.id}/review")
    assert page.status_code == 200 and "How good was the service?" in page.text
    assert "5 – Excellent" in page.text and "1 – Very poor" in page.text
    missing = await client.post(
        f"/bookings/{booking.id}/review", data={"text": "Lovely"}, headers=SAME_ORIGIN
    )
    assert missing.status_code == 400 and 'href="#rating"' in missing.text
    assert "Lovely" in missing.text  # what was typed is kept
    too_long = await client.post(
        f"/bookings/{booking.id}/review",
        data={"rating": "4", "text": "x" * 2_001},
        headers=SAME_ORIGIN,
    )
    assert too_long.status_code == 400 and 'href="#text"' in too_long.text
    saved = await client.post(
        f"/bookings/{booking.id}/review",
        data={"rating": "4", "text": "Kind and on time"},
        headers=SAME_ORIGIN,
    )
    assert saved.status_code == 303
    [review] = await Review.all()
    assert (review.rating, review.text) == (4, "Kind and on time")
    shown = await client.get(saved.headers["location"])
    assert "Your review has been saved" in shown.text and "checked" in shown.text


async def test_no_form_before_a_confirmed_visit(client_for):
    tenant, person, _, _, _, booking = await delivered(DeliveryStatus.RECORDED)
    client = await signed_in(client_for, tenant, person)
    page = await client.get(f"/bookings/{booking.id}/review")
    assert "once a visit has happened and been confirmed" in page.text
    assert 'name="rating"' not in page.text
    refused = await client.post(
        f"/bookings/{booking.id}/review", data={"rating": "5"}, headers=SAME_ORIGIN
    )
    assert refused.status_code == 400 and await Review.all().count() == 0


async def test_strangers_and_other_councils_do_not_find_the_booking(client_for):
    tenant, _, _, _, _, booking = await delivered()
    stranger = await make_member(tenant, ["person"])
    client = await signed_in(client_for, tenant, stranger)
    assert (await client.get(f"/bookings/{booking.id}/review")).status_code == 404
    elsewhere = await make_tenant()
    far = await make_member(elsewhere, ["person"])
    far_client = await signed_in(client_for, elsewhere, far)
    assert (await far_client.get(f"/bookings/{booking.id}/review")).status_code == 404


async def test_the_provider_replies_once_and_it_shows_under_the_review(client_for):
    tenant, person, store, service, owner, booking = await delivered()
    person_client = await signed_in(client_for, tenant, person)
    await person_client.post(
        f"/bookings/{booking.id}/review",
        data={"rating": "3", "text": "Came late twice"},
        headers=SAME_ORIGIN,
    )
    [review] = await Review.all()
    client = await signed_in(client_for, tenant, owner)
    page = await client.get("/provider/reviews")
    assert page.status_code == 200 and "Came late twice" in page.text
    assert f'action="/provider/reviews/{review.id}/reply"' in page.text
    empty = await client.post(
        f"/provider/reviews/{review.id}/reply", data={"reply": " "}, headers=SAME_ORIGIN
    )
    assert empty.status_code == 400 and f'href="#reply-{review.id}"' in empty.text
    sent = await client.post(
        f"/provider/reviews/{review.id}/reply",
        data={"reply": "Sorry, we have changed the rota"},
        headers=SAME_ORIGIN,
    )
    assert sent.status_code == 303
    second = await client.post(
        f"/provider/reviews/{review.id}/reply", data={"reply": "Again"}, headers=SAME_ORIGIN
    )
    assert second.status_code == 409
    assert (await Review.get(id=review.id)).provider_reply == "Sorry, we have changed the rota"
    service_page = await person_client.get(f"/services/{service.id}")
    assert "Came late twice" in service_page.text
    assert "Sorry, we have changed the rota" in service_page.text
    staff = await team_member(tenant, await store.provider, "staff")
    staff_client = await signed_in(client_for, tenant, staff)
    assert (
        f'/provider/reviews/{review.id}/reply"'
        not in (await staff_client.get("/provider/reviews")).text
    )


async def test_the_council_hides_a_review_and_people_no_longer_see_it(client_for):
    tenant, person, _store, service, owner, booking = await delivered()
    person_client = await signed_in(client_for, tenant, person)
    await person_client.post(
        f"/bookings/{booking.id}/review",
        data={"rating": "1", "text": "Rude words here"},
        headers=SAME_ORIGIN,
    )
    [review] = await Review.all()
    assert "1 out of 5 (1 review)" in (await person_client.get(f"/services/{service.id}")).text
    officer = await make_member(tenant, ["council_officer"])
    client = await signed_in(client_for, tenant, officer)
    console = await client.get("/council")
    assert 'href="/council/reviews"' in console.text
    page = await client.get("/council/reviews")
    assert page.status_code == 200 and "Rude words here" in page.text
    no_reason = await client.post(
        f"/council/reviews/{review.id}/hide", data={"reason": ""}, headers=SAME_ORIGIN
    )
    assert no_reason.status_code == 400 and f'href="#reason-{review.id}"' in no_reason.text
    hidden = await client.post(
        f"/council/reviews/{review.id}/hide",
        data={"reason": "Offensive language"},
        headers=SAME_ORIGIN,
    )
    assert hidden.status_code == 303
    after = await client.get(hidden.headers["location"])
    assert "Offensive language" in after.text and "Hidden" in after.text
    service_page = await person_client.get(f"/services/{service.id}")
    assert "Rude words here" not in service_page.text and "No reviews yet" in service_page.text
    mine = await person_client.get(f"/bookings/{booking.id}/review")
    assert "The council has hidden your review" in mine.text
    assert (await person_client.get("/council/reviews")).status_code == 403
    owner_client = await signed_in(client_for, tenant, owner)
    refused = await owner_client.post(
        f"/council/reviews/{review.id}/hide", data={"reason": "x"}, headers=SAME_ORIGIN
    )
    assert refused.status_code == 403
