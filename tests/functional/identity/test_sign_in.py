"""Signing in and out: sessions, generic refusals, throttling, barred and non-members."""

from __future__ import annotations

from datetime import timedelta

from core.audit.models import AuditEvent
from core.clock import utcnow
from core.identity.models import MembershipStatus, SignInThrottle, UserSession
from tests.factories import make_tenant
from tests.support.members import PASSWORD, SAME_ORIGIN, make_member, sign_in


async def test_member_signs_in_and_gets_a_fresh_httponly_session(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant, ["council_officer"], name="Olive Officer")
    client = client_for(tenant)

    response = await sign_in(client, member.user.email)

    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    cookie = response.headers["set-cookie"]
    assert "cp_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = await client.get("/account")
    assert "Olive Officer" in page.text and "Council officer" in page.text
    assert page.headers["cache-control"] == "private, no-store"
    assert await AuditEvent.filter(tenant_id=tenant.id, action="sign_in").count() == 1


async def test_sign_in_rotates_the_session(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant)
    client = client_for(tenant)
    await sign_in(client, member.user.email)
    first = client.cookies["cp_session"]
    await sign_in(client, member.user.email)
    second = client.cookies["cp_session"]
    assert first != second
    assert await UserSession.filter(user_id=member.user.id, ended_at__isnull=True).count() == 1


async def test_wrong_password_and_unknown_email_read_exactly_the_same(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant)
    client = client_for(tenant)
    wrong = await sign_in(client, member.user.email, "not the password")
    unknown = await sign_in(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 400
    assert "Enter a correct email address and password" in wrong.text
    assert wrong.text.replace(member.user.email, "X") == unknown.text.replace(
        "nobody@example.org", "X"
    )
    assert await AuditEvent.filter(action="sign_in_failed").count() == 2


async def test_repeated_failures_slow_down_sign_in_but_the_wait_ends(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant)
    client = client_for(tenant)
    for _ in range(6):
        await sign_in(client, member.user.email, "guess")
    blocked = await sign_in(client, member.user.email)  # even the right password waits
    assert blocked.status_code == 429
    assert "too many attempts" in blocked.text
    row = await SignInThrottle.get(key=f"account:{member.user.email}")
    assert row.blocked_until - utcnow() <= timedelta(minutes=15)

    await SignInThrottle.all().update(blocked_until=utcnow() - timedelta(seconds=1))
    assert (await sign_in(client, member.user.email)).status_code == 303
    assert not await SignInThrottle.filter(key=f"account:{member.user.email}").exists()


async def test_session_from_one_council_does_not_work_on_another(app, client_for):
    north, south = await make_tenant(), await make_tenant()
    member = await make_member(north)
    await make_member(south, user=member.user)
    north_client = client_for(north)
    await sign_in(north_client, member.user.email)
    south_client = client_for(south)
    south_client.cookies.set("cp_session", north_client.cookies["cp_session"])
    response = await south_client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")


async def test_idle_and_absolute_timeouts_end_the_session(app, client_for, settings):
    tenant = await make_tenant()
    member = await make_member(tenant)
    client = client_for(tenant)
    await sign_in(client, member.user.email)
    assert (await client.get("/account")).status_code == 200

    idle = utcnow() - timedelta(minutes=settings.session_idle_minutes + 1)
    await UserSession.all().update(last_seen_at=idle)
    assert (await client.get("/account")).status_code == 303

    await sign_in(client, member.user.email)
    await UserSession.filter(ended_at__isnull=True).update(expires_at=utcnow())
    assert (await client.get("/account")).status_code == 303


async def test_sign_out_is_a_post_and_ends_the_session(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant)
    client = client_for(tenant)
    await sign_in(client, member.user.email)
    assert (await client.get("/sign-out")).status_code == 405
    out = await client.post("/sign-out", headers=SAME_ORIGIN)
    assert out.status_code == 303 and out.headers["location"] == "/signed-out"
    assert (await client.get("/account")).status_code == 303
    assert await UserSession.filter(ended_at__isnull=True).count() == 0


async def test_barred_member_sees_why_and_who_to_contact(app, client_for, registry):
    tenant = await make_tenant(
        registry=registry, plugins={"council-branding": {"contact": {"phone": "01632 960 321"}}}
    )
    member = await make_member(tenant)
    member.status = MembershipStatus.BARRED
    member.barred_reason = "We have had reports of misuse. Please call us."
    await member.save()
    response = await sign_in(client_for(tenant), member.user.email)
    assert response.status_code == 403
    assert "We have had reports of misuse. Please call us." in response.text
    assert "01632 960 321" in response.text


async def test_barred_status_is_only_revealed_to_the_right_password(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant)
    await (
        type(member)
        .filter(id=member.id)
        .update(status=MembershipStatus.BARRED, barred_reason="Secret reason")
    )
    response = await sign_in(client_for(tenant), member.user.email, "wrong password")
    assert response.status_code == 400 and "Secret reason" not in response.text


async def test_account_of_another_council_is_told_where_to_go(app, client_for):
    home, elsewhere = await make_tenant(name="Home Council"), await make_tenant()
    member = await make_member(home)
    response = await sign_in(client_for(elsewhere), member.user.email)
    assert response.status_code == 403
    assert "Your account is not part of" in response.text
    assert f"http://{home.slug}.localhost/sign-in" in response.text


async def test_next_page_is_kept_but_only_on_this_site(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant, ["council_admin"])
    client = client_for(tenant)
    gate = await client.get("/council/users")
    assert gate.headers["location"] == "/sign-in?next=/council/users"
    ok = await client.post(
        "/sign-in",
        headers=SAME_ORIGIN,
        data={"email": member.user.email, "password": PASSWORD, "next": "/council/users"},
    )
    assert ok.headers["location"] == "/council/users"
    await client.post("/sign-out", headers=SAME_ORIGIN)
    evil = await client.post(
        "/sign-in",
        headers=SAME_ORIGIN,
        data={"email": member.user.email, "password": PASSWORD, "next": "//evil.example/"},
    )
    assert evil.headers["location"] == "/account"


async def test_empty_form_names_each_missing_field(app, client_for):
    response = await client_for(await make_tenant()).post("/sign-in", headers=SAME_ORIGIN, data={})
    assert response.status_code == 400
    assert "Enter your email address" in response.text and "Enter your password" in response.text
