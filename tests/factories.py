"""Factories for test data: every test builds exactly what it needs, nothing shared."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from core.hooks.registry import PluginRegistry
from tenants import services
from tenants.models import Tenant

_numbers = itertools.count(1)


async def make_tenant(
    slug: str | None = None,
    name: str | None = None,
    *,
    plugins: Mapping[str, Mapping[str, Any]] | None = None,
    registry: PluginRegistry | None = None,
    domains: tuple[str, ...] = (),
) -> Tenant:
    """A council, optionally with plugins enabled and configured (``{name: config}``)."""
    number = next(_numbers)
    slug = slug or f"council{number}"
    tenant = await services.create_tenant(
        slug, name or f"Council Number {number}", domains, base_domain="localhost"
    )
    if plugins:
        tenant = await services.configure_plugins(
            tenant,
            registry or PluginRegistry.discover(),
            enable=list(plugins),
            settings={plugin: dict(config) for plugin, config in plugins.items()},
        )
    return tenant


def branding(colour: str, **extra: Any) -> dict[str, Any]:
    """Config for the council-branding plugin with a given brand colour."""
    return {"brand_colour": colour, "link_colour": colour, **extra}
