"""From an order to a visit ready for invoicing, in Chromium, as the people who do it.

A person's order for a home care visit is placed (directly, through ``place_order``). The
provider's owner signs in, finds it in the order inbox, accepts it; the visit's day comes
(moved into the past in the database); a personal assistant in the provider's team
records on the phone-sized timesheet who came and when; the person signs in, opens the
notice and confirms the visit, which is then ready for invoicing. axe checks each kind of
page the first time it is seen.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Browser, Page

from core.clock import uk_today
from core.orders.deliveries import ready_for_invoicing
from core.orders.models import Delivery, DeliveryStatus, Order, OrderStatus
from tests.factories import make_tenant
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_deliveries import move_visit, placed_visit, uk
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page

pytestmark = pytest.mark.browser

COUNCIL = "visitshire"


async def click(page: Page, role: str, name: str | re.Pattern[str]) -> None:
    await page.get_by_role(role, name=name).first.click()  # type: ignore[arg-type]
    await page.wait_for_load_state()


async def test_an_order_is_accepted_delivered_recorded_and_confirmed(
    page: Page, browser: Browser, site, db
):
    tenant = await make_tenant(COUNCIL, "Visitshire Council")
    visit = await placed_visit(tenant, accept=False)
    person_name = visit.person.user.display_name

    # The owner answers the order.
    await sign_in_page(page, site, COUNCIL, visit.owner.user.email, "/provider")
    await click(page, "link", "Orders")
    assert page.url.endswith("/provider/orders")
    await assert_accessible(page)
    assert await page.get_by_text("Waiting for your answer").first.is_visible()
    await click(page, "link", re.compile(person_name))
    await assert_accessible(page)
    assert await page.get_by_text("£40.00").first.is_visible()
    await click(page, "button", "Decline this order")  # without a reason
    assert await page.get_by_role("alert").first.is_visible()
    assert await page.get_by_text("Say why you cannot take this order").first.is_visible()
    await assert_accessible(page)
    await click(page, "button", "Accept this order")
    assert await page.get_by_text("You have accepted this order").is_visible()
    assert (await Order.get(id=visit.order.id)).status == OrderStatus.ACCEPTED
    await click(page, "link", re.compile("See the visits"))
    await assert_accessible(page)
    assert await page.get_by_role("link", name="Propose a change").is_visible()

    # The visit's day comes and goes.
    yesterday = uk_today() - timedelta(days=1)
    await move_visit(visit.session, yesterday)

    # A personal assistant records it on their phone.
    assistant = await team_member(tenant, await visit.store.provider, "staff", name="Pat Assistant")
    phone = await browser.new_context(viewport={"width": 375, "height": 740})
    try:
        mobile = await phone.new_page()
        await sign_in_page(mobile, site, COUNCIL, assistant.user.email, "/provider/visits")
        await assert_accessible(mobile)
        await click(mobile, "button", re.compile("Record what was delivered"))
        await assert_accessible(mobile)
        assert await mobile.get_by_label("Who did the visit").input_value() == "Pat Assistant"
        await mobile.get_by_label("Started at").fill("10:10")
        await mobile.get_by_label("Finished at").fill("")
        await click(mobile, "button", "Record the visit")
        assert await mobile.get_by_text("Enter the time the visit finished").first.is_visible()
        await assert_accessible(mobile)
        await mobile.get_by_label("Finished at").fill("12:05")
        await click(mobile, "button", "Record the visit")
        assert await mobile.get_by_text("What was delivered is recorded").is_visible()
    finally:
        await phone.close()
    delivery = await Delivery.get(session_id=visit.session.id)
    assert delivery.started_at == uk(yesterday, 10, 10)
    assert delivery.ended_at == uk(yesterday, 12, 5)

    # The person opens the notice and confirms.
    own = await browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        person = await own.new_page()
        await sign_in_page(person, site, COUNCIL, visit.person.user.email, "/notifications")
        await click(person, "button", re.compile("recorded a visit"))
        assert f"/deliveries/{delivery.id}" in person.url
        await assert_accessible(person)
        assert await person.get_by_text("Pat Assistant").first.is_visible()
        await click(person, "button", "Yes, confirm this visit")
        assert await person.get_by_text("You have confirmed this visit").is_visible()
        assert await person.get_by_role("link", name="Rate this service").is_visible()
        await assert_accessible(person)
    finally:
        await own.close()

    assert (await Delivery.get(id=delivery.id)).status == DeliveryStatus.CONFIRMED
    ready = await ready_for_invoicing(tenant.id)
    assert [session.id for session in ready] == [visit.session.id]
