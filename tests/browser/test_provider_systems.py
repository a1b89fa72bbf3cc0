"""A provider's owner connects their rostering system in Chromium: a mistake is explained,
the secret is shown once and really works against the live API, then the system is
revoked and stops working; the council's admin sees whose system it was. axe checks each
kind of page."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Browser, Page

from core.oauth.models import ApiClient
from tests.factories import make_tenant
from tests.functional.orders.test_deliveries import placed_visit
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.members import make_member

pytestmark = pytest.mark.browser

COUNCIL = "systemshire"


async def click(page: Page, role: str, name: str | re.Pattern[str]) -> None:
    await page.get_by_role(role, name=name).first.click()  # type: ignore[arg-type]
    await page.wait_for_load_state()


async def token_for(api: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await api.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )


def council_api(council_url: str) -> httpx.AsyncClient:
    """A client for the live server's council site: its name (``<slug>.localhost``) only
    resolves in Chromium, so connect to 127.0.0.1 and name the council in the Host header."""
    url = httpx.URL(council_url)
    return httpx.AsyncClient(
        base_url=url.copy_with(host="127.0.0.1"),
        headers={"Host": url.netloc.decode()},
        timeout=10,
    )


async def test_an_owner_connects_uses_and_revokes_their_system(
    page: Page, browser: Browser, site, db
):
    tenant = await make_tenant(COUNCIL, "Systemshire Council")
    visit = await placed_visit(tenant, accept=False)

    await sign_in_page(page, site, COUNCIL, visit.owner.user.email, "/provider")
    await click(page, "link", "Your systems")
    assert page.url.endswith("/provider/api-clients")
    assert await page.get_by_text("You have not connected a system yet").is_visible()
    await assert_accessible(page)

    await click(page, "button", "Connect system")  # nothing filled in
    assert await page.locator(".govuk-error-summary").is_visible()
    assert await page.get_by_role("alert").first.is_visible()
    await assert_accessible(page)
    assert await ApiClient.all().count() == 0

    await page.get_by_label("Name").fill("Rota system")
    await page.get_by_role("checkbox", name=re.compile("Read your new and past orders")).check()
    await page.get_by_role("checkbox", name=re.compile("Record what was delivered")).check()
    await click(page, "button", "Connect system")
    assert await page.get_by_role("heading", name="System connected").is_visible()
    client_id = await page.get_by_label("Client ID").input_value()
    secret = await page.get_by_label("Client secret").input_value()
    assert len(secret) >= 43
    await assert_accessible(page)

    async with council_api(site(COUNCIL)) as api:
        token = await token_for(api, client_id, secret)
        assert token.status_code == 200, token.text
        assert set(token.json()["scope"].split()) == {"orders:read", "deliveries:write"}
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        orders = await api.get("/api/v1/orders", headers=bearer)
        assert orders.status_code == 200, orders.text
        assert [o["id"] for o in orders.json()["items"]] == [str(visit.order.id)]

        await click(page, "link", re.compile("I have copied the secret"))
        assert secret not in await page.content()
        assert await page.get_by_role("rowheader", name="Rota system").is_visible()
        await click(page, "link", "Revoke Rota system")
        await assert_accessible(page)
        await click(page, "button", "Revoke")
        await page.wait_for_url("**/provider/api-clients?revoked=*")
        assert await page.get_by_text("Rota system has been revoked").is_visible()
        assert await page.get_by_text("Revoked", exact=True).is_visible()
        await assert_accessible(page)

        # The council's admin sees whose system it is on the council's own page.
        admin = await make_member(tenant, ["council_admin"])
        council = await browser.new_context(viewport={"width": 1024, "height": 768})
        try:
            officer = await council.new_page()
            await sign_in_page(officer, site, COUNCIL, admin.user.email, "/council/api-clients")
            row = officer.get_by_role("row", name=re.compile("Rota system"))
            assert "Provider’s system" in await row.inner_text()
            assert "Kind Hands" in await row.inner_text()
            await assert_accessible(officer)
        finally:
            await council.close()

        refused = await token_for(api, client_id, secret)
        assert refused.status_code in (400, 401), refused.text
        after = await api.get("/api/v1/orders", headers=bearer)
        assert after.status_code == 401, after.text
