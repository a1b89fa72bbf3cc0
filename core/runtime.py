"""The long-lived objects one process builds at start-up and shares.

Built once from :class:`Settings` by the web app, a worker or the CLI; handed
to services explicitly rather than imported as globals.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.hooks.calls import TenantPlugins
from core.hooks.registry import PluginRegistry
from core.hooks.tenant_managers import TenantPluginCache
from core.settings import Settings
from core.storage import FileStorage, storage_from_url
from tenants.models import Tenant
from tenants.services import tenant_info


@dataclass
class Runtime:
    settings: Settings
    registry: PluginRegistry
    plugin_cache: TenantPluginCache
    storage: FileStorage

    @classmethod
    def build(cls, settings: Settings, registry: PluginRegistry | None = None) -> Runtime:
        registry = registry or PluginRegistry.discover()
        return cls(
            settings=settings,
            registry=registry,
            plugin_cache=TenantPluginCache(registry),
            storage=storage_from_url(settings),
        )

    def plugins_for(self, tenant: Tenant) -> TenantPlugins:
        """The tenant's own plugins; never another tenant's."""
        # The creation time makes the key unique even if a database reuses a deleted
        # tenant's id (test databases restart their sequences).
        version = (tenant.config_version, tenant.created_at)
        return self.plugin_cache.get(tenant_info(tenant), version, tenant.plugins)
