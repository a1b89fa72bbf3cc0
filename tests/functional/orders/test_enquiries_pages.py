"""Enquiry pages: asking from a service, the conversation on both sides, escaping, and
another provider kept out."""

from __future__ import annotations

import pytest

from core.identity.models import PersonAccess
from core.orders.models import Enquiry, EnquiryMessage, EnquiryStatus
from tests.functional.marketplace.search_helpers import make_store
from tests.functional.marketplace.test_catalogue import signed_in, team_member
from tests.functional.orders.test_placement import setup
from tests.support.members import SAME_ORIGIN, make_member

pytestmark = pytest.mark.usefixtures("db")


async def test_a_person_asks_the_provider_replies_and_both_see_the_thread(client_for):
    tenant, _, person, store, service = await setup()
    owner = await team_member(tenant, await store.provider, "owner")
    client = await signed_in(client_for, tenant, person)
    form = await client.get(f"/services/{service.id}/enquire")
    assert form.status_code == 200 and "Ask Kind Hands a question" in form.text
    empty = await client.post(
        f"/services/{service.id}/enquire", data={"subject": "Hi", "body": ""}, headers=SAME_ORIGIN
    )
    assert empty.status_code == 400 and "Enter your message" in empty.text
    sent = await client.post(
        f"/services/{service.id}/enquire",
        data={"person": str(person.id), "subject": "Weekends", "body": "<b>Saturdays?</b>"},
        headers=SAME_ORIGIN,
    )
    assert sent.status_code == 303
    [enquiry] = await Enquiry.all()
    thread = await client.get(sent.headers["location"])
    assert "&lt;b&gt;Saturdays?&lt;/b&gt;" in thread.text and "<b>Saturdays?" not in thread.text
    listing = await client.get("/enquiries")
    assert "Weekends" in listing.text and "Kind Hands" in listing.text

    provider = await signed_in(client_for, tenant, owner)
    inbox = await provider.get("/provider/enquiries")
    assert inbox.status_code == 200 and f"/provider/enquiries/{enquiry.id}" in inbox.text
    replied = await provider.post(
        f"/provider/enquiries/{enquiry.id}", data={"body": "Yes we do"}, headers=SAME_ORIGIN
    )
    assert replied.status_code == 303
    [_, answer] = await EnquiryMessage.filter(enquiry_id=enquiry.id).order_by("id")
    assert answer.from_provider
    assert "Yes we do" in (await client.get(f"/enquiries/{enquiry.id}")).text
    closed = await client.post(
        f"/enquiries/{enquiry.id}", data={"close": "yes"}, headers=SAME_ORIGIN
    )
    assert closed.status_code == 303
    assert (await Enquiry.get(id=enquiry.id)).status == EnquiryStatus.CLOSED
    late = await provider.post(
        f"/provider/enquiries/{enquiry.id}", data={"body": "More"}, headers=SAME_ORIGIN
    )
    assert late.status_code == 409


async def test_another_provider_cannot_read_and_the_person_cannot_use_the_provider_page(
    client_for,
):
    tenant, _, person, _store, service = await setup()
    client = await signed_in(client_for, tenant, person)
    await client.post(
        f"/services/{service.id}/enquire",
        data={"subject": "Hello", "body": "A question"},
        headers=SAME_ORIGIN,
    )
    [enquiry] = await Enquiry.all()
    other = await team_member(tenant, await (await make_store(tenant)).provider, "owner")
    outsider = await signed_in(client_for, tenant, other)
    assert (await outsider.get(f"/provider/enquiries/{enquiry.id}")).status_code == 404
    assert (await outsider.get(f"/enquiries/{enquiry.id}")).status_code == 404
    posted = await outsider.post(
        f"/provider/enquiries/{enquiry.id}", data={"body": "hi"}, headers=SAME_ORIGIN
    )
    assert posted.status_code == 404
    assert "Hello" not in (await outsider.get("/provider/enquiries")).text
    assert (await client.get(f"/provider/enquiries/{enquiry.id}")).status_code == 404
    assert await EnquiryMessage.all().count() == 1


async def test_a_broker_chooses_who_the_question_is_for(client_for):
    tenant, _, person, _, service = await setup()
    broker = await make_member(tenant, ["broker"], name="Bob Broker")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=broker, kind="broker", access="manage"
    )
    client = await signed_in(client_for, tenant, broker)
    form = await client.get(f"/services/{service.id}/enquire")
    assert person.user.display_name in form.text
    sent = await client.post(
        f"/services/{service.id}/enquire",
        data={"person": str(person.id), "subject": "Hoist", "body": "Do you use a hoist?"},
        headers=SAME_ORIGIN,
    )
    assert sent.status_code == 303
    [enquiry] = await Enquiry.all()
    assert enquiry.person_id == person.id and enquiry.started_by_id == broker.id  # type: ignore[attr-defined]
    listing = await client.get("/enquiries")
    assert "Hoist" in listing.text and f"For {person.user.display_name}" in listing.text
