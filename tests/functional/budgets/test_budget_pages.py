"""Budget pages: allocating through the form, the money jar and figures for everyone who may
see them, forecasts, changes with reasons, top-ups, and statements (page, CSV, printable)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html import unescape

import pytest

from core.budgets.figures import budget_figures
from core.budgets.forecast import forecast
from core.budgets.funding_types import define_funding_type
from core.budgets.models import Budget, BudgetStatus, FundingInstalment, FundingStream, Schedule
from core.budgets.overview import long_date
from core.budgets.schedule import uk_financial_year
from core.clock import uk_today
from core.identity.models import AccessKind, AccessLevel, PersonAccess
from core.ledger.holds import place_hold, post_hold, void_hold
from core.ledger.models import JournalEntry
from core.ledger.money import pounds
from core.ledger.verify import verify_ledger
from core.web.assets import BUILD_DIR
from tests.factories import make_tenant
from tests.support.budgets import funded_budget, one_off
from tests.support.members import SAME_ORIGIN, make_member, sign_in

TODAY = uk_today()
FY_START, FY_END = uk_financial_year(TODAY)


async def client_as(client_for, tenant, member):
    client = client_for(tenant)
    response = await sign_in(client, member.user.email)
    assert response.status_code == 303, response.text
    return client


def date_fields(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def text_of(html: str) -> str:
    """The page's words with tags removed and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def error_for(html: str, field: str) -> str:
    found = re.search(rf'id="{re.escape(field)}-error"[^>]*>(.*?)</p>', html, re.S)
    assert found, f"no error shown for {field}"
    return text_of(found.group(1)).removeprefix("Error: ")


def figure(html: str, stream: str, name: str) -> str:
    row = re.search(rf'<tr[^>]*data-stream="{stream}".*?</tr>', html, re.S).group(0)
    return text_of(re.search(rf'data-figure="{name}"[^>]*>(.*?)</td>', row, re.S).group(1))


def one_h1(html: str) -> None:
    assert html.count("<h1") == 1


async def post(client, url, data=None, **extra):
    return await client.post(url, data=data or {}, headers=SAME_ORIGIN, **extra)


@pytest.fixture
async def council(app):
    tenant = await make_tenant("budgetham", "Budgetham Council")
    officer = await make_member(tenant, ["council_officer"], name="Olu Officer")
    dora = await make_member(tenant, ["person"], name="Dora Wilkins")
    return tenant, officer, dora


# -- Allocating -----------------------------------------------------------------------------


async def test_officer_allocates_a_two_stream_budget_with_restrictions(council, client_for):
    tenant, officer, dora = council
    client = await client_as(client_for, tenant, officer)
    form = await client.get(f"/people/{dora.id}/budgets/new")
    assert form.status_code == 200
    one_h1(form.text)
    assert f'name="period_start-year" type="text" inputmode="numeric" value="{FY_START.year}"' in (
        form.text
    )
    assert "Funding 4" in form.text and "Funding 5" not in form.text
    assert "NHS continuing healthcare" in form.text and "Personal care at home" in form.text

    first_payment = FY_START + timedelta(days=14)
    data = {
        **date_fields("period_start", FY_START),
        **date_fields("period_end", FY_END),
        "streams-0-funding_type": "direct-payment",
        "streams-0-amount": "£1,200.50",
        "streams-0-schedule": "four_weekly",
        "streams-0-top_ups": "yes",
        # Funding 2 is left empty and ignored.
        "streams-2-funding_type": "nhs-chc",
        "streams-2-amount": "300",
        "streams-2-schedule": "one_off",
        **date_fields("streams-2-first_payment_on", first_payment),
        "streams-2-categories": ["therapy", "personal-care"],
    }
    done = await post(client, f"/people/{dora.id}/budgets/new", data)
    assert done.status_code == 303, done.text
    budget = await Budget.get(person_id=dora.id)
    assert done.headers["location"] == f"/budgets/{budget.id}?done=allocated"
    assert (budget.period_start, budget.period_end) == (FY_START, FY_END)
    direct, nhs = await FundingStream.filter(budget_id=budget.id).order_by("position")
    assert (direct.funding_type, direct.instalment_pence, direct.schedule) == (
        "direct-payment",
        120_050,
        Schedule.FOUR_WEEKLY,
    )
    assert direct.top_ups_allowed and direct.allowed_categories is None
    assert (nhs.funding_type, nhs.instalment_pence, nhs.first_payment_on) == (
        "nhs-chc",
        30_000,
        first_payment,
    )
    assert nhs.allowed_categories == ["personal-care", "therapy"]
    assert not nhs.top_ups_allowed

    page = await client.get(done.headers["location"])
    assert "The budget has been allocated." in page.text
    assert "Dora Wilkins's budget" in text_of(page.text)


async def test_nhs_funding_keeps_its_usual_rule_when_no_kind_of_service_is_ticked(
    council, client_for
):
    tenant, officer, dora = council
    client = await client_as(client_for, tenant, officer)
    data = {"streams-0-funding_type": "nhs-chc", "streams-0-amount": "100"}
    data["streams-0-schedule"] = "monthly"
    assert (await post(client, f"/people/{dora.id}/budgets/new", data)).status_code == 303
    stream = await FundingStream.get(budget__person_id=dora.id)
    assert "leisure" not in stream.allowed_categories and "therapy" in stream.allowed_categories


async def test_allocation_errors_are_shown_next_to_the_right_fieldset(council, client_for):
    tenant, officer, dora = council
    client = await client_as(client_for, tenant, officer)
    url = f"/people/{dora.id}/budgets/new"

    empty = await post(client, url, {})
    assert empty.status_code == 400
    assert "Add at least one funding stream" in error_for(empty.text, "streams-0-funding_type")
    assert '<details class="govuk-details cp-more-funding">' in empty.text  # 3 and 4 folded

    bad = await post(
        client,
        url,
        {
            "streams-1-funding_type": "council-care",
            "streams-1-amount": "twelve pounds",
            "streams-2-amount": "50",
            "streams-2-schedule": "weekly",
            "streams-3-funding_type": "ilf",
            "streams-3-amount": "10",
            "streams-3-schedule": "monthly",
            "streams-3-first_payment_on-day": "31",
            "streams-3-first_payment_on-month": "2",
            "streams-3-first_payment_on-year": "2027",
        },
    )
    assert bad.status_code == 400
    one_h1(bad.text)
    html = bad.text
    assert "in pounds, like 250" in error_for(html, "streams-1-amount")
    assert error_for(html, "streams-1-schedule") == "Funding 2: Choose how often the money is paid"
    assert error_for(html, "streams-2-funding_type") == "Funding 3: Choose a funding type"
    assert "must be a real date" in error_for(html, "streams-3-first_payment_on")
    for field in (
        "streams-1-amount",
        "streams-1-schedule",
        "streams-2-funding_type",
        "streams-3-first_payment_on",
    ):
        assert f'href="#{field}"' in html  # in the error summary
    assert 'value="twelve pounds"' in html  # what was typed is kept
    assert '<details class="govuk-details cp-more-funding" open>' in html
    assert await Budget.all().count() == 0


async def test_service_refusals_land_on_the_row_they_are_about(council, client_for):
    tenant, officer, dora = council
    client = await client_as(client_for, tenant, officer)
    # Rows 2 and 4 are filled; the service numbers them 0 and 1.
    response = await post(
        client,
        f"/people/{dora.id}/budgets/new",
        {
            "streams-1-funding_type": "council-care",
            "streams-1-amount": "100",
            "streams-1-schedule": "monthly",
            "streams-3-funding_type": "ilf",
            "streams-3-amount": "20000000",
            "streams-3-schedule": "one_off",
        },
    )
    assert response.status_code == 400
    assert error_for(response.text, "streams-3-amount") == (
        "Funding 4: Enter an amount above £0 and up to £10,000,000"
    )
    assert 'href="#streams-3-amount"' in response.text
    assert await Budget.all().count() == 0

    period = await post(
        client,
        f"/people/{dora.id}/budgets/new",
        {
            **date_fields("period_start", date(2027, 4, 1)),
            **date_fields("period_end", date(2027, 3, 1)),
            "streams-0-funding_type": "ilf",
            "streams-0-amount": "10",
            "streams-0-schedule": "one_off",
        },
    )
    assert period.status_code == 400
    assert error_for(period.text, "period_end") == "The end date must be after the start date"


async def test_only_council_officers_may_allocate(council, client_for):
    tenant, _, dora = council
    broker = await make_member(tenant, ["broker"])
    await PersonAccess.create(
        tenant=tenant, person=dora, grantee=broker, kind=AccessKind.BROKER, access="manage"
    )
    for member in (dora, broker):
        client = await client_as(client_for, tenant, member)
        assert (await client.get(f"/people/{dora.id}/budgets/new")).status_code == 403
        refused = await post(client, f"/people/{dora.id}/budgets/new", {})
        assert refused.status_code == 403
    stranger = await make_member(tenant, ["person"])
    client = await client_as(client_for, tenant, stranger)
    assert (await client.get(f"/people/{dora.id}/budgets/new")).status_code == 404
    assert await Budget.all().count() == 0


# -- The budget page ------------------------------------------------------------------------


async def test_everyone_who_may_see_the_budget_sees_the_jar_figures_and_headline(
    council, client_for
):
    tenant, officer, dora = council
    family = await make_member(tenant, [], name="Nina Wilkins")
    broker = await make_member(tenant, ["broker"], name="Bob Broker")
    await PersonAccess.create(
        tenant=tenant, person=dora, grantee=family, kind=AccessKind.CIRCLE, access="review"
    )
    await PersonAccess.create(
        tenant=tenant, person=dora, grantee=broker, kind=AccessKind.BROKER, access="manage"
    )
    budget = await funded_budget(tenant, one_off(100_000), one_off(25_000, "nhs-chc"), person=dora)
    hold = await place_hold(budget, 12_345, "leisure", "Swimming lessons", "Bob Broker <b@x.org>")
    await place_hold(budget, 5_000, "leisure", "Cinema trip", "test")
    await post_hold(hold.id, tenant.id, 12_345, "Invoice 7", "test")
    # available: 100,000 - 12,345 - 5,000 = 82,655 + 25,000 NHS = 107,655
    until = long_date(FY_END)

    views = {
        dora: ("Your budget", f"You have £1,076.55 left to spend until {until}"),
        family: ("Dora Wilkins's budget", f"Dora has £1,076.55 left to spend until {until}"),
        broker: ("Dora Wilkins's budget", f"Dora has £1,076.55 left to spend until {until}"),
        officer: ("Dora Wilkins's budget", f"Dora has £1,076.55 left to spend until {until}"),
    }
    for member, (title, headline) in views.items():
        client = await client_as(client_for, tenant, member)
        page = await client.get(f"/budgets/{budget.id}")
        assert page.status_code == 200, member.user.display_name
        html = page.text
        one_h1(html)
        assert f'<h1 class="govuk-heading-xl">{title}</h1>' in unescape(html)
        assert headline in text_of(html)
        # The jar: filled in proportion, named with the amount in words and figures.
        assert 'role="img"' in html and "<style" not in html and "style=" not in html
        assert 'data-fraction="0.8612"' in html  # 107,655 / 125,000
        assert (
            "Money left to spend: £1,076.55 (one thousand and seventy-six pounds "
            "and fifty-five pence)"
        ) in unescape(html)
        assert figure(html, "total", "received") == "£1,250.00"
        assert figure(html, "total", "committed") == "£50.00"
        assert figure(html, "total", "spent") == "£123.45"
        assert figure(html, "total", "available") == "£1,076.55"
        streams = {s.funding_type: s for s in await FundingStream.filter(budget_id=budget.id)}
        assert figure(html, str(streams["nhs-chc"].id), "available") == "£250.00"
        assert "Cinema trip" in html  # pending commitment, with who and what
        assert "Swimming lessons" not in html.split('id="planned"')[0].split("booked services")[1]
        assert ("You are on track" if member is dora else "Dora is on track") in html
        can_plan = member is not family
        assert ("Plan regular spending" in html) is can_plan
        assert ("Change this budget" in html) is (member is officer)


async def test_someone_without_access_gets_not_found_everywhere(council, client_for):
    tenant, _, dora = council
    budget = await funded_budget(tenant, person=dora)
    stream = await FundingStream.get(budget_id=budget.id)
    lapsed = await make_member(tenant, [], name="Lapsed Friend")
    await PersonAccess.create(
        tenant=tenant,
        person=dora,
        grantee=lapsed,
        kind=AccessKind.CIRCLE,
        access=AccessLevel.MANAGE,
        expires_on=TODAY - timedelta(days=1),
    )
    others = [
        await make_member(tenant, ["person"], name="Other Person"),
        await make_member(tenant, ["broker"], name="Unrelated Broker"),
        await make_member(tenant, ["provider_owner"], name="Provider Owner"),
        lapsed,
    ]
    for member in others:
        client = await client_as(client_for, tenant, member)
        for path in ("", "/statement", "/statement.csv", "/statement/print"):
            response = await client.get(f"/budgets/{budget.id}{path}")
            assert response.status_code == 404, (member.user.display_name, path)
            assert "Wilkins" not in response.text
        for path in ("/planned", "/top-up", "/change", "/end"):
            data = {"topup-stream": str(stream.id), "topup-amount": "5"}
            response = await post(client, f"/budgets/{budget.id}{path}", data)
            assert response.status_code == 404, (member.user.display_name, path)
    assert (await client_for(tenant).get(f"/budgets/{budget.id}")).status_code == 303  # sign in
    assert (await budget_figures(budget)).total.received_pence == 100_000


async def test_person_page_and_account_link_to_the_budget(council, client_for):
    tenant, officer, dora = council
    budget = await funded_budget(tenant, one_off(31_240), person=dora)
    headline = f"You have £312.40 left to spend until {long_date(FY_END)}."

    own = await client_as(client_for, tenant, dora)
    account = await own.get("/account")
    assert "Your budget" in account.text and headline in text_of(account.text)
    assert f'href="/budgets/{budget.id}"' in account.text
    person_page = await own.get(f"/people/{dora.id}")
    assert f'href="/budgets/{budget.id}"' in person_page.text
    assert "Allocate a budget" not in person_page.text
    one_h1(person_page.text)

    council_client = await client_as(client_for, tenant, officer)
    person_page = await council_client.get(f"/people/{dora.id}")
    assert f"Dora has £312.40 left to spend until {long_date(FY_END)}." in text_of(person_page.text)
    assert f'href="/people/{dora.id}/budgets/new"' in person_page.text


# -- Changing a budget ----------------------------------------------------------------------


async def test_officer_increases_reduces_and_ends_a_budget_early_with_reasons(council, client_for):
    tenant, officer, dora = council
    budget = await funded_budget(
        tenant,
        one_off(10_000),
        one_off(
            5_000, "ilf", first_payment_on=min(FY_END, TODAY + timedelta(days=30))
        ),  # still to come
        person=dora,
    )
    care, ilf = await FundingStream.filter(budget_id=budget.id).order_by("position")
    client = await client_as(client_for, tenant, officer)
    url = f"/budgets/{budget.id}"

    missing = await post(client, f"{url}/change", {"change-stream": str(care.id)})
    assert missing.status_code == 400
    assert error_for(missing.text, "change-kind").startswith("Choose whether")
    assert error_for(missing.text, "change-amount") == "Enter the amount"
    assert error_for(missing.text, "change-reason") == "Say why, for the record"

    increased = await post(
        client,
        f"{url}/change",
        {
            "change-stream": str(care.id),
            "change-kind": "increase",
            "change-amount": "25.50",
            "change-reason": "Extra support after a fall",
        },
    )
    assert increased.status_code == 303
    assert increased.headers["location"] == f"{url}?done=changed"

    too_much = await post(
        client,
        f"{url}/change",
        {
            "change-stream": str(care.id),
            "change-kind": "reduce",
            "change-amount": "1000",
            "change-reason": "Review",
        },
    )
    assert too_much.status_code == 400
    assert error_for(too_much.text, "change-amount") == (
        "Only £125.50 of Council community care fund is not yet spent or committed, "
        "so it cannot be reduced by £1,000.00."
    )
    reduced = await post(
        client,
        f"{url}/change",
        {
            "change-stream": str(care.id),
            "change-kind": "reduce",
            "change-amount": "20",
            "change-reason": "Review",
        },
    )
    assert reduced.status_code == 303
    figures = (await budget_figures(budget)).total
    assert (figures.received_pence, figures.available_pence) == (10_550, 10_550)
    statement = await client.get(f"{url}/statement")
    assert "Increase to Council community care fund: Extra support after a fall" in (statement.text)
    assert "Budget reduced" in statement.text

    outside = await post(
        client,
        f"{url}/end",
        {**date_fields("end-ends_on", FY_END + timedelta(days=1)), "end-reason": "Moved"},
    )
    assert outside.status_code == 400
    assert error_for(outside.text, "end-ends_on") == (
        "The end date must fall inside the budget period"
    )
    ended = await post(
        client, f"{url}/end", {**date_fields("end-ends_on", TODAY), "end-reason": "Moved away"}
    )
    assert ended.status_code == 303
    await budget.refresh_from_db()
    assert (budget.status, budget.ended_on) == (BudgetStatus.ENDED, TODAY)
    assert await FundingInstalment.filter(stream_id=ilf.id, cancelled_at__isnull=False).count()
    page = await client.get(url)
    assert f"This budget ended on {long_date(TODAY)}. Dora had £105.50 left." in text_of(page.text)
    assert "Change this budget" not in page.text and "Plan regular spending" not in page.text


async def test_people_who_are_not_officers_cannot_change_a_budget(council, client_for):
    tenant, _, dora = council
    budget = await funded_budget(tenant, person=dora)
    stream = await FundingStream.get(budget_id=budget.id)
    client = await client_as(client_for, tenant, dora)
    page = await client.get(f"/budgets/{budget.id}")
    assert "Change this budget" not in page.text and "End this budget early" not in page.text
    data = {
        "change-stream": str(stream.id),
        "change-kind": "increase",
        "change-amount": "1000",
        "change-reason": "I want more",
    }
    assert (await post(client, f"/budgets/{budget.id}/change", data)).status_code == 403
    ending = {**date_fields("end-ends_on", TODAY), "end-reason": "x"}
    assert (await post(client, f"/budgets/{budget.id}/end", ending)).status_code == 403
    assert (await budget_figures(budget)).total.received_pence == 100_000


async def test_top_ups_only_where_the_funding_allows_them(council, client_for):
    tenant, _, dora = council
    budget = await funded_budget(
        tenant,
        one_off(10_000),
        one_off(10_000, "direct-payment", top_ups_allowed=True),
        person=dora,
    )
    council_fund, direct = await FundingStream.filter(budget_id=budget.id).order_by("position")
    client = await client_as(client_for, tenant, dora)
    page = await client.get(f"/budgets/{budget.id}")
    assert "Add your own money" in page.text
    assert f'value="{direct.id}"' in page.text.split('id="top-up"')[1]
    assert f'value="{council_fund.id}"' not in page.text.split('id="top-up"')[1].split("</form>")[0]

    added = await post(
        client,
        f"/budgets/{budget.id}/top-up",
        {"topup-stream": str(direct.id), "topup-amount": "40", "topup-note": "From savings"},
    )
    assert added.status_code == 303
    refused = await post(
        client,
        f"/budgets/{budget.id}/top-up",
        {"topup-stream": str(council_fund.id), "topup-amount": "40"},
    )
    assert refused.status_code == 400
    assert error_for(refused.text, "topup-stream") == (
        "Council community care fund does not take top-ups. Ask the council."
    )
    figures = {row.stream.id: row.figures for row in (await budget_figures(budget)).streams}
    assert figures[direct.id].received_pence == 14_000
    assert figures[council_fund.id].received_pence == 10_000

    # Review-only family may not add money.
    family = await make_member(tenant, [])
    await PersonAccess.create(
        tenant=tenant, person=dora, grantee=family, kind=AccessKind.CIRCLE, access="review"
    )
    family_client = await client_as(client_for, tenant, family)
    data = {"topup-stream": str(direct.id), "topup-amount": "40"}
    assert (await post(family_client, f"/budgets/{budget.id}/top-up", data)).status_code == 403


async def test_top_up_form_is_absent_when_no_funding_takes_top_ups(council, client_for):
    tenant, _, dora = council
    budget = await funded_budget(tenant, person=dora)
    stream = await FundingStream.get(budget_id=budget.id)
    client = await client_as(client_for, tenant, dora)
    assert "Add your own money" not in (await client.get(f"/budgets/{budget.id}")).text
    refused = await post(
        client,
        f"/budgets/{budget.id}/top-up",
        {"topup-stream": str(stream.id), "topup-amount": "1"},
    )
    assert refused.status_code == 400
    assert "does not take top-ups" in refused.text
    assert 'href="#topup-stream"' in refused.text and 'id="topup-stream"' in refused.text


async def test_planned_spending_changes_the_forecast(council, client_for):
    tenant, _, dora = council
    budget = await funded_budget(tenant, one_off(100_000), person=dora)
    client = await client_as(client_for, tenant, dora)
    url = f"/budgets/{budget.id}"
    before = await client.get(url)
    assert f"You are on track to have £1,000.00 left on {long_date(FY_END)}." in before.text

    bad = await post(client, f"{url}/planned", {"plan-amount": "ten"})
    assert bad.status_code == 400
    assert error_for(bad.text, "plan-description") == "Say what the money is for"
    assert "in pounds" in error_for(bad.text, "plan-amount")
    assert error_for(bad.text, "plan-schedule") == "Choose how often it is paid"

    planned = await post(
        client,
        f"{url}/planned",
        {
            "plan-description": "Care at home on Tuesdays",
            "plan-amount": "150",
            "plan-schedule": "weekly",
            **date_fields("plan-starts_on", TODAY),
        },
    )
    assert planned.status_code == 303
    # The page forecasts from the day it is asked (a run may cross midnight after import).
    expected = await forecast(budget, uk_today())
    assert expected.runs_out_on is not None
    page = await client.get(url)
    text = text_of(page.text)
    assert f"At this rate the money runs out on {long_date(expected.runs_out_on)}." in text
    assert "govuk-warning-text" in page.text
    assert f"You would need about {pounds(expected.shortfall_pence)} more" in text
    assert "Care at home on Tuesdays" in text and "Every week, from" in text

    plan = (await budget.commitments.all())[0]
    stopped = await post(client, f"{url}/planned/{plan.id}/stop")
    assert stopped.status_code == 303
    after = await client.get(url)
    assert f"You are on track to have £1,000.00 left on {long_date(FY_END)}." in after.text
    assert (await post(client, f"{url}/planned/{plan.id}/stop")).status_code == 404


# -- Statements -----------------------------------------------------------------------------


async def test_statement_pages_go_back_in_time_without_gaps(council, client_for):
    tenant, _, dora = council
    budget = await funded_budget(tenant, one_off(100_000), person=dora)
    for number in range(30):
        await place_hold(budget, 100 + number, "transport", f"Taxi {number}", "test")
    entries = [e.id for e in await JournalEntry.filter(budget_id=budget.id).order_by("-id")]
    assert len(entries) == 31
    client = await client_as(client_for, tenant, dora)

    first = await client.get(f"/budgets/{budget.id}/statement")
    one_h1(first.text)
    shown = [int(i) for i in re.findall(r'data-entry="(\d+)"', first.text)]
    assert shown == entries[:25]
    older = re.search(r'href="([^"]+before=\d+)"', first.text).group(1)
    second = await client.get(unescape(older))
    shown_next = [int(i) for i in re.findall(r'data-entry="(\d+)"', second.text)]
    assert shown_next == entries[25:]
    assert "before=" not in second.text.split("Newest payments")[-1]  # no further page
    assert "Taxi 29" in first.text and "Money received" in second.text
    assert (await client.get(f"/budgets/{budget.id}/statement?before=nonsense")).status_code == 200


async def test_csv_statement_adds_up_to_the_figures(council, client_for):
    tenant, officer, dora = council
    await define_funding_type(tenant.id, "odd", "=SUM(A1:A9)", None)
    budget = await funded_budget(
        tenant,
        one_off(50_000),
        one_off(20_000, "direct-payment", top_ups_allowed=True),
        one_off(1, "odd"),
        person=dora,
    )
    care, direct, _ = await FundingStream.filter(budget_id=budget.id).order_by("position")
    paid = await place_hold(budget, 12_000, "personal-care", "Home care week 1", "test")
    await post_hold(paid.id, tenant.id, 11_000, "Invoice 1", "test")
    cancelled = await place_hold(budget, 3_000, "leisure", "Theatre", "test")
    await void_hold(cancelled.id, tenant.id, "show cancelled", "test")
    await place_hold(budget, 2_500, "leisure", '=HYPERLINK("http://evil.example")', "test")
    officer_client = await client_as(client_for, tenant, officer)
    for kind, amount in (("increase", "10"), ("reduce", "5.25")):
        response = await post(
            officer_client,
            f"/budgets/{budget.id}/change",
            {
                "change-stream": str(care.id),
                "change-kind": kind,
                "change-amount": amount,
                "change-reason": "Review",
            },
        )
        assert response.status_code == 303
    client = await client_as(client_for, tenant, dora)
    topped = await post(
        client,
        f"/budgets/{budget.id}/top-up",
        {"topup-stream": str(direct.id), "topup-amount": "12.34"},
    )
    assert topped.status_code == 303

    response = await client.get(f"/budgets/{budget.id}/statement.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert "no-store" in response.headers["cache-control"]
    assert response.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert len(rows) == await JournalEntry.filter(budget_id=budget.id).count()

    def column(name: str) -> int:
        total = 0
        for row in rows:
            whole, part = row[name].lstrip("-").split(".")
            total += (-1 if row[name].startswith("-") else 1) * (int(whole) * 100 + int(part))
        return total

    figures = (await budget_figures(budget)).total
    assert column("Money in (£)") == figures.received_pence
    assert column("Committed (£)") == figures.held_pence
    assert column("Spent (£)") == figures.spent_pence
    assert column("Change to money available (£)") == figures.available_pence
    assert figures.available_pence == 50_000 + 20_000 + 1 - 11_000 - 2_500 + 1_000 - 525 + 1_234
    # Formula injection is neutralised; amounts stay plain numbers.
    injected = next(row for row in rows if row["Funding stream"].endswith("(A1:A9)"))
    assert injected["Funding stream"] == "'=SUM(A1:A9)"
    assert injected["Details"] == "'=SUM(A1:A9) payment"
    assert injected["Money in (£)"] == "0.01"
    hyperlink = next(row for row in rows if "HYPERLINK" in row["Details"])
    assert hyperlink["Change to money available (£)"] == "-25.00"
    assert {row["Funding stream"] for row in rows} == {care.name, direct.name, "'=SUM(A1:A9)"}
    assert await verify_ledger(tenant.id) == []

    # The page's figures and the CSV's agree.
    page = await client.get(f"/budgets/{budget.id}")
    assert figure(page.text, "total", "available") == pounds(
        column("Change to money available (£)")
    )
    assert figure(page.text, "total", "received") == pounds(column("Money in (£)"))


async def test_printable_statement(council, client_for):
    tenant, _, dora = council
    budget = await funded_budget(tenant, one_off(10_000), person=dora)
    for number in range(60):
        await place_hold(budget, 10, "transport", f"Bus fare {number}", "test")
    client = await client_as(client_for, tenant, dora)
    page = await client.get(f"/budgets/{budget.id}")
    assert f'href="/budgets/{budget.id}/statement/print">Print this statement' in page.text

    printable = await client.get(f"/budgets/{budget.id}/statement/print")
    assert printable.status_code == 200
    one_h1(printable.text)
    assert "Budget statement for Dora Wilkins" in printable.text
    assert len(re.findall(r'data-entry="\d+"', printable.text)) == 61  # all, not one page
    assert "Bus fare 0" in printable.text and "Bus fare 59" in printable.text
    assert "<script>" not in printable.text and "onclick" not in printable.text
    assert "save it as a PDF" in printable.text
    css = (BUILD_DIR / "carepurse.css").read_text()
    assert re.search(r"@media print\{\.cp-header,\.cp-footer,[^{]*nav\{display:none", css)


async def test_downloading_a_statement_is_recorded_as_a_data_export(council, client_for):
    from core.audit.models import AuditEvent

    tenant, _, dora = council
    budget = await funded_budget(tenant, one_off(1_000), person=dora)
    client = await client_as(client_for, tenant, dora)
    assert (await client.get(f"/budgets/{budget.id}/statement.csv")).status_code == 200
    event = await AuditEvent.get(tenant_id=tenant.id, action="data_exported")
    assert event.target_id == str(budget.id)
    assert event.details == {"export": "budget statement CSV"}
