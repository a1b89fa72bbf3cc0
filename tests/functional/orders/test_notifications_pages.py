"""In-app notifications: newest first with the unread marked, the header's unread count,
following one marks it read and goes only to a page on this site, mark all as read, and
nobody reaches another member's notices."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from core.clock import utcnow
from core.identity.actor import Actor
from core.orders.inbox import unread_for_header
from core.orders.models import Notification
from core.orders.notices import notify
from tests.factories import make_tenant
from tests.functional.orders.test_basket_pages import client_as, text_of
from tests.support.members import SAME_ORIGIN, make_member

pytestmark = pytest.mark.usefixtures("db")


async def member_with_notices():
    tenant = await make_tenant()
    member = await make_member(tenant, ["person"], name="Nia Notified")
    old = await notify(tenant.id, member, "order_placed", "Older notice", "Sent first.", "/orders")
    await Notification.filter(id=old.id).update(created_at=utcnow() - timedelta(hours=2))
    new = await notify(tenant.id, member, "order_accepted", "Newer notice", "Sent last.", "/basket")
    return tenant, member, old, new


async def test_notices_are_listed_newest_first_and_the_header_counts_the_unread(client_for):
    tenant, member, _old, _new = await member_with_notices()
    client = await client_as(client_for, tenant, member)
    page = await client.get("/notifications")
    assert page.status_code == 200
    assert page.text.index("Newer notice") < page.text.index("Older notice")
    assert "You have 2 unread notifications." in text_of(page)
    assert page.text.count(">New</strong>") == 2
    assert "Notifications (2 unread)" in page.text  # the header
    account = await client.get("/account")
    assert 'href="/orders"' in account.text and 'href="/notifications"' in account.text


async def test_following_a_notice_marks_it_read_and_goes_to_its_page(client_for):
    tenant, member, old, new = await member_with_notices()
    client = await client_as(client_for, tenant, member)
    response = await client.post(f"/notifications/{new.id}/read", headers=SAME_ORIGIN)
    assert response.status_code == 303 and response.headers["location"] == "/basket"
    await new.refresh_from_db()
    await old.refresh_from_db()
    assert new.read_at is not None and old.read_at is None
    page = await client.get("/notifications")
    assert "Notifications (1 unread)" in page.text and page.text.count(">New</strong>") == 1


async def test_a_link_to_another_website_is_never_followed(client_for):
    tenant, member, _, _ = await member_with_notices()
    odd = await notify(tenant.id, member, "x", "Odd link", "", "https://evil.example/")
    slashes = await notify(tenant.id, member, "x", "Odd link 2", "", "//evil.example/")
    client = await client_as(client_for, tenant, member)
    for notice in (odd, slashes):
        response = await client.post(f"/notifications/{notice.id}/read", headers=SAME_ORIGIN)
        assert response.headers["location"] == "/notifications"


async def test_mark_all_as_read(client_for):
    tenant, member, _, _ = await member_with_notices()
    client = await client_as(client_for, tenant, member)
    response = await client.post("/notifications/read-all", headers=SAME_ORIGIN)
    assert response.status_code == 303
    assert await Notification.filter(recipient_id=member.id, read_at__isnull=True).count() == 0
    page = await client.get(response.headers["location"])
    assert "All notifications are marked as read." in page.text
    assert "unread)" not in page.text and ">New</strong>" not in page.text


async def test_another_members_notices_are_out_of_reach(client_for):
    tenant, _member, old, _ = await member_with_notices()
    someone = await make_member(tenant, ["person"], name="Sam Someone")
    client = await client_as(client_for, tenant, someone)
    page = await client.get("/notifications")
    assert "Older notice" not in page.text and "You have no notifications." in page.text
    response = await client.post(f"/notifications/{old.id}/read", headers=SAME_ORIGIN)
    assert response.status_code == 404
    await client.post("/notifications/read-all", headers=SAME_ORIGIN)
    await old.refresh_from_db()
    assert old.read_at is None
    missing = await client.post(f"/notifications/{uuid.uuid4()}/read", headers=SAME_ORIGIN)
    assert missing.status_code == 404

    elsewhere = await make_tenant()
    outsider = await make_member(elsewhere, ["person"])
    far = await client_as(client_for, elsewhere, outsider)
    assert (await far.post(f"/notifications/{old.id}/read", headers=SAME_ORIGIN)).status_code == 404


async def test_the_header_count_is_one_query_and_skipped_for_the_api_and_posts(client_for):
    tenant, member, _, _ = await member_with_notices()
    actor = Actor(tenant=tenant, user=member.user, membership=member)
    page = {"method": "GET", "path": "/search", "headers": [(b"accept", b"text/html")]}
    assert await unread_for_header(page, actor) == 2
    assert await unread_for_header({**page, "method": "POST"}, actor) is None
    assert await unread_for_header({**page, "path": "/api/v1/orders"}, actor) is None
    css = {**page, "headers": [(b"accept", b"text/css,*/*;q=0.1")]}
    assert await unread_for_header(css, actor) is None
    assert await unread_for_header(page, Actor(tenant=tenant)) is None
