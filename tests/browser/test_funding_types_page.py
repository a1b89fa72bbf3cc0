"""The funding types page in Chromium: an officer adds a type; axe passes before and after."""

from __future__ import annotations

import pytest

from tests.factories import make_tenant
from tests.support.accessibility import assert_accessible
from tests.support.members import PASSWORD, make_member

pytestmark = pytest.mark.browser


async def test_officer_adds_a_funding_type(page, site, db):
    tenant = await make_tenant("fundshire", "Fundshire Council")
    officer = await make_member(tenant, ["council_officer"], email="olu@fundshire.example")
    await page.goto(site(tenant.slug, "/sign-in?next=/council/funding-types"))
    await page.get_by_label("Email address").fill(officer.user.email)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/council/funding-types")
    await assert_accessible(page)
    await page.get_by_role("button", name="Add funding type").click()
    assert await page.get_by_role("alert").is_visible()
    await assert_accessible(page)
    await page.get_by_label("Name").fill("Carers’ breaks fund")
    await page.get_by_label("Code").fill("carers-breaks")
    await page.get_by_label("Short breaks and respite").check()
    await page.get_by_role("button", name="Add funding type").click()
    assert await page.get_by_text("Funding type added").is_visible()
    assert await page.get_by_role("cell", name="Carers’ breaks fund").is_visible()
    await assert_accessible(page)
