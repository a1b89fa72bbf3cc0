"""The daily housekeeping is scheduled on the UK clock and catches up at start-up."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from core.settings import UK_TIMEZONE, Settings
from workers.scheduler import build_scheduler


def test_housekeeping_runs_daily_at_the_configured_hour_london_time():
    scheduler = build_scheduler(Settings(housekeeping_hour=3), relay=None)
    job = scheduler.get_job("daily-housekeeping")
    assert isinstance(job.trigger, CronTrigger)
    assert str(job.trigger.timezone) == "Europe/London"
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert fields["hour"] == "3" and fields["minute"] == "30"
    assert job.coalesce and job.max_instances == 1
    after = datetime(2026, 3, 29, 12, 0, tzinfo=UK_TIMEZONE)  # the day clocks go forward
    next_fire = job.trigger.get_next_fire_time(None, after)
    assert (next_fire.hour, next_fire.minute, next_fire.day) == (3, 30, 30)


def test_scheduler_catches_up_straight_after_start():
    scheduler = build_scheduler(Settings(), relay=None)
    job = scheduler.get_job("daily-housekeeping")
    assert job.next_run_time is not None
    assert job.next_run_time <= datetime.now(UK_TIMEZONE)
