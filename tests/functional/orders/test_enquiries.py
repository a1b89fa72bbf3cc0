"""A person asks a provider about a service before ordering; both sides write, each new
message tells the other side, and nobody else can read the conversation."""

from __future__ import annotations

import pytest

from core.email.models import EmailMessage
from core.errors import Conflict, InvalidInput, NotFound
from core.identity.models import PersonAccess
from core.identity.permissions import PermissionDenied
from core.marketplace.models import Visibility
from core.orders.enquiries import (
    Side,
    close_enquiry,
    enquiries_for_person,
    enquiries_for_store,
    open_thread,
    reply,
    start_enquiry,
)
from core.orders.models import EnquiryMessage, EnquiryStatus, Notification
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_placement import as_member, setup
from tests.support.members import make_member

pytestmark = pytest.mark.usefixtures("db")


async def asked():
    tenant, _, person, store, service = await setup()
    owner = await team_member(tenant, await store.provider, "owner")
    enquiry = await start_enquiry(
        as_member(person),
        service.id,
        subject="Weekend visits?",
        body="Can you come on Saturdays? <b>Thanks</b>",
    )
    return tenant, person, store, service, owner, enquiry


async def test_the_person_asks_and_the_provider_is_told():
    _, person, store, service, owner, enquiry = await asked()
    assert (enquiry.person_id, enquiry.store_id, enquiry.service_id) == (  # type: ignore[attr-defined]
        person.id,
        store.id,
        service.id,
    )
    [message] = await EnquiryMessage.filter(enquiry_id=enquiry.id)
    assert message.body == "Can you come on Saturdays? <b>Thanks</b>" and not message.from_provider
    [notice] = await Notification.filter(recipient_id=owner.id, kind="enquiry_received")
    assert notice.link == f"/provider/enquiries/{enquiry.id}"
    [email] = await EmailMessage.filter(purpose="enquiry_received")
    assert email.to_address == owner.user.email and "Saturdays" in email.body_text


async def test_the_provider_replies_and_the_person_is_told_then_the_person_writes_back():
    _, person, _, _, owner, enquiry = await asked()
    answer = await reply(as_member(owner), enquiry.id, "Yes, from 9 to 5.")
    assert answer.from_provider
    [notice] = await Notification.filter(recipient_id=person.id, kind="enquiry_reply")
    assert notice.link == f"/enquiries/{enquiry.id}" and "9 to 5" in notice.body
    assert await EmailMessage.filter(purpose="enquiry_reply", to_address=person.user.email).exists()
    back = await reply(as_member(person), enquiry.id, "Lovely, thank you")
    assert not back.from_provider
    assert await Notification.filter(recipient_id=owner.id, kind="enquiry_message").count() == 1
    thread = await open_thread(as_member(person), enquiry.id)
    assert [m.body for m in thread.messages][1:] == ["Yes, from 9 to 5.", "Lovely, thank you"]
    assert thread.side == Side.PERSON
    assert (await open_thread(as_member(owner), enquiry.id)).side == Side.PROVIDER


async def test_lists_for_each_side():
    tenant, person, _store, _, owner, enquiry = await asked()
    assert [e.id for e in await enquiries_for_person(as_member(person))] == [enquiry.id]
    assert [e.id for e in await enquiries_for_store(as_member(owner))] == [enquiry.id]
    other_owner = await team_member(tenant, await (await make_store(tenant)).provider, "owner")
    assert await enquiries_for_store(as_member(other_owner)) == []


async def test_another_provider_and_another_person_cannot_read_or_write():
    tenant, _person, _, _, _, enquiry = await asked()
    other_owner = await team_member(tenant, await (await make_store(tenant)).provider, "owner")
    stranger = await make_member(tenant, ["person"])
    other = await make_tenant()
    elsewhere = await make_member(other, ["council_admin"])
    for outsider in (other_owner, stranger, elsewhere):
        with pytest.raises(NotFound):
            await open_thread(as_member(outsider), enquiry.id)
        with pytest.raises(NotFound):
            await reply(as_member(outsider), enquiry.id, "hello")
    assert await EnquiryMessage.filter(enquiry_id=enquiry.id).count() == 1


async def test_a_broker_asks_for_the_person_and_both_hear_the_reply():
    tenant, _, person, store, service = await setup()
    owner = await team_member(tenant, await store.provider, "owner")
    broker = await make_member(tenant, ["broker"], name="Bob Broker")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=broker, kind="broker", access="manage"
    )
    broker.tenant = tenant
    enquiry = await start_enquiry(
        as_member(broker), service.id, person=person, subject="Hoist", body="Do you use hoists?"
    )
    assert enquiry.started_by_id == broker.id and enquiry.person_id == person.id  # type: ignore[attr-defined]
    await reply(as_member(owner), enquiry.id, "Yes")
    assert await Notification.filter(kind="enquiry_reply").count() == 2
    viewer = await make_member(tenant, [], name="Vic Viewer")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=viewer, kind="circle", access="review"
    )
    viewer.tenant = tenant
    thread = await open_thread(as_member(viewer), enquiry.id)
    assert not thread.may_write
    with pytest.raises(PermissionDenied):
        await reply(as_member(viewer), enquiry.id, "me too")


async def test_a_hidden_service_and_empty_or_long_messages_are_refused():
    _tenant, _, person, store, _ = await setup()
    private = await make_service(store, "Private", visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        await start_enquiry(as_member(person), private.id, subject="Hi", body="Hello")
    service = await make_service(store, "Open")
    with pytest.raises(InvalidInput) as refused:
        await start_enquiry(as_member(person), service.id, subject=" ", body="x" * 5_001)
    assert {p.field for p in refused.value.problems} == {"subject", "body"}


async def test_a_closed_conversation_takes_no_more_messages():
    _, person, _, _, owner, enquiry = await asked()
    closed = await close_enquiry(as_member(owner), enquiry.id)
    assert closed.status == EnquiryStatus.CLOSED
    with pytest.raises(Conflict):
        await reply(as_member(person), enquiry.id, "one more thing")
    with pytest.raises(Conflict):
        await close_enquiry(as_member(person), enquiry.id)
