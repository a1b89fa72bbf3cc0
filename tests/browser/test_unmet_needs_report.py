"""The unmet-needs report in Chromium: a visitor's search finds nothing and they tell the
council; an officer signs in, opens "Unmet needs" in the console and sees it, grouped and
listed, without who sent it; mistyped dates get an error summary. axe passes on every page."""

from __future__ import annotations

import pytest

from tests.factories import make_tenant
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.members import make_member

pytestmark = pytest.mark.browser


async def test_an_officer_sees_what_a_search_did_not_find(page, site, db):
    tenant = await make_tenant("needshire", "Needshire Council")
    officer = await make_member(tenant, ["council_officer"], email="olu@needshire.example")

    await page.goto(site(tenant.slug, "/search?q=horse+riding&postcode=HA1+2AB"))
    assert await page.get_by_role("heading", name="No services found").is_visible()
    await page.get_by_label("What were you looking for? (optional)").fill(
        "Riding for the disabled, on Saturdays"
    )
    await page.get_by_role("button", name="Tell the council what you were looking for").click()
    await page.wait_for_url("**/search/needs/thank-you*")

    await sign_in_page(page, site, tenant.slug, officer.user.email, "/council")
    await (
        page.get_by_role("navigation", name="Council console")
        .get_by_role("link", name="Unmet needs")
        .click()
    )
    await page.wait_for_url("**/council/unmet-needs")
    assert await page.get_by_role("heading", name="Unmet needs", level=1).is_visible()
    assert await page.get_by_text("1 need recorded from").is_visible()
    groups = page.locator("#need-groups")
    assert await groups.get_by_role("cell", name="horse riding").is_visible()
    assert await groups.get_by_role("cell", name="HA1").is_visible()
    entries = page.locator("#need-list")
    assert await entries.get_by_role(
        "cell", name="Riding for the disabled, on Saturdays"
    ).is_visible()
    assert await entries.get_by_role("cell", name="No", exact=True).is_visible()
    assert await page.get_by_role("link", name="Download every need from").is_visible()
    await assert_accessible(page)

    await page.get_by_role("group", name="From").get_by_label("Month").fill("13")
    await page.get_by_role("button", name="Show unmet needs").click()
    assert await page.get_by_role("alert").is_visible()
    assert await page.get_by_role("link", name="The start date must be a real date").is_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="The last 12 months").click()
    await page.wait_for_url("**/council/unmet-needs")
    assert await page.locator("#need-list").get_by_role("cell", name="horse riding").is_visible()
