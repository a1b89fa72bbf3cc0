"""``carepurse member add`` and ``carepurse operator create``: accounts from a terminal."""

from __future__ import annotations

import click

from core.cli.common import with_database
from core.identity.models import Role
from core.identity.operators import add_member_as_operator, make_operator
from core.settings import Settings
from tenants.services import get_tenant

ROLES = [role.value for role in Role]


@click.group("member")
def member_group() -> None:
    """Council members (for the first administrator; after that, use the council console)."""


@member_group.command("add")
@click.argument("slug")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given.",
)
@with_database
async def add(
    settings: Settings, slug: str, email: str, name: str, roles: tuple[str, ...], password: str
) -> None:
    """Add an account to a council with roles, e.g. --role council_admin."""
    member = await add_member_as_operator(await get_tenant(slug), email, name, roles, password)
    click.echo(f"{email} is now a member of {slug} with roles: {', '.join(member.roles)}")


@click.group("operator")
def operator_group() -> None:
    """Platform operators: sign in on the platform's own host."""


@operator_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_database
async def create_operator(settings: Settings, email: str, name: str, password: str) -> None:
    """Create (or promote) a platform operator account."""
    await make_operator(email, name, password)
    click.echo(f"{email} is a platform operator")


def register(group: click.Group) -> None:
    group.add_command(member_group)
    group.add_command(operator_group)
