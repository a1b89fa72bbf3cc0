"""``carepurse jobs`` and ``carepurse housekeeping``: see and trigger background work."""

from __future__ import annotations

from datetime import date

import click

from core.cli.common import with_database
from core.clock import uk_today
from core.housekeeping.services import schedule_daily_housekeeping
from core.jobs.services import recent_runs
from core.outbox.services import pending_count
from core.settings import UK_TIMEZONE, Settings
from tenants.services import get_tenant


@click.command("jobs")
@click.option("--tenant", "slug", help="Only this council's runs.")
@click.option("--limit", default=20, show_default=True)
@with_database
async def jobs_command(settings: Settings, slug: str | None, limit: int) -> None:
    """Recent job runs and how many messages wait in the outbox."""
    tenant_id = (await get_tenant(slug)).id if slug else None
    runs = await recent_runs(tenant_id, limit)
    click.echo(f"outbox: {await pending_count()} message(s) waiting for the broker")
    if not runs:
        click.echo("no job runs yet")
    for run in runs:
        started = run.started_at.astimezone(UK_TIMEZONE).strftime("%Y-%m-%d %H:%M")
        click.echo(
            f"{started}  {run.tenant.slug:<16} {run.job_name} {run.period_key} "
            f"{run.status.value} (attempts {run.attempts}) {run.summary or run.error or ''}"
        )


@click.command("housekeeping")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Day to run for (default: today in Europe/London).",
)
@with_database
async def housekeeping_command(settings: Settings, day: object) -> None:
    """Queue the daily housekeeping now. A council whose run for that day succeeded
    is not repeated; one that failed (even after all its retries) is tried again."""
    run_date: date = day.date() if day else uk_today()  # type: ignore[attr-defined]
    queued = await schedule_daily_housekeeping(run_date, again=True)
    click.echo(f"queued {queued} council(s) for {run_date}; the relay hands them to workers")


def register(group: click.Group) -> None:
    group.add_command(jobs_command)
    group.add_command(housekeeping_command)
