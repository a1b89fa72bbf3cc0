"""Each tenant gets its own cached manager, rebuilt when its config version changes."""

from __future__ import annotations

import logging

import pytest

from core.hooks.registry import PluginRegistry
from core.hooks.tenant_info import TenantInfo
from core.hooks.tenant_managers import TenantPluginCache, build_tenant_plugins
from plugins import BUILTIN_PLUGINS
from tests.support.plugins import TEST_PLUGINS, SecretPlugin

A = TenantInfo(id=1, slug="alpha", name="Alpha Council")
B = TenantInfo(id=2, slug="beta", name="Beta Council")


@pytest.fixture(scope="module")
def registry():
    return PluginRegistry.discover([*BUILTIN_PLUGINS, *TEST_PLUGINS], include_entry_points=False)


def test_cache_returns_the_same_manager_until_the_version_changes(registry):
    cache = TenantPluginCache(registry)
    selection = [{"name": "service-notice", "config": {"text": "hello"}}]
    first = cache.get(A, 1, selection)
    assert cache.get(A, 1, selection) is first
    rebuilt = cache.get(A, 2, [{"name": "service-notice", "config": {"text": "changed"}}])
    assert rebuilt is not first
    notices = rebuilt.collect("carepurse_page_notices", tenant=A, path="/")
    assert notices[0][1][0]["text"] == "changed"


def test_each_tenant_has_its_own_manager_and_plugin_instances(registry):
    cache = TenantPluginCache(registry)
    a = cache.get(A, 1, [{"name": "recorder", "config": {"label": "a"}}])
    b = cache.get(B, 1, [{"name": "recorder", "config": {"label": "b"}}])
    assert a is not b
    assert a.manager.get_plugin("recorder") is not b.manager.get_plugin("recorder")
    assert b.manager.get_plugin("recorder").label == "b"


def test_cache_is_bounded(registry):
    cache = TenantPluginCache(registry, max_tenants=2)
    for tenant_id in range(5):
        cache.get(TenantInfo(tenant_id, f"t{tenant_id}", "T"), 1, [])
    assert len(cache._entries) == 2


def test_plugin_with_invalid_saved_config_is_left_out_not_fatal(registry, caplog):
    with caplog.at_level(logging.ERROR):
        plugins = build_tenant_plugins(A, [{"name": "service-notice", "config": {}}], registry)
    assert plugins.plugin_names == []
    assert "plugin service-notice left out for tenant alpha" in caplog.text


def test_uninstalled_plugin_is_left_out_and_the_rest_still_load(registry, caplog):
    selection = [{"name": "gone-plugin"}, {"name": "service-notice", "config": {"text": "x"}}]
    with caplog.at_level(logging.ERROR):
        plugins = build_tenant_plugins(A, selection, registry)
    assert plugins.plugin_names == ["service-notice"]
    assert "gone-plugin" in caplog.text


def test_secret_references_are_resolved_when_the_manager_is_built(registry, monkeypatch):
    monkeypatch.setenv("TEST_SECRET_FOR_ALPHA", "value-a")
    SecretPlugin.seen.clear()
    plugins = build_tenant_plugins(
        A, [{"name": "secretive", "secrets": {"api_key": "env:TEST_SECRET_FOR_ALPHA"}}], registry
    )
    assert plugins.plugin_names == ["secretive"]
    assert SecretPlugin.seen == ["value-a"]


def test_missing_secret_leaves_the_plugin_out(registry, monkeypatch):
    monkeypatch.delenv("TEST_SECRET_MISSING", raising=False)
    plugins = build_tenant_plugins(
        A, [{"name": "secretive", "secrets": {"api_key": "env:TEST_SECRET_MISSING"}}], registry
    )
    assert plugins.plugin_names == []


def test_a_reused_tenant_id_never_gets_the_old_tenants_plugins(registry):
    from datetime import UTC, datetime

    from core.runtime import Runtime
    from core.settings import Settings
    from tenants.models import Tenant

    runtime = Runtime.build(Settings(), registry)
    old = Tenant(
        id=1,
        slug="old",
        name="Old Council",
        config_version=2,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        plugins=[{"name": "service-notice", "config": {"text": "old notice"}}],
    )
    new = Tenant(
        id=1,
        slug="new",
        name="New Council",
        config_version=2,
        created_at=datetime(2026, 6, 1, tzinfo=UTC),
        plugins=[],
    )
    assert runtime.plugins_for(old).plugin_names == ["service-notice"]
    assert runtime.plugins_for(new).plugin_names == []
