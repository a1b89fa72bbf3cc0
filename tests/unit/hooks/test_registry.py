"""Discovery of built-in plugins, checks at start-up, and broken plugins set aside."""

from __future__ import annotations

import pytest

from core.hooks.definition import PluginKind
from core.hooks.errors import PluginDefinitionError, UnknownPluginError
from core.hooks.markers import hookimpl
from core.hooks.registry import PluginRegistry
from plugins import BUILTIN_PLUGINS


def test_builtin_plugins_are_discovered_with_their_kind_and_hooks():
    registry = PluginRegistry.discover(include_entry_points=False)
    branding = registry.get("council-branding")
    assert branding.kind is PluginKind.THEME
    assert branding.source == "built-in"
    assert branding.hooks == ("carepurse_theme_branding",)
    assert set(registry.names()) >= {"council-branding", "service-notice"}
    assert len(BUILTIN_PLUGINS) == len(registry.names())


def test_plugin_with_misspelt_hook_is_set_aside_at_start_up_not_run_silently():
    class Typo:
        name = "typo"
        kind = "theme"

        @hookimpl
        def carepurse_page_notice(self, tenant, path):
            return []

    registry = PluginRegistry.discover([Typo], include_entry_points=False)
    assert "typo" not in registry
    assert "unknown hook" in registry.broken["typo"]


def test_unknown_plugin_name_lists_the_installed_ones():
    registry = PluginRegistry.discover(include_entry_points=False)
    with pytest.raises(UnknownPluginError, match="council-branding"):
        registry.get("no-such-plugin")


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"kind": "theme"}, "needs a `name`"),
        ({"name": "Bad Name", "kind": "theme"}, "needs a `name`"),
        ({"name": "ok"}, "needs a `kind`"),
        ({"name": "ok", "kind": "weather"}, "needs a `kind`"),
        ({"name": "ok", "kind": "theme", "config_model": dict}, "pydantic model"),
    ],
)
def test_plugin_class_must_declare_name_kind_and_a_pydantic_config(attributes, message):
    plugin_class = type("Candidate", (), attributes)
    with pytest.raises(PluginDefinitionError, match=message):
        PluginRegistry().add_class(plugin_class, source="test")


def test_two_plugins_with_one_name_are_refused():
    first = type("First", (), {"name": "twin", "kind": "theme"})
    second = type("Second", (), {"name": "twin", "kind": "theme"})
    registry = PluginRegistry()
    registry.add_class(first, source="a")
    with pytest.raises(PluginDefinitionError, match="two plugins are called 'twin'"):
        registry.add_class(second, source="b")
