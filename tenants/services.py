"""Onboarding and configuring councils. Knows nothing of HTTP or the command line."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.hooks.errors import PluginConfigError
from core.hooks.registry import PluginRegistry
from core.hooks.secrets import check_reference_syntax
from core.hooks.tenant_info import TenantInfo
from tenants.models import Tenant, TenantDomain, TenantStatus
from tenants.validation import check_domain, check_name, check_slug


def tenant_info(tenant: Tenant) -> TenantInfo:
    return TenantInfo(id=tenant.id, slug=tenant.slug, name=tenant.name)


async def get_tenant(slug: str) -> Tenant:
    tenant = await Tenant.get_or_none(slug=slug.strip().lower())
    if tenant is None:
        raise NotFound(f"there is no council called {slug!r}")
    return tenant


async def list_tenants(*, active_only: bool = False) -> list[Tenant]:
    query = Tenant.all().prefetch_related("domains")
    if active_only:
        query = query.filter(status=TenantStatus.ACTIVE)
    return await query


async def _check_domains_free(domains: Iterable[str], base_domain: str) -> list[str]:
    checked = []
    for raw in domains:
        domain = check_domain(raw)
        if domain == base_domain or domain.endswith("." + base_domain):
            raise InvalidInput(
                f"{domain} is under the platform's own domain",
                [FieldProblem("domain", f"addresses under {base_domain} are given by the slug")],
            )
        if await TenantDomain.exists(domain=domain):
            raise Conflict(f"{domain} is already used by a council")
        checked.append(domain)
    return checked


async def create_tenant(
    slug: str, name: str, domains: Sequence[str] = (), *, base_domain: str
) -> Tenant:
    """Create an active council, live at ``<slug>.<base_domain>`` and its own domains."""
    slug, name = check_slug(slug), check_name(name)
    async with in_transaction():
        if await Tenant.exists(slug=slug):
            raise Conflict(f"a council called {slug!r} already exists")
        checked = await _check_domains_free(domains, base_domain)
        tenant = await Tenant.create(slug=slug, name=name)
        for domain in checked:
            await TenantDomain.create(tenant=tenant, domain=domain)
    return tenant


async def add_domain(tenant: Tenant, domain: str, *, base_domain: str) -> TenantDomain:
    (checked,) = await _check_domains_free([domain], base_domain)
    return await TenantDomain.create(tenant=tenant, domain=checked)


async def remove_domain(tenant: Tenant, domain: str) -> None:
    deleted = await TenantDomain.filter(tenant=tenant, domain=check_domain(domain)).delete()
    if not deleted:
        raise NotFound(f"{domain} is not one of {tenant.slug}'s domains")


async def _save_bumping_version(tenant: Tenant, **changes: Any) -> Tenant:
    """Save and bump the config version atomically, so every process rebuilds."""
    await Tenant.filter(id=tenant.id).update(config_version=F("config_version") + 1, **changes)
    await tenant.refresh_from_db()
    return tenant


async def rename_tenant(tenant: Tenant, name: str) -> Tenant:
    return await _save_bumping_version(tenant, name=check_name(name))


async def set_status(tenant: Tenant, status: TenantStatus, reason: str | None = None) -> Tenant:
    if status == TenantStatus.SUSPENDED and not (reason and reason.strip()):
        raise InvalidInput(
            "say why the council is suspended",
            [FieldProblem("reason", "residents see this reason; it cannot be empty")],
        )
    reason = reason.strip() if status == TenantStatus.SUSPENDED and reason else None
    return await _save_bumping_version(tenant, status=status, suspended_reason=reason)


def _set_path(config: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    target = config
    for key in keys[:-1]:
        child = target.get(key)
        if not isinstance(child, dict):
            child = target[key] = {}
        target = child
    target[keys[-1]] = value


def _unset_path(config: dict[str, Any], path: str) -> None:
    keys = path.split(".")
    target: Any = config
    for key in keys[:-1]:
        target = target.get(key) if isinstance(target, dict) else None
    if isinstance(target, dict):
        target.pop(keys[-1], None)


def plan_plugin_selection(
    current: Sequence[Mapping[str, Any]],
    registry: PluginRegistry,
    *,
    enable: Sequence[str] = (),
    disable: Sequence[str] = (),
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    unset: Mapping[str, Sequence[str]] | None = None,
    secrets: Mapping[str, Mapping[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Work out and validate a tenant's new plugin list without saving it.

    ``settings`` maps plugin name to ``{dotted.path: value}``. Every enabled
    plugin's config is validated; all problems are reported together.
    """
    selection = [copy.deepcopy(dict(entry)) for entry in current]
    names = [entry["name"] for entry in selection]
    for name in disable:
        if name not in names:
            raise InvalidInput(f"{name!r} is not enabled", [FieldProblem("disable", name)])
    selection = [entry for entry in selection if entry["name"] not in disable]
    for name in enable:
        registry.get(name)  # unknown plugin -> clear error
        if name not in [entry["name"] for entry in selection]:
            selection.append({"name": name, "config": {}, "secrets": {}})
    by_name = {entry["name"]: entry for entry in selection}
    for kind, changes in (
        ("settings", settings or {}),
        ("unset", unset or {}),
        ("secrets", secrets or {}),
    ):
        for name in changes:
            if name not in by_name:
                raise InvalidInput(
                    f"{name!r} is not enabled for this council; enable it first",
                    [FieldProblem(kind, f"{name} is not enabled")],
                )
    for name, values in (settings or {}).items():
        for path, value in values.items():
            _set_path(by_name[name].setdefault("config", {}), path, value)
    for name, paths in (unset or {}).items():
        for path in paths:
            _unset_path(by_name[name].setdefault("config", {}), path)
    for name, refs in (secrets or {}).items():
        by_name[name].setdefault("secrets", {}).update(refs)

    problems: list[FieldProblem] = []
    for entry in selection:
        definition = registry.get(entry["name"])
        try:
            definition.validate_config(entry.get("config", {}))
            check_reference_syntax(definition.name, entry.get("secrets", {}))
            definition.check_secret_names(entry.get("secrets", {}))
        except PluginConfigError as error:
            problems += [
                FieldProblem(f"{error.plugin}.{p.field}", p.message) for p in error.problems
            ]
    if problems:
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
        raise InvalidInput(f"the plugin settings were refused: {detail}", problems)
    return selection


async def configure_plugins(tenant: Tenant, registry: PluginRegistry, **changes: Any) -> Tenant:
    """Validate and save a new plugin selection; live on the next request."""
    selection = plan_plugin_selection(tenant.plugins, registry, **changes)
    return await _save_bumping_version(tenant, plugins=selection)
