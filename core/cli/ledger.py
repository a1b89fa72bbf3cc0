"""``carepurse ledger verify`` and ``carepurse funding run``."""

from __future__ import annotations

from datetime import date

import click

from core.budgets.funding import credit_due_instalments
from core.cli.common import with_database
from core.clock import uk_today
from core.ledger.models import JournalEntry, LedgerAccount
from core.ledger.verify import verify_ledger
from core.settings import Settings
from tenants.services import get_tenant, list_tenants


@click.group("ledger")
def ledger_group() -> None:
    """The money ledger."""


@ledger_group.command("verify")
@click.option("--tenant", "slug", help="Only this council.")
@with_database
async def verify(settings: Settings, slug: str | None) -> None:
    """Check every balance against its lines; exit 1 on any imbalance."""
    tenant_id = (await get_tenant(slug)).id if slug else None
    problems = await verify_ledger(tenant_id)
    entries = JournalEntry.all() if tenant_id is None else JournalEntry.filter(tenant_id=tenant_id)
    accounts = (
        LedgerAccount.all() if tenant_id is None else LedgerAccount.filter(tenant_id=tenant_id)
    )
    if problems:
        for problem in problems:
            click.echo(f"tenant {problem.tenant_id}: {problem.what}", err=True)
        raise click.ClickException(f"ledger BROKEN: {len(problems)} problem(s)")
    click.echo(
        f"ledger balanced: {await entries.count()} entries, {await accounts.count()} accounts"
    )


@click.group("funding")
def funding_group() -> None:
    """Scheduled funding."""


@funding_group.command("run")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Credit what is due up to this day (default: today, Europe/London).",
)
@with_database
async def run(settings: Settings, day: object) -> None:
    """Credit every instalment due now (safe to repeat: each is credited once)."""
    run_date: date = day.date() if day else uk_today()  # type: ignore[attr-defined]
    total = 0
    for tenant in await list_tenants(active_only=True):
        total += await credit_due_instalments(tenant.id, run_date)
    click.echo(f"credited {total} instalment(s) due by {run_date}")


def register(group: click.Group) -> None:
    group.add_command(ledger_group)
    group.add_command(funding_group)
