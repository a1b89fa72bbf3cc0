"""``carepurse plugins``: what plugins this installation offers councils."""

from __future__ import annotations

import json

import click

from core.cli.common import settings_from_environment
from core.hooks.registry import PluginRegistry


@click.command("plugins")
@click.option("--schema", "show_schema", is_flag=True, help="Print each config JSON schema.")
def plugins_command(show_schema: bool) -> None:
    """List installed plugins, their kind, hooks and settings."""
    settings_from_environment()
    registry = PluginRegistry.discover()
    for definition in registry:
        click.echo(f"{definition.name} ({definition.kind.value}, {definition.source})")
        if definition.description:
            click.echo(f"  {definition.description}")
        click.echo(f"  hooks: {', '.join(definition.hooks) or 'none'}")
        if definition.secrets:
            click.echo(f"  secrets: {', '.join(definition.secrets)}")
        for key, default in definition.config_fields().items():
            click.echo(f"  {key} ({default})")
        if show_schema:
            schema = definition.config_model.model_json_schema()
            click.echo(json.dumps(schema, indent=2))
    for name, error in registry.broken.items():
        click.echo(f"{name}: NOT LOADED: {error}", err=True)


def register(group: click.Group) -> None:
    group.add_command(plugins_command)
