"""The catalogue in real Chromium: a provider adds two services (one priced differently in
another postcode district), adds a photo and publishes them; a visitor checks the price
where they live; an officer adds a category. axe on every page."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.marketplace.models import (
    Photo,
    Provider,
    ProviderRole,
    ProviderUser,
    PublishStatus,
    Service,
    ServiceArea,
    Store,
)
from tests.factories import make_tenant
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.members import make_member

pytestmark = pytest.mark.browser


async def sign_in_as(page, site, slug, email, next_path):
    await sign_in_page(page, site, slug, email, next_path)


async def fill_service(page, *, title, category, unit, price, areas, monday=None):
    await page.get_by_label("Name of the service").fill(title)
    await page.get_by_label("Description").fill(f"{title}, in plain words.\n\nAsk us anything.")
    await page.get_by_label("Kind of service").select_option(category)
    await page.get_by_label(unit, exact=True).check()
    await page.get_by_label("Price", exact=True).fill(price)
    await page.get_by_label("Exempt from VAT").check()
    await page.get_by_label("Yes, people can order it here").check()
    if monday:
        await page.get_by_label("Monday", exact=True).check()
        await page.get_by_label("From on Monday").fill(monday[0])
        await page.get_by_label("Until on Monday").fill(monday[1])
    await page.get_by_label("Areas you cover").fill(areas)
    await page.get_by_label("Everyone").check()


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 110, 90)).save(out, "JPEG")
    return out.getvalue()


async def test_a_provider_builds_a_store_with_two_services(page, site, db):
    tenant = await make_tenant("storeton", "Storeton Council")
    provider = await Provider.create(name="Kind Hands Care")
    store = await Store.create(
        tenant=tenant,
        provider=provider,
        name="Kind Hands Care",
        slug="kind-hands",
        status=PublishStatus.LIVE,
        phone="020 7946 0000",
    )
    owner = await make_member(
        tenant, ["provider_owner"], name="Olga Owner", email="olga@kindhands.example"
    )
    await ProviderUser.create(provider=provider, user=owner.user, role=ProviderRole.OWNER)

    await sign_in_as(page, site, tenant.slug, "olga@kindhands.example", "/provider/services")
    await assert_accessible(page)
    await page.get_by_role("link", name="Add a service").click()
    await page.wait_for_url("**/provider/services/new")
    await assert_accessible(page)
    await page.get_by_role("button", name="Save as a draft").click()  # nothing filled in
    assert await page.get_by_role("alert").is_visible()
    await assert_accessible(page)

    # The first service costs more in HA2 than in HA1.
    await fill_service(
        page,
        title="Help at home",
        category="personal-care",
        unit="Hour",
        price="20.00",
        areas="HA1\nHA2 24.50",
        monday=("09:00", "17:00"),
    )
    await page.get_by_label("Smallest booking").fill("2")
    await page.get_by_role("button", name="Save as a draft").click()
    await page.wait_for_url("**/provider/services/*?saved=added")
    assert await page.get_by_text("Service saved as a draft").is_visible()
    await assert_accessible(page)

    await page.get_by_label("Add a photo").set_input_files(
        {"name": "tea.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    await page.get_by_label("Describe the photo").fill("A carer and a man laughing over tea")
    await page.get_by_role("button", name="Add photo").click()
    await page.wait_for_url("**saved=photo*")
    assert await page.get_by_text("Photo added.").is_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Publish").click()
    await page.wait_for_url("**saved=publish")
    assert await page.get_by_text("Service published").is_visible()
    await assert_accessible(page)

    # The second is the same everywhere it is offered.
    await page.goto(site(tenant.slug, "/provider/services/new"))
    await fill_service(
        page,
        title="Swimming club",
        category="leisure",
        unit="Session",
        price="8",
        areas="HA1\nHA2",
    )
    await page.get_by_role("button", name="Save as a draft").click()
    await page.wait_for_url("**saved=added")
    await page.get_by_role("button", name="Publish").click()
    await page.wait_for_url("**saved=publish")

    await page.get_by_role("link", name="Back to your services").click()
    await page.wait_for_url("**/provider/services")
    assert await page.get_by_role("cell", name="Live").count() == 2
    await assert_accessible(page)

    care = await Service.get(title="Help at home")
    assert care.store_id == store.id and care.status == PublishStatus.LIVE
    areas = {a.district: a.price_pence for a in await ServiceArea.filter(service_id=care.id)}
    assert areas == {"HA1": None, "HA2": 2_450}
    assert await Photo.filter(service_id=care.id).count() == 1

    # A visitor checks the price where they live.
    visitor = await page.context.browser.new_page()
    try:
        await visitor.goto(site(tenant.slug, f"/services/{care.id}"))
        await assert_accessible(visitor)
        assert await visitor.get_by_role("img", name="A carer and a man laughing over tea").count()
        await visitor.get_by_label("Check the price where you live").fill("ha2 7ab")
        await visitor.get_by_role("button", name="Check price").click()
        await visitor.wait_for_url("**postcode=*")
        assert await visitor.get_by_text("£24.50 an hour in HA2").is_visible()
        await assert_accessible(visitor)
        await visitor.get_by_label("Check the price where you live").fill("HA99")
        await visitor.get_by_role("button", name="Check price").click()
        await visitor.wait_for_url("**postcode=HA99")
        assert await visitor.get_by_role("alert").is_visible()
        assert await visitor.get_by_role("link", name="HA99 is not a postcode district").count()
        await assert_accessible(visitor)
    finally:
        await visitor.close()


async def test_an_officer_adds_a_category(page, site, db):
    tenant = await make_tenant("categon", "Categon Council")
    await make_member(tenant, ["council_officer"], email="olu@categon.example")
    await sign_in_as(page, site, tenant.slug, "olu@categon.example", "/council/categories")
    await assert_accessible(page)
    await page.get_by_role("button", name="Add category").click()
    assert await page.get_by_role("alert").is_visible()
    await assert_accessible(page)
    await page.get_by_label("Name", exact=True).fill("Hydrotherapy")
    await page.get_by_label("Code").fill("hydrotherapy")
    await page.get_by_label("Standard category it comes under").select_option("therapy")
    await page.get_by_role("button", name="Add category").click()
    assert await page.get_by_text("Category added").is_visible()
    assert await page.get_by_role("cell", name="Council category: – Hydrotherapy").is_visible()
    await assert_accessible(page)
