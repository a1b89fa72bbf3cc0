"""An officer allocates a two-stream budget; the person sees the money jar, the amounts and
the forecast, and downloads a CSV statement whose figures match the page. Axe on every page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from core.budgets.figures import budget_figures
from core.budgets.forecast import forecast
from core.budgets.models import Budget
from core.budgets.overview import long_date
from core.budgets.picture import INSIDE
from core.clock import uk_today
from core.ledger.money import in_words, pounds
from tests.factories import make_tenant
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.members import PASSWORD, make_member

pytestmark = pytest.mark.browser


async def sign_in_as(page, site, slug, email, password=PASSWORD):
    await sign_in_page(page, site, slug, email, password=password, check_accessible=True)


def pence(cell: str) -> int:
    negative = cell.startswith("-")
    whole, part = cell.lstrip("-").split(".")
    return (-1 if negative else 1) * (int(whole) * 100 + int(part))


async def total(page, figure: str) -> str:
    cell = page.locator(f'tr[data-stream="total"] td[data-figure="{figure}"]')
    return (await cell.inner_text()).strip()


async def test_officer_allocates_and_the_person_sees_the_jar_forecast_and_statement(
    browser, page, site, db
):
    tenant = await make_tenant("jarford", "Jarford Council")
    officer = await make_member(
        tenant, ["council_officer"], name="Olu Officer", email="olu@jarford.example"
    )
    dora = await make_member(tenant, ["person"], name="Dora Wilkins", email="dora@jarford.example")

    # The officer allocates: a 4-weekly direct payment and one-off NHS money for therapy.
    await sign_in_as(page, site, tenant.slug, officer.user.email)
    await page.goto(site(tenant.slug, f"/people/{dora.id}"))
    await assert_accessible(page)
    await page.get_by_role("link", name="Allocate a budget").click()
    assert await page.get_by_role("heading", level=1).inner_text() == "Allocate a budget"
    await assert_accessible(page)
    await page.get_by_role("button", name="Allocate budget").click()  # nothing filled in
    assert await page.get_by_role("alert").is_visible()
    assert await page.get_by_text("Add at least one funding stream").first.is_visible()
    await assert_accessible(page)

    first = page.get_by_role("group", name="Funding 1", exact=True)
    await first.get_by_label("Funding type").select_option(label="Direct payment")
    await first.get_by_label("Amount paid each time").fill("1,000")
    await first.get_by_label("Every 4 weeks").check()
    await first.get_by_label("may add their own money").check()
    second = page.get_by_role("group", name="Funding 2", exact=True)
    await second.get_by_label("Funding type").select_option(label="NHS continuing healthcare")
    await second.get_by_label("Amount paid each time").fill("450.50")
    await second.get_by_label("Once only").check()
    await second.get_by_label("Therapy").check()
    await page.get_by_role("button", name="Allocate budget").click()
    await page.wait_for_load_state()
    assert await page.get_by_text("The budget has been allocated.").is_visible()
    assert await page.get_by_role("heading", level=1).inner_text() == "Dora Wilkins's budget"
    assert await page.get_by_role("heading", name="Change this budget").is_visible()
    await assert_accessible(page)

    budget = await Budget.get(person_id=dora.id)
    figures = (await budget_figures(budget)).total
    outlook = await forecast(budget, uk_today())
    available = pounds(figures.available_pence)

    # The person signs in and finds the budget from their account.
    other = await browser.new_context(viewport={"width": 375, "height": 740})
    try:
        phone = await other.new_page()
        await sign_in_as(phone, site, tenant.slug, dora.user.email)
        headline = f"You have {available} left to spend until {long_date(budget.period_end)}"
        assert await phone.get_by_text(headline).first.is_visible()
        await assert_accessible(phone)
        await phone.get_by_role("link", name="See your budget").click()
        await phone.wait_for_load_state()
        assert await phone.get_by_role("heading", level=1).inner_text() == "Your budget"
        await assert_accessible(phone)

        # The picture: a jar filled in proportion, named with the amount in words and figures.
        jar = phone.get_by_role(
            "img",
            name=f"Money left to spend: {available} ({in_words(figures.available_pence)})",
        )
        assert await jar.is_visible()
        fraction = figures.fraction_left
        assert float(await jar.get_attribute("data-fraction")) == pytest.approx(fraction, abs=1e-4)
        height = float(await jar.locator("rect.cp-jar__money").get_attribute("height"))
        assert height == pytest.approx(INSIDE * fraction, abs=0.1)
        box = await jar.bounding_box()
        assert box["width"] >= 200  # large and clear on a phone
        assert await phone.locator("#headline").inner_text() == headline

        # The amounts and the forecast.
        assert await total(phone, "received") == pounds(figures.received_pence)
        assert await total(phone, "available") == available
        sentence = (
            f"You are on track to have {pounds(outlook.underspend_pence)} left on "
            f"{long_date(budget.period_end)}."
        )
        assert outlook.runs_out_on is None
        assert (await phone.locator("#forecast-sentence").inner_text()).strip() == sentence

        # Planned spending the money cannot cover turns the forecast into a warning.
        await phone.get_by_role("button", name="Add regular spending").click()
        assert await phone.get_by_role("alert").is_visible()
        await assert_accessible(phone)
        await phone.get_by_label("What is it for?").fill("Care at home every day")
        await phone.get_by_label("How much each time?").fill("1,000")
        await phone.get_by_role("group", name="How often?").get_by_label("Every week").check()
        await phone.get_by_role("button", name="Add regular spending").click()
        await phone.wait_for_load_state()
        assert await phone.get_by_text("The planned spending has been added.").is_visible()
        warning = await phone.locator("#forecast-sentence").inner_text()
        planned = await forecast(budget, uk_today())
        assert planned.runs_out_on is not None
        assert f"At this rate the money runs out on {long_date(planned.runs_out_on)}." in warning
        await assert_accessible(phone)

        # The CSV statement downloads, and its figures match the page's.
        page_received = await total(phone, "received")
        page_available = await total(phone, "available")
        async with phone.expect_download() as waiting:
            await phone.get_by_role(
                "link", name="Download the statement as a spreadsheet (CSV)"
            ).click()
        download = await waiting.value
        assert download.suggested_filename.endswith(".csv")
        text = Path(await download.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows and {row["What happened"] for row in rows} == {"Money received"}
        assert pounds(sum(pence(r["Money in (£)"]) for r in rows)) == page_received
        assert pounds(sum(pence(r["Change to money available (£)"]) for r in rows)) == (
            page_available
        )

        # The statement pages.
        await phone.get_by_role("link", name="See every payment in and out").click()
        await phone.wait_for_load_state()
        assert await phone.get_by_role("heading", level=1).inner_text() == "Your statement"
        assert await phone.locator("tr[data-entry]").count() == len(rows)
        await assert_accessible(phone)
        await phone.get_by_role("link", name="Print this statement").click()
        await phone.wait_for_load_state()
        assert re.match(r"Budget statement for Dora Wilkins", await phone.title())
        await assert_accessible(phone)
        await phone.emulate_media(media="print")
        assert not await phone.locator("header.cp-header").is_visible()
        assert not await phone.locator("footer.cp-footer").is_visible()
        assert await phone.locator("table.cp-statement-table").is_visible()
    finally:
        await other.close()
