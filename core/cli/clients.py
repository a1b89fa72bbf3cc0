"""``carepurse client ...``: the operator creates, lists and revokes a council's API clients."""

from __future__ import annotations

import click

from core.api.scopes import SCOPES
from core.cli.common import with_database
from core.oauth import services
from core.oauth.models import ApiClient
from core.settings import Settings
from tenants.services import get_tenant


@click.group("client")
def client_group() -> None:
    """Partner API clients (OAuth2 client credentials) for a council."""


def _describe(client: ApiClient) -> str:
    status = f"revoked {client.revoked_at:%Y-%m-%d %H:%M} UTC" if client.revoked_at else "active"
    used = f"{client.last_used_at:%Y-%m-%d %H:%M} UTC" if client.last_used_at else "never"
    return (
        f"{client.client_id}: {client.name}\n  status: {status}\n"
        f"  scopes: {' '.join(client.scopes)}\n  last used: {used}"
    )


@client_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The partner system, e.g. 'Mosaic case management'.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(sorted(SCOPES)),
    help="What it may do; repeat for more than one.",
)
@with_database
async def create(settings: Settings, slug: str, name: str, scopes: tuple[str, ...]) -> None:
    """Create an API client for the council SLUG and print its secret (shown only once)."""
    tenant = await get_tenant(slug)
    client, secret = await services.create_client_as_operator(tenant, name, scopes)
    click.echo(f"created\n{_describe(client)}")
    click.echo(f"  client secret: {secret}")
    click.echo(
        "\nCopy the secret now: it is not stored and cannot be shown again.\n"
        "If it is lost, revoke this client and create a new one.\n"
        f"Tokens: POST /oauth/token on {slug}.{settings.base_domain} "
        "(grant_type=client_credentials; see docs/api.md)"
    )


@client_group.command("list")
@click.argument("slug")
@with_database
async def list_(settings: Settings, slug: str) -> None:
    """List the council's API clients (never their secrets)."""
    clients = await services.list_clients_as_operator(await get_tenant(slug))
    if not clients:
        click.echo(f"{slug} has no API clients: create one with `carepurse client create`")
    for client in clients:
        click.echo(_describe(client))


@client_group.command("revoke")
@click.argument("slug")
@click.argument("client_id")
@with_database
async def revoke(settings: Settings, slug: str, client_id: str) -> None:
    """Revoke a client: new tokens are refused and its current tokens stop working at once."""
    client = await services.revoke_client_as_operator(await get_tenant(slug), client_id)
    click.echo(f"revoked\n{_describe(client)}")


def register(group: click.Group) -> None:
    group.add_command(client_group)
