"""One cached plugin manager per tenant, rebuilt when the tenant's config version changes."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from core.hooks.calls import TenantPlugins
from core.hooks.defaults import CoreDefaults
from core.hooks.host import CarepursePluginManager
from core.hooks.registry import PluginRegistry
from core.hooks.secrets import resolve_all
from core.hooks.tenant_info import TenantInfo

logger = logging.getLogger(__name__)

SecretResolver = Callable[[Mapping[str, str]], dict[str, str]]


def build_tenant_plugins(
    tenant: TenantInfo,
    selection: Sequence[Mapping[str, Any]],
    registry: PluginRegistry,
    resolve_secrets: SecretResolver = resolve_all,
) -> TenantPlugins:
    """Instantiate the tenant's enabled plugins with their validated config.

    A plugin that is no longer installed, whose saved config no longer
    validates, whose secrets cannot be resolved or whose constructor raises is
    left out and logged: the council's site keeps working without it.
    """
    manager = CarepursePluginManager()
    manager.register(CoreDefaults(), name="core-defaults")
    for entry in selection:
        name = entry.get("name", "?")
        try:
            definition = registry.get(name)
            config = definition.validate_config(entry.get("config", {}))
            secrets = resolve_secrets(entry.get("secrets", {}))
            manager.register(definition.instantiate(config, secrets), name=name)
        except Exception:
            logger.exception("plugin %s left out for tenant %s", name, tenant.slug)
    manager.check_pending()
    return TenantPlugins(tenant, manager)


class TenantPluginCache:
    """Process-local cache keyed by ``(tenant id, config version)``.

    Safe to share between processes' ideas of the truth: the version comes from
    the database row on every request, so a save elsewhere is seen at once.
    """

    def __init__(self, registry: PluginRegistry, max_tenants: int = 1024) -> None:
        self.registry = registry
        self.max_tenants = max_tenants
        self._entries: OrderedDict[int, tuple[Hashable, TenantPlugins]] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, tenant: TenantInfo, config_version: Hashable, selection: Sequence[Mapping[str, Any]]
    ) -> TenantPlugins:
        with self._lock:
            cached = self._entries.get(tenant.id)
            if cached is not None and cached[0] == config_version:
                self._entries.move_to_end(tenant.id)
                return cached[1]
        plugins = build_tenant_plugins(tenant, selection, self.registry)
        with self._lock:
            self._entries[tenant.id] = (config_version, plugins)
            self._entries.move_to_end(tenant.id)
            while len(self._entries) > self.max_tenants:
                self._entries.popitem(last=False)
        return plugins
