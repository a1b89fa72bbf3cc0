"""The person's delivery page over HTTP: what was recorded, Confirm, Dispute with a
reason, and who sees the buttons."""

from __future__ import annotations

from html import unescape

import pytest

from core.identity.models import AccessLevel
from core.orders.models import Delivery, DeliveryStatus
from tests.functional.marketplace.test_catalogue import signed_in
from tests.functional.orders.test_deliveries import circle_member, recorded, visit_yesterday
from tests.support.members import SAME_ORIGIN, make_member

pytestmark = pytest.mark.usefixtures("db")


async def test_the_person_checks_and_confirms_a_visit(app, client_for):
    visit = await visit_yesterday()
    delivery = await recorded(visit)
    client = await signed_in(client_for, visit.tenant, visit.person)
    page = await client.get(f"/deliveries/{delivery.id}")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Sam Carer" in text and "10:05 to 12:00" in text and "Kind Hands" in text
    assert "Yes, confirm this visit" in text and "7 days after it was recorded" in text
    assert "Rate this service" not in text

    done = await client.post(f"/deliveries/{delivery.id}/confirm", headers=SAME_ORIGIN)
    assert done.status_code == 303
    assert (await Delivery.get(id=delivery.id)).status == DeliveryStatus.CONFIRMED
    after = await client.get(done.headers["location"])
    assert "You have confirmed this visit" in after.text
    assert f"/bookings/{visit.session.booking_id}/review" in after.text  # type: ignore[attr-defined]
    assert "Yes, confirm this visit" not in after.text
    again = await client.post(f"/deliveries/{delivery.id}/confirm", headers=SAME_ORIGIN)
    assert again.status_code == 409


async def test_a_dispute_needs_a_reason(app, client_for):
    visit = await visit_yesterday()
    delivery = await recorded(visit)
    client = await signed_in(client_for, visit.tenant, visit.person)
    url = f"/deliveries/{delivery.id}/dispute"
    empty = await client.post(url, data={"reason": ""}, headers=SAME_ORIGIN)
    assert empty.status_code == 400 and "There is a problem" in empty.text
    assert "Say what was wrong" in empty.text
    assert (await Delivery.get(id=delivery.id)).status == DeliveryStatus.RECORDED
    done = await client.post(url, data={"reason": "Nobody came"}, headers=SAME_ORIGIN)
    assert done.status_code == 303
    stored = await Delivery.get(id=delivery.id)
    assert stored.status == DeliveryStatus.DISPUTED and stored.dispute_reason == "Nobody came"
    after = await client.get(done.headers["location"])
    assert "Nobody came" in after.text and "Confirm this visit after all" in after.text


async def test_a_review_only_circle_member_sees_it_without_buttons(app, client_for):
    visit = await visit_yesterday()
    delivery = await recorded(visit)
    reviewer = await circle_member(visit, AccessLevel.REVIEW)
    client = await signed_in(client_for, visit.tenant, reviewer)
    page = await client.get(f"/deliveries/{delivery.id}")
    assert page.status_code == 200 and "Sam Carer" in page.text
    assert "Yes, confirm this visit" not in page.text
    refused = await client.post(f"/deliveries/{delivery.id}/confirm", headers=SAME_ORIGIN)
    assert refused.status_code == 403
    assert (await Delivery.get(id=delivery.id)).status == DeliveryStatus.RECORDED


async def test_a_stranger_gets_not_found(app, client_for):
    visit = await visit_yesterday()
    delivery = await recorded(visit)
    stranger = await make_member(visit.tenant, ["person"])
    client = await signed_in(client_for, visit.tenant, stranger)
    assert (await client.get(f"/deliveries/{delivery.id}")).status_code == 404
    refused = await client.post(f"/deliveries/{delivery.id}/confirm", headers=SAME_ORIGIN)
    assert refused.status_code == 404
    assert (await client_for(visit.tenant).get(f"/deliveries/{delivery.id}")).status_code == 303
