"""Scheduled funding arrives once; adjustments are new entries; the ledger stays verifiable."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.budgets import adjustments
from core.budgets.allocation import StreamSpec
from core.budgets.figures import budget_figures
from core.budgets.forecast import forecast
from core.budgets.funding import credit_due_instalments
from core.budgets.jobs import schedule_funding_runs
from core.budgets.models import BudgetStatus, RecurringCommitment, Schedule
from core.clock import uk_today
from core.errors import InvalidInput
from core.jobs.models import JobRun
from core.ledger.errors import FundingRestricted, NotEnoughMoney
from core.ledger.models import JournalEntry
from core.ledger.verify import verify_ledger
from tests.factories import make_tenant
from tests.support.budgets import funded_budget, officer_actor, one_off
from tests.support.cli import carepurse
from tests.support.jobs import run_queued_jobs

pytestmark = pytest.mark.usefixtures("db")


def four_weekly(pence: int, first: date) -> StreamSpec:
    return StreamSpec(
        funding_type="direct-payment",
        instalment_pence=pence,
        schedule=Schedule.FOUR_WEEKLY,
        first_payment_on=first,
    )


async def test_instalments_due_so_far_arrive_at_allocation_and_the_rest_on_schedule():
    tenant = await make_tenant()
    today = uk_today()
    start = today - timedelta(days=30)
    budget = await funded_budget(
        tenant, four_weekly(40_000, start), period=(start, start + timedelta(days=364))
    )
    assert (await budget_figures(budget)).total.received_pence == 2 * 40_000  # day 0 and 28

    later = today + timedelta(days=30)
    assert await credit_due_instalments(tenant.id, later) == 1
    assert await credit_due_instalments(tenant.id, later) == 0  # a repeated run adds nothing
    assert (await budget_figures(budget)).total.received_pence == 3 * 40_000
    assert await JournalEntry.filter(kind="funding").count() == 3
    assert await verify_ledger(tenant.id) == []


async def test_the_daily_funding_job_runs_through_the_outbox_once_per_day(app):
    tenant = await make_tenant()
    tomorrow = uk_today() + timedelta(days=1)
    budget = await funded_budget(
        tenant, four_weekly(10_000, tomorrow), period=(uk_today(), uk_today() + timedelta(days=60))
    )
    assert (await budget_figures(budget)).total.received_pence == 0

    assert await schedule_funding_runs(tomorrow) == 1
    assert await schedule_funding_runs(tomorrow) == 0  # queued once per council and day
    await run_queued_jobs(app)

    run = await JobRun.get(tenant_id=tenant.id, job_name="credit-funding")
    assert run.status == "succeeded"
    assert run.summary == {"instalments_credited": 1, "budgets_ended": 0}
    assert (await budget_figures(budget)).total.received_pence == 10_000


async def test_increase_reduce_and_end_early_are_recorded_with_reasons():
    tenant = await make_tenant()
    officer = await officer_actor(tenant)
    budget = await funded_budget(tenant, one_off(50_000))
    stream = await budget.streams.all().first()

    await adjustments.increase(officer, budget, stream, 10_000, "Review: more hours")
    await adjustments.reduce(officer, budget, stream, 20_000, "Hospital stay")
    with pytest.raises(NotEnoughMoney, match=r"Only £400\.00 of"):
        await adjustments.reduce(officer, budget, stream, 50_000, "Too much")
    with pytest.raises(InvalidInput):
        await adjustments.reduce(officer, budget, stream, 1_000, "  ")
    figures = (await budget_figures(budget)).total
    assert figures.received_pence == figures.available_pence == 40_000
    kinds = [e.kind for e in await JournalEntry.filter(budget_id=budget.id).order_by("id")]
    assert kinds == ["funding", "increase", "reduction"]
    assert await verify_ledger(tenant.id) == []


async def test_ending_early_cancels_later_instalments():
    tenant = await make_tenant()
    officer = await officer_actor(tenant)
    today = uk_today()
    budget = await funded_budget(
        tenant, four_weekly(10_000, today), period=(today, today + timedelta(days=200))
    )
    cancelled = await adjustments.end_early(officer, budget, today, "Moved away")
    assert cancelled == 7
    assert budget.status == BudgetStatus.ENDED
    assert await credit_due_instalments(tenant.id, today + timedelta(days=200)) == 0


async def test_top_ups_only_where_allowed():
    from core.identity.actor import Actor

    tenant = await make_tenant()
    budget = await funded_budget(
        tenant, one_off(1_000), one_off(0 + 500, "personal-contribution", top_ups_allowed=True)
    )
    person = budget.person
    await person.fetch_related("user")
    me = Actor(tenant=tenant, user=person.user, membership=person)
    council, own = await budget.streams.all().order_by("position")
    with pytest.raises(FundingRestricted, match="does not take top-ups"):
        await adjustments.top_up(me, budget, council, 1_000, "gift")
    await adjustments.top_up(me, budget, own, 2_500, "from my savings")
    assert (await budget_figures(budget)).total.received_pence == 4_000


async def test_forecast_finds_the_day_money_runs_out_and_the_underspend():
    tenant = await make_tenant()
    today = uk_today()
    budget = await funded_budget(
        tenant, one_off(10_000), period=(today, today + timedelta(days=90))
    )
    quiet = await forecast(budget, today)
    assert quiet.runs_out_on is None and quiet.underspend_pence == 10_000

    await RecurringCommitment.create(
        tenant_id=tenant.id,
        budget=budget,
        description="Care",
        amount_pence=3_000,
        schedule=Schedule.WEEKLY,
        starts_on=today,
    )
    busy = await forecast(budget, today)
    assert busy.runs_out_on == today + timedelta(weeks=3)  # 4th payment of £30 overruns £100
    assert busy.will_overspend and busy.underspend_pence == 0
    assert busy.planned_spending_pence == 3_000 * 13


async def test_ledger_verify_catches_a_balance_changed_behind_the_applications_back(settings):
    from tortoise import connections

    tenant = await make_tenant()
    await funded_budget(tenant, one_off(10_000))
    ok = await carepurse(settings, "ledger", "verify")
    assert ok.exit_code == 0 and "ledger balanced" in ok.output
    await connections.get("default").execute_query(
        "UPDATE ledger_account SET balance_pence = balance_pence + 1 WHERE kind = 'available'"
    )
    broken = await carepurse(settings, "ledger", "verify")
    assert broken.exit_code == 1
    assert "cached balance differs from the sum of its lines" in broken.output
