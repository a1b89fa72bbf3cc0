"""Forgotten password: a one-time emailed link, the same answer for every address."""

from __future__ import annotations

import re
from datetime import timedelta

from core.clock import utcnow
from core.email.models import EmailMessage
from core.identity.models import PasswordResetToken, UserSession
from tests.factories import make_tenant
from tests.support.members import SAME_ORIGIN, make_member, sign_in

NEW_PASSWORD = "a brand new passphrase"


async def ask_for_link(client, email):
    return await client.post("/forgotten-password", data={"email": email}, headers=SAME_ORIGIN)


def link_in(message: EmailMessage) -> str:
    return re.search(r"http://\S+/reset-password/\S+", message.body_text).group(0)


async def test_known_and_unknown_addresses_get_the_same_page_but_only_one_email(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant)
    client = client_for(tenant)
    known = await ask_for_link(client, member.user.email)
    unknown = await ask_for_link(client, "stranger@example.org")
    assert known.status_code == unknown.status_code == 200
    assert "Check your email" in known.text and "Check your email" in unknown.text
    emails = await EmailMessage.all()
    assert [e.to_address for e in emails] == [member.user.email]
    assert link_in(emails[0]).startswith(f"http://{tenant.slug}.localhost/reset-password/")


async def test_members_of_another_council_get_no_email_from_this_one(app, client_for):
    home, other = await make_tenant(), await make_tenant()
    member = await make_member(home)
    await ask_for_link(client_for(other), member.user.email)
    assert await EmailMessage.all().count() == 0


async def test_link_sets_a_new_password_once_and_signs_out_everywhere(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant)
    elsewhere = client_for(tenant)
    await sign_in(elsewhere, member.user.email)
    client = client_for(tenant)
    await ask_for_link(client, member.user.email)
    path = "/" + link_in(await EmailMessage.get()).split("/", 3)[3]

    assert (await client.get(path)).status_code == 200
    done = await client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, headers=SAME_ORIGIN
    )
    assert done.status_code == 303
    assert (await elsewhere.get("/account")).status_code == 303  # old session ended
    assert (await client.get("/account")).status_code == 200  # new session
    assert await UserSession.filter(user_id=member.user.id, ended_at__isnull=True).count() == 1
    again = await client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, headers=SAME_ORIGIN
    )
    assert again.status_code == 410
    assert (await sign_in(client_for(tenant), member.user.email, NEW_PASSWORD)).status_code == 303


async def test_expired_link_is_refused_with_a_way_forward(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant)
    client = client_for(tenant)
    await ask_for_link(client, member.user.email)
    path = "/" + link_in(await EmailMessage.get()).split("/", 3)[3]
    await PasswordResetToken.all().update(expires_at=utcnow() - timedelta(minutes=1))
    page = await client.get(path)
    assert page.status_code == 410
    assert "Ask for a new link" in page.text


async def test_weak_or_mismatched_passwords_are_explained(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant)
    client = client_for(tenant)
    await ask_for_link(client, member.user.email)
    path = "/" + link_in(await EmailMessage.get()).split("/", 3)[3]
    short = await client.post(
        path, data={"password": "short", "confirm": "short"}, headers=SAME_ORIGIN
    )
    assert short.status_code == 400 and "at least 10 characters" in short.text
    mismatch = await client.post(
        path, data={"password": NEW_PASSWORD, "confirm": "other one!!"}, headers=SAME_ORIGIN
    )
    assert mismatch.status_code == 400 and "Enter the same password twice" in mismatch.text
    assert (await client.get(path)).status_code == 200  # the link still works
