"""``carepurse demo``: the demo councils for `make run`."""

from __future__ import annotations

import click

from core.cli.common import with_database
from core.runtime import Runtime
from core.settings import Settings
from tenants.demo import seed_demo


@click.group("demo")
def demo_group() -> None:
    """Demo data for development."""


@demo_group.command("seed")
@with_database
async def seed(settings: Settings) -> None:
    """Create the Riverbend and Moorfield demo councils if they do not exist."""
    created = await seed_demo(Runtime.build(settings))
    names = ", ".join(t.slug for t in created) or "none (already there)"
    click.echo(f"demo councils created: {names}")
    port = 8000
    click.echo(
        f"open http://riverbend.{settings.base_domain}:{port}/ and "
        f"http://moorfield.{settings.base_domain}:{port}/"
    )


def register(group: click.Group) -> None:
    group.add_command(demo_group)
