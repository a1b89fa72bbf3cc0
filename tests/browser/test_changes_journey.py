"""Changing a booking in Chromium: a person with a weekly booking cancels one visit and
sees the money back on their budget page; the provider proposes a new time and the
person accepts it; the person asks a provider a question and gets a reply. Axe checks
each kind of page.

The council, the people, the store and the booking (placed through ``place_order``) are
made directly; everything else happens in the browser.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.budgets.figures import budget_figures
from core.clock import uk_today
from core.identity.models import Membership
from core.ledger.money import pounds
from core.orders.models import BookingSession, ChangeProposal, ProposalStatus
from core.orders.placement import OrderLine, place_order
from core.orders.recurrence import LONDON, Recurrence
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_placement import NOON, TEN, as_member, next_weekday
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.budgets import funded_budget, one_off

pytestmark = pytest.mark.browser

PERSON = "rose@changeford.example"
OWNER = "olga@kindhands.example"


async def a_weekly_booking():
    tenant = await make_tenant("changeford", "Changeford Council")
    today = uk_today()
    budget = await funded_budget(
        tenant, one_off(100_000), period=(today - timedelta(days=10), today + timedelta(days=365))
    )
    person = await Membership.get(id=budget.person_id).prefetch_related("user", "tenant")  # type: ignore[attr-defined]
    person.user.email = PERSON
    person.user.display_name = "Rose Ward"
    await person.user.save()
    store = await make_store(tenant, "Kind Hands")
    service = await make_service(store, "Home care", price=2_000)
    await team_member(tenant, await store.provider, "owner", email=OWNER, name="Olga Owner")
    first = next_weekday(today + timedelta(days=3), 1)
    rec = Recurrence(frozenset({"tue"}), TEN, NOON, first, until_date=first + timedelta(weeks=5))
    line = OrderLine(service_id=service.id, quantity=2, district="HA1", recurrence=rec)
    placed = await place_order(as_member(person), person, [line], idempotency_key=None)
    [booking] = placed.bookings
    return tenant, budget, service, booking


async def test_cancel_a_visit_then_accept_the_providers_new_time(browser, page, site, db):
    tenant, budget, _service, booking = await a_weekly_booking()
    slug = tenant.slug
    before = (await budget_figures(budget)).total.available_pence
    assert before == 100_000 - 6 * 4_000

    # The person cancels the second visit, after an "are you sure" page.
    await sign_in_page(page, site, slug, PERSON, check_accessible=True)
    await page.goto(site(slug, f"/bookings/{booking.id}"))
    assert await page.get_by_role("heading", level=1).inner_text() == "Home care"
    assert await page.get_by_text("Every Tuesday, 10:00 to 12:00").first.is_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Cancel this visit").nth(1).click()
    await page.wait_for_load_state()
    assert "Are you sure" in await page.get_by_role("heading", level=1).inner_text()
    assert await page.get_by_text("£40.00 will go back into your budget.").is_visible()
    await assert_accessible(page)
    await page.get_by_label("Why are you cancelling? (optional)").fill("At the dentist")
    await page.get_by_role("button", name="Yes, cancel this visit").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("The visit has been cancelled.").is_visible()
    assert await page.locator("#money-set-aside").inner_text() == "£200.00"
    await assert_accessible(page)

    # The money is back on the budget page.
    await page.goto(site(slug, f"/budgets/{budget.id}"))
    available = page.locator('tr[data-stream="total"] td[data-figure="available"]')
    assert (await available.inner_text()).strip() == pounds(before + 4_000)

    # The provider proposes a new time for every visit.
    other = await browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        provider = await other.new_page()
        await sign_in_page(provider, site, slug, OWNER)
        await provider.goto(site(slug, f"/provider/bookings/{booking.id}/propose"))
        assert await provider.get_by_role("heading", level=1).inner_text() == "Propose a change"
        await assert_accessible(provider)
        await provider.get_by_role("button", name="Send the proposed change").click()
        await provider.wait_for_load_state()
        assert await provider.get_by_text("Enter a new date or new times").first.is_visible()
        await assert_accessible(provider)
        await provider.get_by_label("New start time").fill("14:00")
        await provider.get_by_label("New finish time").fill("16:00")
        await provider.get_by_label("Message (optional)").fill("Our morning carer has left.")
        await provider.get_by_role("button", name="Send the proposed change").click()
        await provider.wait_for_load_state()
        assert "/propose" not in provider.url
    finally:
        await other.close()

    # The person sees the change on the booking and accepts it.
    await page.goto(site(slug, f"/bookings/{booking.id}"))
    assert await page.get_by_text("Every visit from now on will be 14:00 to 16:00").is_visible()
    assert await page.get_by_text("Our morning carer has left.", exact=False).is_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Accept this change").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("You have accepted the change.").is_visible()
    assert await page.get_by_text("Every Tuesday, 14:00 to 16:00").first.is_visible()
    [proposal] = await ChangeProposal.all()
    assert proposal.status == ProposalStatus.ACCEPTED
    for session in await BookingSession.filter(booking_id=booking.id, status="scheduled"):
        assert session.starts_at.astimezone(LONDON).hour == 14

    # Cancelling the whole booking shows how much comes back first.
    await page.get_by_role("link", name="Cancel the whole booking").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("£200.00 will go back into your budget.").is_visible()
    await assert_accessible(page)


async def test_ask_a_provider_a_question_and_read_the_reply(browser, page, site, db):
    tenant, _, service, _ = await a_weekly_booking()
    slug = tenant.slug
    await sign_in_page(page, site, slug, PERSON)
    await page.goto(site(slug, f"/services/{service.id}/enquire"))
    await assert_accessible(page)
    await page.get_by_label("Subject").fill("Weekend visits")
    await page.get_by_label("Your question").fill("Can you come on Saturdays?")
    await page.get_by_role("button", name="Send your question").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("Your message has been sent.").is_visible()
    await assert_accessible(page)

    other = await browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        provider = await other.new_page()
        await sign_in_page(provider, site, slug, OWNER)
        await provider.goto(site(slug, "/provider/enquiries"))
        await assert_accessible(provider)
        await provider.get_by_role("link", name="Weekend visits").click()
        await provider.wait_for_load_state()
        assert await provider.get_by_text("Can you come on Saturdays?").is_visible()
        await assert_accessible(provider)
        await provider.get_by_label("Your reply").fill("Yes, from 9 to 5.")
        await provider.get_by_role("button", name="Send reply").click()
        await provider.wait_for_load_state()
    finally:
        await other.close()

    await page.goto(site(slug, "/enquiries"))
    await assert_accessible(page)
    await page.get_by_role("link", name="Weekend visits").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("Yes, from 9 to 5.").is_visible()
