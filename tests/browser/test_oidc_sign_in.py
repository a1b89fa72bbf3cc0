"""A council officer signs in through the council's identity provider, in a real browser.

The provider ("Test Council IdP") runs on loopback in this process; the
council's site is the live server. The client secret is a ``file:`` reference,
because the live server was started before this test and reads it when it
builds the council's plugins.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page

from core.hooks.registry import PluginRegistry
from tenants import services
from tenants.models import Tenant
from tests.factories import make_tenant
from tests.support.accessibility import assert_accessible
from tests.support.oidc_provider import TestIdentityProvider, running

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def idp() -> Iterator[TestIdentityProvider]:
    provider = TestIdentityProvider("Test Council IdP")
    provider.add_user("officer-0001", "Jane Officer", "jane.officer@alphaton.gov.uk")
    provider.add_user("officer-0002", "Priya Patel", "priya.patel@alphaton.gov.uk")
    with running(provider):
        yield provider


@pytest.fixture
async def council(db, idp, site, registry: PluginRegistry, tmp_path: Path) -> Tenant:
    idp.reset()
    tenant = await make_tenant("alphaton", "Alphaton Council")
    secret_file = tmp_path / "alphaton-oidc-secret"
    secret_file.write_text("a-long-random-client-secret\n")
    idp.register_client(
        "carepurse-alphaton",
        "a-long-random-client-secret",
        site("alphaton", "/sign-in/council/callback"),
    )
    return await services.configure_plugins(
        tenant,
        registry,
        enable=["oidc-sign-in"],
        settings={
            "oidc-sign-in": {
                "issuer": idp.issuer,
                "client_id": "carepurse-alphaton",
                "label": "Sign in with your Alphaton account",
            }
        },
        secrets={"oidc-sign-in": {"client_secret": f"file:{secret_file}"}},
    )


async def choose_on_provider_page(page: Page, name: str) -> None:
    await page.wait_for_url(lambda url: "/authorize?" in url)
    assert await page.locator("h1").inner_text() == "Sign in to Test Council IdP"
    await assert_accessible(page)
    await page.get_by_label(name).check()
    await page.get_by_role("button", name="Sign in").click()


async def test_a_council_officer_signs_in_through_the_councils_provider(page, site, council):
    await page.goto(site("alphaton", "/council"))
    assert page.url.startswith(site("alphaton", "/sign-in"))
    await assert_accessible(page)

    await page.get_by_role("link", name="Sign in with your Alphaton account").click()
    await choose_on_provider_page(page, "Jane Officer (jane.officer@alphaton.gov.uk)")

    await page.wait_for_url(site("alphaton", "/council"))
    assert await page.locator(".cp-header__who").inner_text() == "Jane Officer"
    assert await page.get_by_role("link", name="Council console").is_visible()
    await assert_accessible(page)

    await page.get_by_role("link", name="Your account").click()
    await page.wait_for_url(site("alphaton", "/account"))
    assert "Jane Officer" in await page.locator("main").inner_text()
    await assert_accessible(page)


async def test_a_forged_token_is_refused_with_a_clear_accessible_page(page, site, council, idp):
    idp.forge_signature = True
    await page.goto(site("alphaton", "/sign-in"))
    await page.get_by_role("link", name="Sign in with your Alphaton account").click()
    await choose_on_provider_page(page, "Priya Patel (priya.patel@alphaton.gov.uk)")

    await page.wait_for_url(lambda url: "/sign-in/council/callback" in url)
    assert await page.locator("h1").inner_text() == "We could not confirm who you are"
    assert await page.get_by_role("link", name="Sign in", exact=True).is_visible()
    await assert_accessible(page)
