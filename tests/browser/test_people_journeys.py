"""Registering people, self-funders' sign-up and the broker's dashboard, in real Chromium,
with axe on every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.budgets.figures import budget_figures
from core.budgets.models import Budget, RecurringCommitment, Schedule
from core.clock import uk_today
from core.email.models import EmailMessage
from core.identity.models import AccessKind, AccessLevel, PersonAccess
from core.people.models import PersonProfile
from tests.factories import make_tenant
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.budgets import funded_budget, one_off
from tests.support.members import PASSWORD, make_member

pytestmark = pytest.mark.browser


async def sign_in_as(page, site, slug, email, password=PASSWORD):
    await sign_in_page(page, site, slug, email, password=password, check_accessible=True)


async def test_officer_registers_a_person_managed_by_a_family_member(browser, page, site, db):
    tenant = await make_tenant("registon", "Registon Council")
    await make_member(tenant, ["council_officer"], name="Olu Officer", email="olu@registon.example")

    await sign_in_as(page, site, tenant.slug, "olu@registon.example")
    await page.get_by_role("link", name="Council console").click()
    await assert_accessible(page)
    await page.get_by_role("link", name="Register a person").first.click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Register person").click()  # nothing filled in
    assert await page.get_by_role("alert").is_visible()
    await assert_accessible(page)

    await page.get_by_label("Full name").fill("Dora Wilkins")
    await page.get_by_label("Day").fill("27")
    await page.get_by_label("Month").fill("3")
    await page.get_by_label("Year").fill("1947")
    await page.get_by_label("Address", exact=True).fill("12 Mill Lane\nRegiston")
    await page.get_by_label("Postcode").fill("cr2 6xh")
    await page.get_by_label("Email them a link to set up their sign-in").uncheck()
    await page.get_by_label("Letter").check()
    await page.get_by_label("A family member or friend").check()
    await page.get_by_label("Email address of the family member or friend").fill("nina@example.org")
    await page.get_by_role("button", name="Register person").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("Dora Wilkins is registered.").is_visible()
    assert await page.get_by_text("We have emailed nina@example.org an invitation").is_visible()
    await assert_accessible(page)
    profile = await PersonProfile.get(tenant_id=tenant.id)
    assert profile.postcode == "CR2 6XH" and profile.budget_manager == "circle"

    # Nina accepts, then finds Dora in her table of people she supports.
    email = await EmailMessage.get(to_address="nina@example.org")
    link = re.search(r"http://\S+/invitations/\S+", email.body_text).group(0)
    family = await browser.new_context()
    try:
        nina = await family.new_page()
        await nina.goto(link)
        await assert_accessible(nina)
        await nina.get_by_label("Your full name").fill("Nina Wilkins")
        await nina.get_by_label("Choose a password").fill("nina's long passphrase")
        await nina.get_by_label("Type the password again").fill("nina's long passphrase")
        await nina.get_by_role("button", name="Accept and set up my sign-in").click()
        await nina.wait_for_load_state()
        await assert_accessible(nina)
        await nina.get_by_role("link", name="See everyone you support").click()
        await assert_accessible(nina)
        assert await nina.get_by_role("rowheader", name="Dora Wilkins").is_visible()
        await nina.get_by_role("link", name="Act for Dora Wilkins").click()
        await assert_accessible(nina)
        await nina.goto(site(tenant.slug, f"/people/{profile.membership_id}/details"))
        await assert_accessible(nina)
        assert await nina.get_by_text("A family member or friend: Nina Wilkins").is_visible()
    finally:
        await family.close()


async def test_a_self_funder_signs_up_and_adds_500_pounds(page, site, db):
    tenant = await make_tenant("selfton", "Selfton Council")

    await page.goto(site(tenant.slug, "/sign-in"))
    await assert_accessible(page)
    await page.get_by_role("link", name="Create an account").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Create account").click()  # nothing filled in
    assert await page.get_by_role("alert").is_visible()
    await assert_accessible(page)
    await page.get_by_label("Your full name").fill("Sam Self")
    await page.get_by_label("Email address").fill("sam@example.org")
    await page.get_by_label("Postcode").fill("M1 1AA")
    await page.get_by_label("Choose a password").fill("sam's long passphrase")
    await page.get_by_label("Type the password again").fill("sam's long passphrase")
    await page.get_by_role("button", name="Create account").click()
    await page.wait_for_load_state()

    assert page.url.endswith("/my-money/start")
    await assert_accessible(page)
    await page.get_by_label("How much of your own money do you want to add?").fill("lots")
    await page.get_by_role("button", name="Add money").click()
    assert await page.get_by_role("alert").is_visible()
    await assert_accessible(page)
    await page.get_by_label("How much of your own money do you want to add?").fill("500")
    await page.get_by_role("button", name="Add money").click()
    await page.wait_for_load_state()

    budget = await Budget.get(tenant_id=tenant.id)
    assert page.url.endswith(f"/budgets/{budget.id}")
    assert (await budget_figures(budget)).total.available_pence == 50_000
    await assert_accessible(page)


async def test_a_broker_opens_the_dashboard(page, site, db):
    tenant = await make_tenant("brokerby", "Brokerby Council")
    broker = await make_member(
        tenant, ["broker"], name="Brenda Broker", email="brenda@brokerby.example"
    )
    today = uk_today()
    period = (today - timedelta(days=1), today + timedelta(days=180))
    for name, pence, weekly in (("Alice Short", 10_000, 3_000), ("Bob Plenty", 100_000, 0)):
        person = await make_member(tenant, ["person"], name=name)
        await PersonAccess.create(
            tenant=tenant,
            person=person,
            grantee=broker,
            kind=AccessKind.BROKER,
            access=AccessLevel.MANAGE,
        )
        budget = await funded_budget(tenant, one_off(pence), person=person, period=period)
        if weekly:
            await RecurringCommitment.create(
                tenant_id=tenant.id,
                budget=budget,
                description="Home care",
                amount_pence=weekly,
                schedule=Schedule.WEEKLY,
                starts_on=today,
            )

    await sign_in_as(page, site, tenant.slug, "brenda@brokerby.example")
    await assert_accessible(page)
    await page.get_by_role("link", name="See everyone you support").click()
    await assert_accessible(page)
    assert await page.get_by_role("heading", level=1).inner_text() == "People you support"
    assert await page.get_by_text("Runs out on").is_visible()
    assert await page.get_by_text("£1,000 likely unspent").is_visible()
    await page.get_by_role("link", name="Open budget of Bob Plenty").click()
    await page.wait_for_load_state()
    assert "/budgets/" in page.url
    await assert_accessible(page)
