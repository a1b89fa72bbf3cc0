"""Journeys through sign-in, circles and barring in real Chromium, with axe on every page."""

from __future__ import annotations

import re

import pytest

from core.email.models import EmailMessage
from tests.factories import make_tenant
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.members import PASSWORD, make_member

pytestmark = pytest.mark.browser


async def sign_in_as(page, site, slug, email, password=PASSWORD):
    await sign_in_page(page, site, slug, email, password=password, check_accessible=True)


async def test_person_invites_family_who_accepts_and_sees_their_page_read_only(
    browser, page, site, db
):
    tenant = await make_tenant("invitevale", "Invitevale Council")
    dora = await make_member(
        tenant, ["person"], name="Dora Wilkins", email="dora@invitevale.example"
    )

    await sign_in_as(page, site, tenant.slug, dora.user.email)
    await assert_accessible(page)
    await page.get_by_role("link", name="See and change who is in your circle").click()
    await assert_accessible(page)
    await page.get_by_role("link", name="Invite someone").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Send invitation").click()  # nothing filled in
    assert await page.get_by_role("alert").is_visible()  # the error summary
    await assert_accessible(page)
    await page.get_by_label("Their email address").fill("nina@example.org")
    await page.get_by_label("See care and support", exact=True).check()
    await page.get_by_role("button", name="Send invitation").click()
    assert await page.get_by_text("Invitation sent").is_visible()
    await assert_accessible(page)

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
        assert await nina.get_by_text("You have accepted the invitation").is_visible()
        await assert_accessible(nina)
        await nina.get_by_role("link", name="Dora Wilkins", exact=True).click()
        await assert_accessible(nina)
        assert await nina.get_by_text("You can see this page but not change anything").is_visible()
        assert await nina.get_by_role("link", name="Invite someone").count() == 0
    finally:
        await family.close()


async def test_council_admin_bars_and_unbars_a_person(browser, page, site, db):
    tenant = await make_tenant("barford", "Barford Council")
    admin = await make_member(
        tenant, ["council_admin"], name="Ada Admin", email="ada@barford.example"
    )
    person = await make_member(
        tenant, ["person"], name="Percy Person", email="percy@barford.example"
    )

    await sign_in_as(page, site, tenant.slug, admin.user.email)
    await page.get_by_role("link", name="Council console").click()
    await assert_accessible(page)
    await page.get_by_role("link", name="People and staff").first.click()
    await assert_accessible(page)
    await page.get_by_role("link", name="Percy Person").click()
    await assert_accessible(page)
    await page.get_by_label("Reason they will see").fill(
        "We need to check your account. Please phone the care team."
    )
    await page.get_by_role("button", name="Bar account").click()
    assert await page.get_by_text("The account is barred").is_visible()
    await assert_accessible(page)

    other = await browser.new_context()
    try:
        percy = await other.new_page()
        await sign_in_as(percy, site, tenant.slug, person.user.email)
        assert await percy.get_by_role("heading", level=1).inner_text() == (
            "You cannot use this website at the moment"
        )
        assert await percy.get_by_text("Please phone the care team.").is_visible()
        await assert_accessible(percy)

        await page.get_by_role("button", name="Lift the bar").click()
        assert await page.get_by_text("The bar has been lifted").is_visible()
        await sign_in_as(percy, site, tenant.slug, person.user.email)
        assert await percy.get_by_role("heading", level=1).inner_text() == "Your account"
        await assert_accessible(percy)
    finally:
        await other.close()
