"""``carepurse tenant ...``: onboard and configure councils. Changes are live at once."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path
from typing import Any

import click

from core.cli.common import parse_value, with_database
from core.hooks.registry import PluginRegistry
from core.runtime import Runtime
from core.settings import Settings
from tenants import services
from tenants.logo import upload_logo
from tenants.models import Tenant, TenantStatus


@click.group("tenant")
def tenant_group() -> None:
    """Create, list and configure councils (tenants)."""


def _describe(tenant: Tenant, base_domain: str) -> str:
    domains = [f"{tenant.slug}.{base_domain}", *(d.domain for d in tenant.domains)]
    plugins = ", ".join(entry["name"] for entry in tenant.plugins) or "none"
    status = tenant.status.value
    if tenant.suspended_reason:
        status += f" ({tenant.suspended_reason})"
    return (
        f"{tenant.slug}: {tenant.name}\n  status: {status}\n  addresses: {', '.join(domains)}"
        f"\n  plugins: {plugins}\n  config version: {tenant.config_version}"
    )


@tenant_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The council's name as residents know it.")
@click.option("--domain", "domains", multiple=True, help="The council's own host name(s).")
@with_database
async def create(settings: Settings, slug: str, name: str, domains: tuple[str, ...]) -> None:
    """Create a council, live at SLUG.<base domain> and any --domain given."""
    tenant = await services.create_tenant(slug, name, domains, base_domain=settings.base_domain)
    await tenant.fetch_related("domains")
    click.echo(f"created\n{_describe(tenant, settings.base_domain)}")


@tenant_group.command("list")
@with_database
async def list_(settings: Settings) -> None:
    """List every council."""
    tenants = await services.list_tenants()
    if not tenants:
        click.echo("no councils yet: create one with `carepurse tenant create`")
    for tenant in tenants:
        click.echo(_describe(tenant, settings.base_domain))


@tenant_group.command("show")
@click.argument("slug")
@with_database
async def show(settings: Settings, slug: str) -> None:
    """Show a council and its plugin settings."""
    tenant = await services.get_tenant(slug)
    await tenant.fetch_related("domains")
    click.echo(_describe(tenant, settings.base_domain))
    for entry in tenant.plugins:
        click.echo(f"  [{entry['name']}]")
        for key, value in sorted(entry.get("config", {}).items()):
            click.echo(f"    {key} = {value!r}")
        for key, ref in sorted(entry.get("secrets", {}).items()):
            click.echo(f"    secret {key} -> {ref}")


def _split_assignments(
    pairs: tuple[str, ...], enabled: list[str], known: PluginRegistry, what: str
) -> dict[str, dict[str, Any]]:
    """``plugin.key=value`` (or ``key=value`` when exactly one plugin is being enabled)."""
    result: dict[str, dict[str, Any]] = defaultdict(dict)
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} should look like key=value", param_hint=what)
        path, value = pair.split("=", 1)
        plugin, _, rest = path.partition(".")
        if plugin in known and rest:
            name, key = plugin, rest
        elif len(enabled) == 1:
            name, key = enabled[0], path
        else:
            raise click.BadParameter(
                f"say which plugin {path!r} is for, e.g. council-branding.{path}=...",
                param_hint=what,
            )
        result[name][key] = parse_value(value) if what == "--set" else value
    return dict(result)


@tenant_group.command("plugins")
@click.argument("slug")
@click.option("--enable", multiple=True, help="Plugin to switch on (see `carepurse plugins`).")
@click.option("--disable", multiple=True, help="Plugin to switch off.")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="[PLUGIN.]KEY=VALUE",
    help="Set a config value; VALUE is JSON if it parses, else text.",
)
@click.option(
    "--unset",
    "removals",
    multiple=True,
    metavar="[PLUGIN.]KEY",
    help="Remove a config value so the default applies.",
)
@click.option(
    "--secret",
    "secret_refs",
    multiple=True,
    metavar="[PLUGIN.]NAME=REF",
    help="Point a secret at env:VARIABLE or file:/path.",
)
@with_database
async def configure(
    settings: Settings,
    slug: str,
    enable: tuple[str, ...],
    disable: tuple[str, ...],
    assignments: tuple[str, ...],
    removals: tuple[str, ...],
    secret_refs: tuple[str, ...],
) -> None:
    """Enable, disable and configure a council's plugins. Refused settings change nothing."""
    registry = PluginRegistry.discover()
    tenant = await services.get_tenant(slug)
    current = [entry["name"] for entry in tenant.plugins]
    focus = list(enable) or (current if len(current) == 1 else [])
    settings_by_plugin = _split_assignments(assignments, focus, registry, "--set")
    unset_by_plugin = {
        name: list(values)
        for name, values in _split_assignments(
            tuple(f"{r}=" for r in removals), focus, registry, "--unset"
        ).items()
    }
    secrets_by_plugin = _split_assignments(secret_refs, focus, registry, "--secret")
    tenant = await services.configure_plugins(
        tenant,
        registry,
        enable=enable,
        disable=disable,
        settings=settings_by_plugin,
        unset=unset_by_plugin,
        secrets=secrets_by_plugin,
    )
    await tenant.fetch_related("domains")
    click.echo(f"saved; live now\n{_describe(tenant, settings.base_domain)}")


@tenant_group.command("domain")
@click.argument("slug")
@click.option("--add", "to_add", multiple=True)
@click.option("--remove", "to_remove", multiple=True)
@with_database
async def domain(
    settings: Settings, slug: str, to_add: tuple[str, ...], to_remove: tuple[str, ...]
) -> None:
    """Add or remove a council's own host names."""
    tenant = await services.get_tenant(slug)
    for name in to_remove:
        await services.remove_domain(tenant, name)
    for name in to_add:
        await services.add_domain(tenant, name, base_domain=settings.base_domain)
    await tenant.fetch_related("domains")
    click.echo(_describe(tenant, settings.base_domain))


@tenant_group.command("rename")
@click.argument("slug")
@click.option("--name", required=True)
@with_database
async def rename(settings: Settings, slug: str, name: str) -> None:
    """Change the name residents see."""
    tenant = await services.rename_tenant(await services.get_tenant(slug), name)
    click.echo(f"{tenant.slug} is now called {tenant.name}")


@tenant_group.command("suspend")
@click.argument("slug")
@click.option("--reason", required=True, help="Shown to everyone who visits the site.")
@with_database
async def suspend(settings: Settings, slug: str, reason: str) -> None:
    """Close a council's site (residents see the reason); its data is kept."""
    tenant = await services.set_status(
        await services.get_tenant(slug), TenantStatus.SUSPENDED, reason
    )
    click.echo(f"{tenant.slug} is suspended")


@tenant_group.command("activate")
@click.argument("slug")
@with_database
async def activate(settings: Settings, slug: str) -> None:
    """Reopen a suspended council's site."""
    tenant = await services.set_status(await services.get_tenant(slug), TenantStatus.ACTIVE)
    click.echo(f"{tenant.slug} is active")


@tenant_group.command("logo")
@click.argument("slug")
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_database
async def logo(settings: Settings, slug: str, image: Path) -> None:
    """Upload a council's logo (SVG, PNG, JPEG or WebP, up to 1 MB) and show it in the header."""
    runtime = Runtime.build(settings)
    tenant = await services.get_tenant(slug)
    data = await asyncio.to_thread(image.read_bytes)
    url = await upload_logo(runtime, tenant, image.name, data)
    click.echo(f"logo saved; shown at {url}")


def register(group: click.Group) -> None:
    group.add_command(tenant_group)
