"""The community directory in Chromium: an officer imports an Open Referral UK feed file;
its free services are then found by anyone, marked free and contacted, not ordered; a
second import of the same file adds nothing. axe passes on every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.marketplace.models import Service, Source
from tests.factories import make_tenant
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.members import make_member

pytestmark = pytest.mark.browser

FEED = Path(__file__).resolve().parents[1] / "data" / "openreferral-uk" / "examples"


async def test_an_officer_imports_a_feed_and_people_find_its_free_services(page, site, db):
    tenant = await make_tenant("feedshire", "Feedshire Council")
    officer = await make_member(tenant, ["council_officer"], email="olu@feedshire.example")

    await sign_in_page(page, site, tenant.slug, officer.user.email, "/council")
    await (
        page.get_by_role("navigation", name="Council console")
        .get_by_role("link", name="Community directory")
        .click()
    )
    await page.wait_for_url("**/council/directory")
    assert await page.get_by_text("No imports yet.").is_visible()
    await assert_accessible(page)

    # A file that is not a feed is refused with a message next to the field.
    await page.get_by_label("Feed file").set_input_files(
        {"name": "notes.json", "mimeType": "application/json", "buffer": b"not json"}
    )
    await page.get_by_role("button", name="Import file").click()
    assert await page.get_by_role("alert").is_visible()
    await assert_accessible(page)

    for _ in range(2):
        await page.get_by_label("Feed file").set_input_files(str(FEED / "service_list.json"))
        await page.get_by_role("button", name="Import file").click()
        await page.wait_for_load_state()
        assert await page.get_by_text("Directory imported").is_visible()
    await assert_accessible(page)
    imported = await Service.filter(tenant_id=tenant.id, store__source=Source.OPEN_REFERRAL)
    assert [service.title for service in imported] == ["Community Counselling"]

    await page.context.clear_cookies()
    await page.goto(site(tenant.slug, "/search?q=counselling"))
    assert await page.get_by_role("heading", name="1 service found").is_visible()
    result = page.locator(".cp-service-card")
    assert await result.locator(".govuk-tag", has_text="Free").is_visible()
    assert await result.get_by_text("No booking needed").is_visible()
    await assert_accessible(page)
