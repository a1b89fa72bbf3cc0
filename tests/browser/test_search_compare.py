"""Search and compare in Chromium: from the council's home page a person searches from
their postcode, sees that area's price, compares two services; a search that finds
nothing records an unmet need. axe passes on every page."""

from __future__ import annotations

import pytest

from core.marketplace.models import Unit, UnmetNeed
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import (
    accredit,
    case_study,
    make_service,
    make_store,
    review,
)
from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.browser


async def test_a_person_searches_compares_and_tells_the_council_what_is_missing(page, site, db):
    tenant = await make_tenant("searchshire", "Searchshire Council")
    sunny = await make_store(tenant, "Sunny Days Care")
    river = await make_store(tenant, "Riverside Helpers")
    await accredit(sunny)
    await case_study(sunny, "Back in the water", "Ray swims twice a week now.")
    lessons = await make_service(
        sunny, "Swimming lessons", description="One to one, in the leisure centre pool",
        unit=Unit.SESSION, price=1_500, areas={"HA1": 1_800, "HA2": None},
        availability={"sat": ["10:00-12:00"]},
    )  # fmt: skip
    await make_service(
        river, "Aqua swimming club", description="A friendly group", price=900,
        areas={"HA1": None},
    )  # fmt: skip
    await make_service(river, "Swimming far away", areas={"SW1A": None})
    await review(lessons, 5, 4)

    await page.goto(site(tenant.slug, "/"))
    await assert_accessible(page)
    await page.get_by_label("What are you looking for?").fill("swimming")
    await page.get_by_label("Your postcode (optional)").fill("ha1 2ab")
    await page.get_by_role("button", name="Search", exact=True).click()
    await page.wait_for_url("**/search?*")
    assert await page.get_by_role("heading", name="2 services found").is_visible()
    assert await page.get_by_text("£18.00 a session in HA1").is_visible()
    assert await page.get_by_text("£9.00 an hour in HA1").is_visible()
    assert await page.get_by_text("Swimming far away").count() == 0
    assert await page.get_by_text("4.5 out of 5 (2 reviews)").is_visible()
    await assert_accessible(page)

    await page.get_by_label("Compare Swimming lessons").check()
    await page.get_by_label("Compare Aqua swimming club").check()
    await page.get_by_role("button", name="Compare the services you ticked").click()
    await page.wait_for_url("**/compare?*")
    assert await page.get_by_role("heading", name="Compare services").is_visible()
    assert await page.get_by_text("Prices are for HA1 2AB").is_visible()
    assert await page.get_by_role("cell", name="£18.00 a session").is_visible()
    assert await page.get_by_role("cell", name="£9.00 an hour").is_visible()
    assert await page.get_by_text("Back in the water").is_visible()
    assert await page.get_by_text("Saturday: 10:00 to 12:00").is_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Back to the search results").click()
    await page.wait_for_url("**/search?*")

    await page.get_by_label("What are you looking for?").fill("horse riding")
    await page.get_by_role("button", name="Search", exact=True).click()
    await page.wait_for_url("**/search?*")
    assert await page.get_by_role("heading", name="No services found").is_visible()
    await assert_accessible(page)
    await page.get_by_label("What were you looking for? (optional)").fill(
        "Riding for the disabled, on Saturdays"
    )
    await page.get_by_role("button", name="Tell the council what you were looking for").click()
    await page.wait_for_url("**/search/needs/thank-you*")
    assert await page.get_by_role("heading", name="Thank you for telling us").is_visible()
    await assert_accessible(page)
    (need,) = await UnmetNeed.filter(tenant_id=tenant.id)
    assert (need.words, need.district) == ("horse riding", "HA1")
    assert need.details == "Riding for the disabled, on Saturdays"


async def test_search_mistakes_are_shown_accessibly(page, site, db):
    tenant = await make_tenant("mistakeshire", "Mistakeshire Council")
    await page.goto(site(tenant.slug, "/search?postcode=XX1%201XX1&min_price=abc"))
    assert await page.get_by_role("alert").is_visible()
    assert await page.get_by_text("We do not recognise the postcode").first.is_visible()
    await assert_accessible(page)
    await page.goto(site(tenant.slug, "/search/needs?q=canoeing"))
    await assert_accessible(page)
    await page.get_by_role("button", name="Tell the council").click()
    await page.wait_for_url("**/search/needs/thank-you*")
    await page.goto(site(tenant.slug, "/compare?service=one"))
    assert await page.get_by_role("alert").is_visible()
    await assert_accessible(page)
