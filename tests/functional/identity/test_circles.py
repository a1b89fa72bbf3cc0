"""Circles of support: a person invites family with review or manage access, and removes them."""

from __future__ import annotations

import re
from datetime import timedelta

from core.clock import uk_today
from core.email.models import EmailMessage
from core.identity.models import Invitation, Membership, PersonAccess
from tests.factories import make_tenant
from tests.support.members import SAME_ORIGIN, make_member, sign_in

NEW_PASSWORD = "family member passphrase"


def invitation_path(message: EmailMessage) -> str:
    return re.search(r"/invitations/\S+", message.body_text).group(0)


async def invite(client, person, email, access="review", until=None):
    data = {"email": email, "access": access}
    if until is not None:
        data |= {
            "expires_on-day": str(until.day),
            "expires_on-month": str(until.month),
            "expires_on-year": str(until.year),
        }
    return await client.post(f"/people/{person.id}/invite", data=data, headers=SAME_ORIGIN)


async def test_person_invites_family_who_accepts_and_sees_their_page_read_only(app, client_for):
    tenant = await make_tenant()
    dora = await make_member(tenant, ["person"], name="Dora Wilkins")
    dora_client = client_for(tenant)
    await sign_in(dora_client, dora.user.email)
    until = uk_today() + timedelta(days=30)

    sent = await invite(dora_client, dora, "niece@example.org", "review", until)
    assert sent.status_code == 303
    email = await EmailMessage.get(to_address="niece@example.org")
    assert "Dora Wilkins" in email.subject

    niece = client_for(tenant)
    page = await niece.get(invitation_path(email))
    assert "join Dora Wilkins's circle of support" in page.text
    joined = await niece.post(
        invitation_path(email),
        headers=SAME_ORIGIN,
        data={"name": "Nina Wilkins", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert joined.status_code == 303

    account = await niece.get("/account")
    assert "Dora Wilkins" in account.text
    person_page = await niece.get(f"/people/{dora.id}")
    assert person_page.status_code == 200
    assert "You can see this page but not change anything" in person_page.text
    assert "Invite someone" not in person_page.text
    refused = await niece.get(f"/people/{dora.id}/invite")
    assert refused.status_code == 403
    access = await PersonAccess.get(person_id=dora.id)
    assert access.access == "review" and access.expires_on == until


async def test_manage_member_can_invite_others_and_remove_them(app, client_for):
    tenant = await make_tenant()
    dora = await make_member(tenant, ["person"])
    son = await make_member(tenant, [], name="Sam Son")
    await PersonAccess.create(
        tenant=tenant, person=dora, grantee=son, kind="circle", access="manage"
    )
    client = client_for(tenant)
    await sign_in(client, son.user.email)
    assert (await invite(client, dora, "friend@example.org")).status_code == 303
    pending = await client.get(f"/people/{dora.id}")
    assert "friend@example.org" in pending.text


async def test_removing_someone_ends_their_access_at_once(app, client_for):
    tenant = await make_tenant()
    dora = await make_member(tenant, ["person"])
    helper = await make_member(tenant, [])
    access = await PersonAccess.create(
        tenant=tenant, person=dora, grantee=helper, kind="circle", access="review"
    )
    helper_client = client_for(tenant)
    await sign_in(helper_client, helper.user.email)
    assert (await helper_client.get(f"/people/{dora.id}")).status_code == 200

    dora_client = client_for(tenant)
    await sign_in(dora_client, dora.user.email)
    confirm = await dora_client.get(f"/people/{dora.id}/circle/{access.id}/remove")
    assert "Remove" in confirm.text
    done = await dora_client.post(
        f"/people/{dora.id}/circle/{access.id}/remove", headers=SAME_ORIGIN
    )
    assert done.status_code == 303
    assert (await helper_client.get(f"/people/{dora.id}")).status_code == 404


async def test_expired_access_no_longer_opens_the_page(app, client_for):
    tenant = await make_tenant()
    dora = await make_member(tenant, ["person"])
    helper = await make_member(tenant, [])
    await PersonAccess.create(
        tenant=tenant,
        person=dora,
        grantee=helper,
        kind="circle",
        access="manage",
        expires_on=uk_today() - timedelta(days=1),
    )
    client = client_for(tenant)
    await sign_in(client, helper.user.email)
    assert (await client.get(f"/people/{dora.id}")).status_code == 404


async def test_existing_account_accepts_with_its_password_and_keeps_it(app, client_for):
    home, here = await make_tenant(), await make_tenant()
    cousin = await make_member(home, ["person"], email="cousin@example.org")
    dora = await make_member(here, ["person"])
    dora_client = client_for(here)
    await sign_in(dora_client, dora.user.email)
    await invite(dora_client, dora, "cousin@example.org", "manage")
    path = invitation_path(await EmailMessage.get(to_address="cousin@example.org"))
    client = client_for(here)
    assert "Enter its password to accept" in (await client.get(path)).text
    wrong = await client.post(path, data={"password": "not it at all"}, headers=SAME_ORIGIN)
    assert wrong.status_code == 400
    right = await client.post(path, data={"password": "correct horse battery"}, headers=SAME_ORIGIN)
    assert right.status_code == 303
    assert await Membership.filter(user_id=cousin.user.id).count() == 2


async def test_bad_invitations_are_refused_with_field_messages(app, client_for):
    tenant = await make_tenant()
    dora = await make_member(tenant, ["person"], email="dora@example.org")
    client = client_for(tenant)
    await sign_in(client, dora.user.email)
    bad_email = await invite(client, dora, "not-an-email")
    assert bad_email.status_code == 400 and "Enter an email address" in bad_email.text
    herself = await invite(client, dora, "dora@example.org")
    assert "Enter the email address of someone else" in herself.text
    past = await invite(client, dora, "x@example.org", until=uk_today() - timedelta(days=1))
    assert "The end date must be today or later" in past.text
    no_access = await client.post(
        f"/people/{dora.id}/invite", headers=SAME_ORIGIN, data={"email": "y@example.org"}
    )
    assert "Choose what they can do" in no_access.text
    assert await Invitation.all().count() == 0


async def test_withdrawn_invitation_cannot_be_used(app, client_for):
    tenant = await make_tenant()
    dora = await make_member(tenant, ["person"])
    client = client_for(tenant)
    await sign_in(client, dora.user.email)
    await invite(client, dora, "late@example.org")
    invitation = await Invitation.get()
    path = invitation_path(await EmailMessage.get(to_address="late@example.org"))
    await client.post(
        f"/people/{dora.id}/invitations/{invitation.id}/withdraw", headers=SAME_ORIGIN
    )
    assert (await client_for(tenant).get(path)).status_code == 404


async def test_stranger_cannot_see_or_manage_a_person(app, client_for):
    tenant = await make_tenant()
    dora = await make_member(tenant, ["person"])
    stranger = await make_member(tenant, ["provider_staff"])
    client = client_for(tenant)
    await sign_in(client, stranger.user.email)
    assert (await client.get(f"/people/{dora.id}")).status_code == 404
    assert (await invite(client, dora, "a@example.org")).status_code == 404
