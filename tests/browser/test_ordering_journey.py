"""Ordering end to end in Chromium, as the person: sign in, find a service, add "every
Tuesday and Thursday 10:00-12:00 until <a date in the budget period>" to the basket, see
the total and what is left, place the order, and see the money available on the budget
page drop by exactly the amount set aside. axe checks the service page, the basket, the
order and the notifications pages.

The council, the person's budget and the provider's live service are made directly;
everything the person does happens in the browser.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Page

from core.clock import long_date, uk_today
from core.identity.models import Membership
from core.ledger.models import Hold, HoldStatus
from core.ledger.money import pounds
from core.orders.models import Order
from core.people.models import PersonProfile
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.budgets import funded_budget, one_off

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("db")]

COUNCIL = "orderton"


def next_tuesday():
    today = uk_today()
    return today + timedelta(days=(1 - today.weekday() - 1) % 7 + 1)


def pence(text: str) -> int:
    """ "£1,234.50" -> 123450."""
    match = re.search(r"-?£([\d,]+)\.(\d{2})", text)
    assert match, text
    whole = int(match.group(1).replace(",", ""))
    return (whole * 100 + int(match.group(2))) * (-1 if text.strip().startswith("-") else 1)


async def available_on_budget_page(page: Page, site, budget_id) -> int:
    await page.goto(site(COUNCIL, f"/budgets/{budget_id}"))
    total = page.locator('[data-figure="available"]').last
    return pence(await total.inner_text())


async def test_a_person_orders_a_weekly_visit_and_the_money_is_set_aside(page: Page, site):
    tenant = await make_tenant(COUNCIL, "Orderton Council")
    today = uk_today()
    budget = await funded_budget(
        tenant, one_off(200_000), period=(today - timedelta(days=10), today + timedelta(days=300))
    )
    person = await Membership.get(id=budget.person_id).prefetch_related("user")  # type: ignore[attr-defined]
    await PersonProfile.create(tenant_id=tenant.id, membership=person, postcode="HA1 2AB")
    store = await make_store(tenant, "Kind Hands Care")
    service = await make_service(
        store, "Help at home", price=2_000, description="Washing and meals."
    )
    first = next_tuesday()
    until = first + timedelta(days=27)  # four weeks: eight visits

    await sign_in_page(page, site, COUNCIL, person.user.email or "", check_accessible=False)
    before = await available_on_budget_page(page, site, budget.id)
    assert before == 200_000

    # Find the service.
    await page.goto(site(COUNCIL, "/search"))
    await page.get_by_label("What are you looking for?").fill("Help at home")
    await page.get_by_role("button", name="Search", exact=True).click()
    await page.wait_for_load_state()
    await page.get_by_role("link", name="Help at home", exact=True).first.click()
    await page.wait_for_url(f"**/services/{service.id}**")
    await assert_accessible(page)
    assert await page.get_by_label("Postcode where the service is needed").input_value() == "HA1"

    # Every Tuesday and Thursday, 10:00 to 12:00, two hours each visit.
    await page.get_by_label("How many each visit").fill("2")
    # Only the questions for the chosen kind of visit show (GOV.UK conditional reveal).
    assert await page.get_by_label("Date of the visit").is_visible()
    assert not await page.get_by_label("Visits start at").is_visible()
    await page.get_by_label("Every week, on the days I choose").check()
    assert not await page.get_by_label("Date of the visit").is_visible()
    await page.get_by_label("Tuesday", exact=True).check()
    await page.get_by_label("Thursday", exact=True).check()
    await page.get_by_label("Visits start at").fill("10:00")
    await page.get_by_label("Visits finish at").fill("12:00")
    await page.get_by_label("First visit on or after").fill(first.isoformat())
    await page.get_by_label("Last visit on or before (optional)").fill(until.isoformat())
    await page.get_by_role("button", name="Add to basket").click()
    await page.wait_for_url("**/basket?added=1")
    await assert_accessible(page)

    pattern = (
        f"Every Tuesday and Thursday, 10:00 to 12:00, from {long_date(first)} "
        f"until {long_date(until)}"
    )
    assert await page.get_by_text(pattern).is_visible()
    assert await page.get_by_text("8 visits paid from this budget").is_visible()
    total = 8 * 2 * 2_000
    assert pence(await page.locator("#total").inner_text()) == total
    assert pence(await page.locator("#available").inner_text()) == before
    assert pence(await page.locator("#left-after").inner_text()) == before - total

    # Place the order: the money is set aside at once.
    await page.get_by_role("button", name="Place order").click()
    await page.wait_for_url(re.compile(r".*/orders/[0-9a-f-]{36}\?placed=1$"))
    await assert_accessible(page)
    assert await page.get_by_text(
        f"{pounds(total)} has been set aside from the budget"
    ).is_visible()
    assert await page.get_by_text("Waiting for the provider").is_visible()
    [order] = await Order.all()
    assert order.total_pence == total
    [hold] = await Hold.filter(budget_id=budget.id, status=HoldStatus.PENDING)
    assert hold.amount_pence == total

    after = await available_on_budget_page(page, site, budget.id)
    assert before - after == hold.amount_pence

    # The header counts the notice; the notices page lists it.
    await page.get_by_role("link", name=re.compile(r"Notifications \(1 unread\)")).click()
    await page.wait_for_url("**/notifications")
    await assert_accessible(page)
    notice = page.get_by_role("heading", name=re.compile("Your order from Kind Hands Care"))
    assert await notice.is_visible()
    await page.get_by_role("button", name=re.compile("^Open")).first.click()
    await page.wait_for_url(f"**/orders/{order.id}")
    await page.goto(site(COUNCIL, "/orders"))
    await assert_accessible(page)
    assert (
        await page.get_by_role("link", name=re.compile("order from Kind Hands Care")).count() == 1
    )
