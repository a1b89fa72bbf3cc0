"""In Chromium: a provider applies for accreditation with a document, and a council officer
accredits it with an end date; axe passes on every page along the way."""

from __future__ import annotations

import pytest

from core.accreditation.models import Accreditation, AccreditationStatus
from core.clock import uk_today
from tests.factories import make_tenant
from tests.functional.accreditation.conftest import PDF, firm
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.members import make_member

pytestmark = pytest.mark.browser


async def sign_in(page, site, slug: str, email: str, target: str) -> None:
    await page.context.clear_cookies()
    await sign_in_page(page, site, slug, email, target)


async def test_a_provider_applies_and_an_officer_accredits(page, site, db):
    tenant = await make_tenant(
        "vetshire",
        "Vetshire Council",
        plugins={
            "accreditation": {
                "mode": "kitemark",
                "badge_label": "Vetshire Approved",
                "required_evidence": ["document", "insurance"],
            }
        },
    )
    company = await firm(tenant, "Kindly Care Ltd")
    officer = await make_member(tenant, ["council_officer"], email="olu@vetshire.example")
    year = str(uk_today().year + 1)

    # The provider applies.
    await sign_in(page, site, tenant.slug, company.owner.user.email, "/provider/accreditation")
    await assert_accessible(page)
    assert await page.get_by_text("Not applied yet").is_visible()
    await page.get_by_role("button", name="Apply for accreditation").click()
    assert await page.get_by_role("alert").is_visible()
    assert await page.get_by_role("link", name="Your council needs at least one document").count()
    await assert_accessible(page)

    await page.get_by_label("Upload a document").set_input_files(
        {"name": "safeguarding.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    await page.get_by_label("What is the document? (optional)").fill("Safeguarding policy")
    await page.get_by_label("CQC location ID (if you are registered)").fill("1-545611283")
    await page.locator("#insurance_expires_on-day").fill("31")
    await page.locator("#insurance_expires_on-month").fill("3")
    await page.locator("#insurance_expires_on-year").fill(year)
    await page.get_by_role("button", name="Apply for accreditation").click()
    await page.wait_for_url("**/provider/accreditation?done=applied")
    assert await page.get_by_text("Your application has been sent to the council.").is_visible()
    assert await page.get_by_text("Waiting for review").first.is_visible()
    await assert_accessible(page)

    # The officer reviews and accredits.
    await sign_in(page, site, tenant.slug, officer.user.email, "/council/accreditation")
    await assert_accessible(page)
    await page.get_by_role("link", name="Kindly Care Ltd").click()
    await page.wait_for_url("**/council/accreditation/*")
    await assert_accessible(page)
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Safeguarding policy (download)").click()
    download = await download_info.value
    assert download.suggested_filename == "Safeguarding-policy.pdf"

    await page.get_by_role("button", name="Save decision").click()
    assert await page.get_by_role("link", name="Choose a decision").is_visible()
    await assert_accessible(page)
    await page.get_by_label("Accredit", exact=True).check()
    await page.locator("#expires_on-day").fill("31")
    await page.locator("#expires_on-month").fill("3")
    await page.locator("#expires_on-year").fill(year)
    await page.get_by_role("button", name="Save decision").click()
    await page.wait_for_url("**?done=accredit")
    assert await page.get_by_text("The provider is accredited.").is_visible()
    await assert_accessible(page)

    accreditation = await Accreditation.get(tenant_id=tenant.id)
    assert accreditation.status == AccreditationStatus.ACCREDITED
    assert accreditation.expires_on.isoformat() == f"{year}-03-31"

    # The provider sees the badge.
    await sign_in(page, site, tenant.slug, company.owner.user.email, "/provider/accreditation")
    assert await page.get_by_text("Vetshire Approved").first.is_visible()
    await assert_accessible(page)
