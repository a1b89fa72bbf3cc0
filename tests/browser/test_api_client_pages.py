"""A council admin manages API clients in a real browser; every page passes axe."""

from __future__ import annotations

import pytest

from tests.factories import make_tenant
from tests.support.accessibility import assert_accessible
from tests.support.members import PASSWORD, make_member

pytestmark = pytest.mark.browser


async def test_create_see_secret_once_and_revoke(page, site):
    tenant = await make_tenant("riverbend")
    admin = await make_member(tenant, ["council_admin"])
    await page.goto(site("riverbend", "/sign-in?next=/council/api-clients"))
    await page.get_by_label("Email address").fill(admin.user.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/council/api-clients")
    await assert_accessible(page)

    await page.get_by_role("button", name="Create an API client").click()
    await page.get_by_role("button", name="Create API client").click()  # nothing filled in
    assert await page.locator(".govuk-error-summary").is_visible()
    await assert_accessible(page)

    await page.get_by_label("Name").fill("Mosaic case management")
    await page.get_by_label("Read the audit log").check()
    await page.get_by_role("button", name="Create API client").click()
    secret = await page.get_by_label("Client secret").input_value()
    assert len(secret) >= 43
    await assert_accessible(page)

    await page.get_by_role("link", name="I have copied the secret").click()
    assert secret not in await page.content()
    await page.get_by_role("link", name="Revoke Mosaic case management").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Revoke API client").click()
    await page.wait_for_url("**/council/api-clients?revoked=*")
    assert "has been revoked" in await page.content()
    await assert_accessible(page)
