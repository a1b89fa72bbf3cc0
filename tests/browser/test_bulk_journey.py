"""Bulk scheduling and feedback end to end in Chromium.

A broker signs in, opens "Book a service for several people", chooses a service, five of
their six people (one of whom has too little money), a date and times, and sees four
orders placed and one refused with the reason in plain words. Then a person rates a
service after a confirmed visit, its provider replies once, and a council officer hides
the review, which leaves the service page. Axe checks each kind of page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Page

from core.clock import uk_today
from core.marketplace.models import Review
from core.orders.models import BulkRun, Order
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.orders.bulk_helpers import people_with_budgets
from tests.functional.orders.feedback_helpers import delivered
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.members import make_member

pytestmark = pytest.mark.browser

NAMES = ["Ann Able", "Ben Bright", "Cat Short", "Dan Dale", "Eve Eden", "Fay Far"]


async def fill_date(page: Page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    await group.get_by_label("Day").fill(str(day.day))
    await group.get_by_label("Month").fill(str(day.month))
    await group.get_by_label("Year").fill(str(day.year))


async def test_a_broker_books_for_five_people_and_sees_each_result(page, site, db):
    tenant = await make_tenant("bulkshire", "Bulkshire Council")
    broker = await make_member(tenant, ["broker"], name="Bo Broker", email="bo@bulk.example")
    amounts = [100_000, 100_000, 1_000, 100_000, 100_000, 100_000]  # Cat has £10
    await people_with_budgets(tenant, broker, amounts, names=NAMES)
    store = await make_store(tenant, "Kind Hands")
    service = await make_service(store, "Home care", price=2_000, areas={})
    visit_day = uk_today() + timedelta(days=5)

    await sign_in_page(page, site, tenant.slug, "bo@bulk.example", "/bulk")
    assert await page.get_by_role("heading", level=1).inner_text() == (
        "Book a service for several people"
    )
    await assert_accessible(page)

    # Sending the form empty explains what is missing, next to each field.
    await page.get_by_role("button", name="Book for these people").click()
    await page.wait_for_load_state()
    assert await page.get_by_role("alert").is_visible()
    assert await page.get_by_text("Choose at least one person").first.is_visible()
    await assert_accessible(page)

    await page.get_by_label("Service").select_option(label="Home care (Kind Hands)")
    for name in NAMES[:5]:
        await page.get_by_label(name).check()
    await page.get_by_label("How many hours or units each visit").fill("2")
    await page.get_by_label("Once").check()
    await page.get_by_label("Starting time").fill("10:00")
    await page.get_by_label("Finishing time").fill("12:00")
    await fill_date(page, "Date of the visit", visit_day)
    await page.get_by_role("button", name="Book for these people").click()
    await page.wait_for_url("**/bulk/*")

    run = await BulkRun.get()
    assert page.url.endswith(f"/bulk/{run.id}")
    assert await page.get_by_role("heading", name="4 placed").is_visible()
    assert await page.get_by_text("1 not placed").is_visible()
    refused = page.locator("#refused")
    assert "Cat Short" in await refused.inner_text()
    assert "There is not enough money for Home care" in await refused.inner_text()
    placed = await page.locator("#placed").inner_text()
    for name in ("Ann Able", "Ben Bright", "Dan Dale", "Eve Eden"):
        assert name in placed
    assert "Fay Far" not in await page.content()
    assert await Order.filter(bulk_run_id=run.id).count() == 4
    assert await page.get_by_role("link", name="See the order for Ann Able").is_visible()
    await assert_accessible(page)

    # The run is listed with the broker's earlier ones.
    await page.goto(site(tenant.slug, f"/bulk?service_id={service.id}"))
    assert await page.get_by_role("link", name="Home care").is_visible()
    assert await page.get_by_label("Service").input_value() == str(service.id)


async def test_rate_reply_and_hide_a_review(page, context, site, db):
    tenant, person, _store, service, owner, booking = await delivered()
    officer = await make_member(tenant, ["council_officer"], name="Olu Officer")

    await sign_in_page(page, site, tenant.slug, person.user.email, f"/bookings/{booking.id}/review")
    await assert_accessible(page)
    await page.get_by_role("button", name="Save my review").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("Choose how good the service was").first.is_visible()
    await assert_accessible(page)
    await page.get_by_label("4 – Good").check()
    await page.get_by_label("Tell other people about it").fill("Kind, but came late once")
    await page.get_by_role("button", name="Save my review").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("Your review has been saved").is_visible()
    await assert_accessible(page)
    review = await Review.get()

    await context.clear_cookies()
    await sign_in_page(page, site, tenant.slug, owner.user.email, "/provider/reviews")
    assert await page.get_by_text("Kind, but came late once").is_visible()
    await assert_accessible(page)
    await page.get_by_label("Your reply").fill("Thank you. We have changed the rota.")
    await page.get_by_role("button", name="Publish reply").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("Your reply has been published").is_visible()
    assert await page.get_by_role("button", name="Publish reply").count() == 0
    await assert_accessible(page)

    await page.goto(site(tenant.slug, f"/services/{service.id}"))
    assert await page.get_by_text("Thank you. We have changed the rota.").is_visible()
    assert await page.get_by_text("4 out of 5 (1 review)").is_visible()
    await assert_accessible(page)

    await context.clear_cookies()
    await sign_in_page(page, site, tenant.slug, officer.user.email, "/council")
    await page.get_by_role("link", name="Reviews").first.click()
    await page.wait_for_url("**/council/reviews")
    await assert_accessible(page)
    await page.get_by_label("Why hide it").fill("It names a member of staff")
    await page.get_by_role("button", name="Hide this review").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("The review is hidden").is_visible()
    await assert_accessible(page)
    assert (await Review.get(id=review.id)).hidden_reason == "It names a member of staff"

    await page.goto(site(tenant.slug, f"/services/{service.id}"))
    assert await page.get_by_text("Kind, but came late once").count() == 0
    assert await page.get_by_text("No reviews yet").is_visible()
