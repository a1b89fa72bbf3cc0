"""``carepurse audit ...``: check the audit log's hash chains and read a council's events."""

from __future__ import annotations

import click

from core.audit import display
from core.audit.actions import AuditAction
from core.audit.queries import MAX_LIMIT, AuditFilters, search
from core.audit.verify import ChainReport, verify_all
from core.cli.common import with_database
from core.settings import Settings
from tenants import services
from tenants.models import Tenant


@click.group("audit")
def audit_group() -> None:
    """Verify and read the append-only audit log."""


async def _chain_names(reports: list[ChainReport]) -> dict[int, str]:
    ids = [report.chain for report in reports if report.chain]
    names = {tenant.id: tenant.slug for tenant in await Tenant.filter(id__in=ids)}
    return {0: "platform", **names}


def _chain_label(chain: int, names: dict[int, str]) -> str:
    return f"chain {chain} ({names.get(chain, 'council no longer exists')})"


@audit_group.command("verify")
@click.option("--tenant", "slug", help="Check only this council's chain.")
@with_database
async def verify(settings: Settings, slug: str | None) -> None:
    """Recompute every hash; exit 1 naming the first broken event of each chain.

    Prints each chain's last hash: keep a copy elsewhere to catch someone who
    rewrites a whole chain.
    """
    tenant_id = (await services.get_tenant(slug)).id if slug else None
    result = await verify_all(tenant_id)
    names = await _chain_names(result.chains)
    if result.intact:
        click.echo(f"audit log intact: {result.events} events in {len(result.chains)} chains")
        for report in result.chains:
            click.echo(
                f"  {_chain_label(report.chain, names)}: {report.events} events, "
                f"last hash {report.last_hash}"
            )
        return
    click.echo(f"audit log BROKEN in {len(result.broken)} of {len(result.chains)} chains:")
    for report in result.broken:
        assert report.problem is not None
        click.echo(
            f"  {_chain_label(report.chain, names)}, sequence {report.problem.sequence}: "
            f"{report.problem.description}"
        )
    raise click.exceptions.Exit(1)


@audit_group.command("list")
@click.argument("slug")
@click.option(
    "--action",
    type=click.Choice([action.value for action in AuditAction]),
    help="Only this action.",
)
@click.option("--actor", help="Who did it: part of a name or email address.")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=20,
    show_default=True,
    help="How many of the newest events.",
)
@with_database
async def list_(
    settings: Settings, slug: str, action: str | None, actor: str | None, limit: int
) -> None:
    """Show a council's newest audit events (UK time)."""
    tenant = await services.get_tenant(slug)
    filters = AuditFilters(action=AuditAction(action) if action else None, actor=actor)
    page = await search(tenant.id, filters, limit=limit)
    if not page.events:
        click.echo("no matching events")
    for event in page.events:
        local = display.uk_time(event.occurred_at)
        line = (
            f"#{event.sequence}  {local:%Y-%m-%d %H:%M:%S %Z}  {display.action_label(event.action)}"
        )
        line += f"  by {event.actor_label}"
        if target := display.target_text(event):
            line += f"  to {target}"
        if event.ip:
            line += f"  from {event.ip}"
        if details := display.details_summary(event.details):
            line += f"  ({details})"
        click.echo(line)


def register(group: click.Group) -> None:
    """Adds ``carepurse audit`` to ``group``."""
    group.add_command(audit_group)
