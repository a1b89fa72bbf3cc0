"""Exception monitoring flags forecast overspends and underspends for councils that chose it,
tells them once, resolves what no longer applies, and stays silent for councils that did not."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from core.budgets.commitments import plan_spending, stop_planned_spending
from core.budgets.models import BudgetException, ExceptionKind, RecurringCommitment, Schedule
from core.clock import uk_today
from core.email.models import EmailMessage
from core.jobs.models import JobRun, JobStatus
from core.monitoring.jobs import schedule_monitoring_runs
from core.monitoring.services import evaluate_exceptions
from tests.functional.monitoring.conftest import NOTIFY, budget_with_plan, council
from tests.support.budgets import officer_actor
from tests.support.jobs import run_queued_jobs


async def test_exception_council_is_alerted_to_a_forecast_overspend_and_a_none_council_is_not(
    app, registry
):
    watched = await council("exception", registry)
    unwatched = await council(None, registry)
    flagged = await budget_with_plan(watched)
    await budget_with_plan(unwatched)
    runtime, today = app.state.runtime, uk_today()

    summary = await evaluate_exceptions(runtime, watched.id, today)
    silent = await evaluate_exceptions(runtime, unwatched.id, today)

    exception = await BudgetException.get(tenant_id=watched.id)
    assert exception.budget_id == flagged.id and exception.kind == ExceptionKind.OVERSPEND
    assert exception.detected_on == today and exception.resolved_at is None
    # £1,000 and £100 a week from today: the 11th payment (day 70) is the first it cannot meet.
    assert exception.runs_out_on == today + timedelta(weeks=10)
    assert exception.amount_pence > 0 and "run out on" in exception.detail
    assert summary["raised"] == {"overspend": 1, "underspend": 0}
    assert summary["emails_queued"] == 2

    emails = await EmailMessage.filter(tenant_id=watched.id).order_by("to_address")
    assert sorted(e.to_address for e in emails) == sorted(NOTIFY)
    assert all(e.purpose == "budget-monitoring" for e in emails)
    body = emails[0].body_text
    assert f"/budgets/{flagged.id}" in body and "/council/monitoring" in body
    assert "Olive Overspender" not in body  # names stay behind the sign-in
    assert emails[0].subject == "Budget monitoring: 1 new exception"

    assert silent == {"level": "none", "budgets_checked": 0}
    assert not await BudgetException.filter(tenant_id=unwatched.id).exists()
    assert not await EmailMessage.filter(tenant_id=unwatched.id).exists()


async def test_underspend_is_flagged_only_beyond_the_councils_threshold(app, registry):
    strict = await council("exception", registry, underspend_percent=20)
    at_the_line = await council("exception", registry, underspend_percent=90)
    for tenant in (strict, at_the_line):
        # £1,000 with £100 of planned spending leaves £900: exactly 90% of the period's money.
        budget = await budget_with_plan(tenant, weekly_pence=None, name="Una Underspender")
        await plan_spending(
            await officer_actor(tenant), budget, "Equipment", 10_000, Schedule.ONE_OFF, uk_today()
        )
    today = uk_today()
    await evaluate_exceptions(app.state.runtime, strict.id, today)
    await evaluate_exceptions(app.state.runtime, at_the_line.id, today)

    exception = await BudgetException.get(tenant_id=strict.id)
    assert (exception.kind, exception.amount_pence) == (ExceptionKind.UNDERSPEND, 90_000)
    assert exception.runs_out_on is None
    assert exception.detail == (
        "Forecast to have £900.00 left at the end of the period (90% of £1,000.00)"
    )
    assert not await BudgetException.filter(tenant_id=at_the_line.id).exists()


async def test_an_overspend_further_off_than_the_notice_days_is_not_flagged_yet(app, registry):
    later = await council("exception", registry, overspend_notice_days=60)
    soon = await council("exception", registry, overspend_notice_days=70)
    for tenant in (later, soon):
        await budget_with_plan(tenant)  # runs out in ten weeks: 70 days
        await evaluate_exceptions(app.state.runtime, tenant.id, uk_today())
    assert not await BudgetException.filter(tenant_id=later.id).exists()
    assert await BudgetException.filter(tenant_id=soon.id, kind="overspend").count() == 1


async def test_an_open_exception_is_not_raised_or_emailed_again_and_is_resolved_when_it_goes(
    app, registry
):
    tenant = await council("exception", registry, underspend_percent=100)
    budget = await budget_with_plan(tenant)
    runtime, today = app.state.runtime, uk_today()
    await evaluate_exceptions(runtime, tenant.id, today)
    emails = await EmailMessage.filter(tenant_id=tenant.id).count()

    again = await evaluate_exceptions(runtime, tenant.id, today + timedelta(days=1))
    assert again["raised"] == {"overspend": 0, "underspend": 0} and again["open"] == 1
    assert again["emails_queued"] == 0
    assert await BudgetException.filter(tenant_id=tenant.id).count() == 1
    assert await EmailMessage.filter(tenant_id=tenant.id).count() == emails

    plan = await RecurringCommitment.get(budget_id=budget.id)
    await stop_planned_spending(await officer_actor(tenant), budget, plan.id)
    gone = await evaluate_exceptions(runtime, tenant.id, today + timedelta(days=2))
    assert gone["resolved"] == 1 and gone["open"] == 0
    exception = await BudgetException.get(tenant_id=tenant.id)
    assert exception.resolved_at is not None
    assert await EmailMessage.filter(tenant_id=tenant.id).count() == emails  # nothing new

    # The same problem coming back later is a new exception, and news again.
    await plan_spending(
        await officer_actor(tenant), budget, "Home care", 10_000, Schedule.WEEKLY, today
    )
    back = await evaluate_exceptions(runtime, tenant.id, today + timedelta(days=3))
    assert back["raised"]["overspend"] == 1
    assert await BudgetException.filter(tenant_id=tenant.id, resolved_at__isnull=True).count() == 1
    assert await BudgetException.filter(tenant_id=tenant.id).count() == 2
    assert await EmailMessage.filter(tenant_id=tenant.id).count() == emails + len(NOTIFY)


async def test_evaluating_twice_on_one_day_changes_nothing_the_second_time(app, registry):
    tenant = await council("exception", registry)
    await budget_with_plan(tenant)
    runtime, today = app.state.runtime, uk_today()
    first = await evaluate_exceptions(runtime, tenant.id, today)
    second = await evaluate_exceptions(runtime, tenant.id, today)
    assert first["raised"]["overspend"] == 1
    assert second["raised"] == {"overspend": 0, "underspend": 0} and second["open"] == 1
    assert await BudgetException.filter(tenant_id=tenant.id).count() == 1
    assert await EmailMessage.filter(tenant_id=tenant.id).count() == len(NOTIFY)


async def test_the_daily_job_runs_through_the_outbox_once_per_council_and_day(app, registry):
    watched = await council("exception", registry)
    quiet = await council(None, registry)
    await budget_with_plan(watched)
    today = uk_today()
    assert await schedule_monitoring_runs(today) == 2
    assert await schedule_monitoring_runs(today) == 0
    await run_queued_jobs(app)

    run = await JobRun.get(tenant_id=watched.id, job_name="budget-monitoring")
    assert run.status == JobStatus.SUCCEEDED and run.period_key == today.isoformat()
    assert run.summary["raised"] == {"overspend": 1, "underspend": 0}
    quiet_run = await JobRun.get(tenant_id=quiet.id, job_name="budget-monitoring")
    assert quiet_run.summary == {"level": "none", "budgets_checked": 0}
    # The emails were queued with the exceptions; the next relay delivers them.
    assert await EmailMessage.filter(tenant_id=watched.id, status="queued").count() == len(NOTIFY)
    await run_queued_jobs(app)
    assert await EmailMessage.filter(tenant_id=watched.id, status="kept").count() == len(NOTIFY)
    assert await BudgetException.filter(tenant_id=watched.id).count() == 1


async def test_a_failing_plugin_does_not_stop_the_councils_monitoring(app, registry, caplog):
    tenant = await council("exception", registry)
    from tenants import services

    tenant = await services.configure_plugins(tenant, registry, enable=["exploder"], settings={})
    await budget_with_plan(tenant)
    with caplog.at_level(logging.ERROR):
        summary = await evaluate_exceptions(app.state.runtime, tenant.id, uk_today())
    assert summary["raised"]["overspend"] == 1
    assert "plugin exploder raised in carepurse_monitoring_policy" in caplog.text


async def test_ended_budgets_lose_their_exceptions(app, registry):
    from core.budgets import adjustments

    tenant = await council("exception", registry)
    budget = await budget_with_plan(tenant)
    runtime, today = app.state.runtime, uk_today()
    await evaluate_exceptions(runtime, tenant.id, today)
    await adjustments.end_early(await officer_actor(tenant), budget, today, "Moved away")
    summary = await evaluate_exceptions(runtime, tenant.id, today + timedelta(days=1))
    assert summary["resolved"] == 1 and summary["budgets_checked"] == 0
    assert not await BudgetException.filter(resolved_at__isnull=True).exists()


pytestmark = pytest.mark.usefixtures("db")
