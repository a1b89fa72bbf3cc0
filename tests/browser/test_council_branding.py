"""In a real browser, each council looks like itself and every page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from core.runtime import Runtime
from tenants import services
from tenants.demo import seed_demo
from tenants.models import TenantStatus
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.browser


async def header_colours(page: Page) -> tuple[str, str]:
    return await page.evaluate(
        """() => { const h = getComputedStyle(document.querySelector('.cp-header'));
                   return [h.backgroundColor, h.color]; }"""
    )


@pytest.fixture
async def demo_councils(db, settings, registry):
    return await seed_demo(Runtime.build(settings, registry))


async def test_demo_councils_look_different_and_pass_axe_on_every_page(page, site, demo_councils):
    expected = {"riverbend": "rgb(0, 89, 79)", "moorfield": "rgb(74, 45, 127)"}
    for slug, colour in expected.items():
        for path in ("/", "/contact", "/accessibility", "/api/v1/docs", "/missing-page"):
            await page.goto(site(slug, path))
            await assert_accessible(page)
        await page.goto(site(slug))
        background, text = await header_colours(page)
        assert background == colour
        assert text == "rgb(255, 255, 255)"
        logo_width = await page.evaluate("document.querySelector('.cp-header__logo').naturalWidth")
        assert logo_width > 0, f"{slug} logo did not load"
    await page.goto(site("moorfield"))
    assert await page.get_by_role("region", name="New website").is_visible()
    await page.goto(site("riverbend"))
    assert await page.get_by_role("region", name="New website").count() == 0
    assert await page.locator("h1").inner_text() == "Care and support marketplace"


async def test_platform_landing_links_to_each_council(page, site, demo_councils):
    await page.goto(site())
    await assert_accessible(page)
    await page.get_by_role("link", name="Moorfield District Council").click()
    await page.wait_for_load_state()
    assert page.url.startswith("http://moorfield.localhost")
    assert "My Care Purse" in await page.locator("h1").inner_text()


async def test_unknown_and_suspended_councils_get_clear_accessible_pages(page, site, demo_councils):
    response = await page.goto(site("nowhere"))
    assert response.status == 404
    assert "We cannot find a council at this address" in await page.locator("h1").inner_text()
    await assert_accessible(page)

    moorfield = next(t for t in demo_councils if t.slug == "moorfield")
    await services.set_status(moorfield, TenantStatus.SUSPENDED, "We are moving to a new system.")
    response = await page.goto(site("moorfield"))
    assert response.status == 503
    assert "We are moving to a new system." in await page.content()
    await assert_accessible(page)


async def test_keyboard_user_skips_to_main_content_and_sees_focus(page, site, demo_councils):
    await page.goto(site("riverbend"), wait_until="networkidle")
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert await skip.evaluate("el => el === document.activeElement")
    assert await skip.is_visible()
    await page.keyboard.press("Enter")
    await page.wait_for_function("location.hash === '#main-content'")
    await page.keyboard.press("Tab")
    focused = await page.evaluate(
        """() => { const el = document.activeElement, s = getComputedStyle(el);
                   return {inMain: !!el.closest('main'), tag: el.tagName,
                           background: s.backgroundColor, outline: s.outlineColor,
                           shadow: s.boxShadow}; }"""
    )
    assert focused["inMain"], focused
    # GOV.UK focus: links get a yellow background, inputs (the home page's
    # search box comes first) a yellow outline; both add a thick shadow.
    if focused["tag"] == "A":
        assert focused["background"] == "rgb(255, 221, 0)", focused
    else:
        assert focused["outline"] == "rgb(255, 221, 0)", focused
    assert focused["shadow"] != "none", focused


async def test_pages_work_without_javascript(browser, site, demo_councils, db):
    context = await browser.new_context(java_script_enabled=False)
    try:
        page = await context.new_page()
        await page.goto(site("moorfield"))
        assert "My Care Purse" in await page.locator("h1").inner_text()
        await page.get_by_role("link", name="Contact us", exact=True).click()
        assert "Contact Moorfield District Council" in await page.locator("h1").inner_text()
        assert await page.get_by_text("01632 960 222").is_visible()
    finally:
        await context.close()


async def test_theme_change_shows_on_the_next_page_load(page, site, demo_councils, registry):
    riverbend = next(t for t in demo_councils if t.slug == "riverbend")
    await services.configure_plugins(
        riverbend,
        registry,
        settings={"council-branding": {"brand_colour": "#8b0000", "link_colour": "#8b0000"}},
    )
    await page.goto(site("riverbend"))
    assert (await header_colours(page))[0] == "rgb(139, 0, 0)"
    await assert_accessible(page)
