"""Which forecasts are exceptions under a council's thresholds; when the daily run is queued."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from core.budgets.forecast import Forecast
from core.budgets.models import ExceptionKind
from core.monitoring.policy import MonitoringPolicy
from core.monitoring.services import findings_for
from core.settings import UK_TIMEZONE, Settings
from workers import scheduler as scheduling

TODAY = date(2026, 11, 23)


def outlook(end_balance: int, runs_out_on: date | None = None, shortfall: int = 0) -> Forecast:
    return Forecast(
        today=TODAY,
        period_end=date(2027, 3, 31),
        available_now_pence=50_000,
        still_to_arrive_pence=50_000,
        planned_spending_pence=100_000 - end_balance,
        end_balance_pence=end_balance,
        runs_out_on=runs_out_on,
        shortfall_pence=shortfall,
    )


def policy(**values) -> MonitoringPolicy:
    return MonitoringPolicy.model_validate({"level": "exception", **values})


@pytest.mark.parametrize(
    ("left", "percent", "flagged"),
    [(20_000, 20, False), (20_001, 20, True), (1, 0, True), (0, 0, False), (100_000, 100, False)],
)
def test_underspend_must_be_more_than_the_share_of_the_periods_money(left, percent, flagged):
    found = findings_for(outlook(left), 100_000, policy(underspend_percent=percent), TODAY)
    assert [f.kind for f in found] == ([ExceptionKind.UNDERSPEND] if flagged else [])


def test_an_overspend_is_flagged_with_the_day_and_the_shortfall():
    runs_out = TODAY + timedelta(days=40)
    [finding] = findings_for(outlook(-3_000, runs_out, 3_000), 100_000, policy(), TODAY)
    assert finding.kind == ExceptionKind.OVERSPEND and finding.runs_out_on == runs_out
    assert finding.amount_pence == 3_000
    assert (
        finding.detail
        == "Forecast to run out on 2 January 2027, £30.00 short by the end of the period"
    )
    # Within the notice days it is flagged; further off, not yet.
    assert findings_for(
        outlook(-3_000, runs_out, 3_000), 100_000, policy(overspend_notice_days=40), TODAY
    )
    assert not findings_for(
        outlook(-3_000, runs_out, 3_000), 100_000, policy(overspend_notice_days=39), TODAY
    )


def test_a_budget_with_no_money_this_period_is_not_an_underspend():
    assert findings_for(outlook(0), 0, policy(underspend_percent=0), TODAY) == []


def test_monitoring_is_queued_every_morning_at_six_uk_time():
    job = scheduling.build_scheduler(Settings(), relay=None).get_job("budget-monitoring")
    assert isinstance(job.trigger, CronTrigger)
    assert str(job.trigger.timezone) == "Europe/London"
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert fields["hour"] == "6" and fields["minute"] == "0"
    assert job.coalesce and job.max_instances == 1
    summer = job.trigger.get_next_fire_time(None, datetime(2026, 7, 1, 12, tzinfo=UK_TIMEZONE))
    assert (summer.day, summer.hour, summer.utcoffset()) == (2, 6, timedelta(hours=1))


def test_a_scheduler_started_after_six_catches_up_a_little_after_the_funding_run():
    nine = datetime(2026, 11, 23, 9, 0, tzinfo=UK_TIMEZONE)
    assert scheduling.catch_up_after(6, nine) == {"next_run_time": nine + timedelta(minutes=15)}
    three = datetime(2026, 11, 23, 3, 0, tzinfo=UK_TIMEZONE)
    assert scheduling.catch_up_after(6, three) == {}  # 06:00 is still to come today
