"""A provider joins, builds a branded store with a logo, colours, a case study and a
photo, makes it live and views it; then brings the organisation to a second council.
In real Chromium, with axe on every page."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.marketplace.models import Photo, PublishStatus, Store, StoreTier
from tests.factories import make_tenant
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "rita's long passphrase"


def write_picture(path, width, height, colour) -> str:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return str(path)


async def follow(page, name: str) -> None:
    await page.get_by_role("link", name=name, exact=True).first.click()
    await page.wait_for_load_state()


async def submit(page, name: str) -> None:
    await page.get_by_role("button", name=name, exact=True).click()
    await page.wait_for_load_state()
    await assert_accessible(page)


async def test_a_provider_joins_and_builds_a_branded_store(page, site, db, tmp_path):
    tenant = await make_tenant("storeton", "Storeton Council")
    logo = write_picture(tmp_path / "logo.png", 240, 80, (29, 92, 140))
    photo = write_picture(tmp_path / "garden.png", 1200, 800, (40, 120, 60))

    await page.goto(site(tenant.slug, "/sign-in"))
    await assert_accessible(page)
    await follow(page, "Register your organisation")
    await assert_accessible(page)
    await submit(page, "Register organisation")  # nothing filled in
    assert await page.get_by_role("alert").is_visible()
    await page.get_by_label("Name of your organisation").fill("Riverside Home Care")
    await page.get_by_label("Your full name").fill("Rita Owner")
    await page.get_by_label("Email address").fill("rita@example.org")
    await page.get_by_label("Choose a password").fill(PASSWORD)
    await page.get_by_label("Type the password again").fill(PASSWORD)
    await submit(page, "Register organisation")
    assert page.url.endswith("/provider?joined=1")
    assert await page.get_by_text("Your organisation is registered").is_visible()
    assert await page.get_by_role("link", name="Your services").is_visible()
    assert await page.get_by_role("link", name="Accreditation").first.is_visible()

    # Going live too early says what is missing.
    await submit(page, "Make your store live")
    assert await page.get_by_text("Before your store can go live").first.is_visible()

    await follow(page, "Store details")
    await assert_accessible(page)
    await page.get_by_label("Description").fill(
        "Help at home, day and night.\n\nWe have worked in Storeton since 1998."
    )
    await page.get_by_label("Phone number (optional)").fill("01632 960 001")
    await page.get_by_label("Postcode (optional)").fill("cr2 6xh")
    await page.get_by_label("Branded store page").check()
    await submit(page, "Save details")
    assert await page.get_by_text("Your store's details are saved.").is_visible()

    await follow(page, "Logo and colours")
    await assert_accessible(page)
    await page.get_by_label("Upload your logo").set_input_files(logo)
    await submit(page, "Upload logo")
    assert await page.get_by_text("Your logo is saved.").is_visible()
    assert await page.get_by_role("img", name="Your current logo").is_visible()
    await page.get_by_label("Brand colour", exact=True).fill("#ffdd00")
    await submit(page, "Check colours")
    assert await page.get_by_role("alert").is_visible()
    assert await page.get_by_role("link", name="Brand colour #ffdd00 is too light").is_visible()
    await page.get_by_label("Brand colour", exact=True).fill("#1d5c8c")
    await submit(page, "Check colours")
    assert await page.get_by_text("These colours are not saved yet.").is_visible()
    await submit(page, "Save colours")
    assert await page.get_by_text("Your colours are saved.").is_visible()

    await follow(page, "Case studies")
    await assert_accessible(page)
    await follow(page, "Add a case study")
    await assert_accessible(page)
    await page.get_by_label("Title").fill("Back to the allotment")
    await page.get_by_label("The story").fill("Dora wanted to garden again. Now she goes weekly.")
    await submit(page, "Save case study")
    assert await page.get_by_text("Case study added.").is_visible()

    await follow(page, "Photos")
    await assert_accessible(page)
    await page.get_by_label("Upload a photo").set_input_files(photo)
    await submit(page, "Upload photo")  # no description
    assert await page.get_by_role("alert").is_visible()
    await page.get_by_label("Upload a photo").set_input_files(photo)
    await page.get_by_label("Describe the photo").fill("Our community garden in spring")
    await submit(page, "Upload photo")
    assert await page.get_by_role("img", name="Our community garden in spring").is_visible()

    await follow(page, "Team")
    await assert_accessible(page)
    await page.get_by_label("Their email address").fill("sam@example.org")
    await page.get_by_label("Staff").check()
    await submit(page, "Send invitation")
    assert await page.get_by_text("Invitation sent to sam@example.org").is_visible()

    await follow(page, "Overview")
    await submit(page, "Make your store live")
    assert await page.get_by_text("Your store is live.").is_visible()

    await follow(page, "See your store page")
    await assert_accessible(page)
    store = await Store.get(tenant_id=tenant.id)
    assert (store.status, store.tier, store.brand_colour) == (
        PublishStatus.LIVE,
        StoreTier.BRANDED,
        "#1d5c8c",
    )
    assert page.url.endswith(f"/stores/{store.slug}")
    assert await page.get_by_role("heading", level=1, name="Riverside Home Care").is_visible()
    banner = page.locator(".cp-store-banner--branded")
    colours = await banner.evaluate(
        "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
    )
    assert colours == ["rgb(29, 92, 140)", "rgb(255, 255, 255)"]
    assert await page.get_by_role("img", name="Riverside Home Care logo").is_visible()
    assert await page.get_by_role("img", name="Our community garden in spring").is_visible()
    assert await page.get_by_role("heading", name="Back to the allotment").is_visible()
    # Still the council's site: its header and name are there.
    assert await page.locator(".cp-header").get_by_text("Storeton Council").is_visible()
    width = await page.get_by_role("img", name="Our community garden in spring").evaluate(
        "img => img.naturalWidth"
    )
    assert width == 400  # the thumbnail
    assert await Photo.filter(store_id=store.id).count() == 1


async def test_a_provider_brings_their_organisation_to_a_second_council(page, site, db):
    first = await make_tenant("firstshire", "Firstshire Council")
    second = await make_tenant("secondton", "Secondton Council")

    await page.goto(site(first.slug, "/providers/join"))
    await page.get_by_label("Name of your organisation").fill("Two Councils Care")
    await page.get_by_label("Your full name").fill("Tess Owner")
    await page.get_by_label("Email address").fill("tess@example.org")
    await page.get_by_label("Choose a password").fill(PASSWORD)
    await page.get_by_label("Type the password again").fill(PASSWORD)
    await submit(page, "Register organisation")

    await page.goto(site(second.slug, "/providers/join"))
    await assert_accessible(page)
    await follow(page, "Bring your organisation here")
    await assert_accessible(page)
    await page.get_by_label("Email address").fill("tess@example.org")
    await page.get_by_label("Password").fill("not the password")
    await submit(page, "Bring my organisation here")
    assert await page.get_by_role("alert").is_visible()
    await page.get_by_label("Password").fill(PASSWORD)
    await submit(page, "Bring my organisation here")
    assert await page.get_by_text("Your organisation now has a store here").is_visible()
    stores = await Store.filter(provider__name="Two Councils Care").count()
    assert stores == 2
