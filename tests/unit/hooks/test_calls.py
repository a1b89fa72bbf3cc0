"""One faulty plugin is logged and skipped; it never takes the others down."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from core.hooks.errors import PluginFailure
from core.hooks.registry import PluginRegistry
from core.hooks.tenant_info import TenantInfo
from core.hooks.tenant_managers import build_tenant_plugins
from plugins import BUILTIN_PLUGINS
from tests.support.plugins import TEST_PLUGINS, RecordingPlugin

TENANT = TenantInfo(id=7, slug="testshire", name="Testshire Council")


@pytest.fixture(scope="module")
def registry():
    return PluginRegistry.discover([*BUILTIN_PLUGINS, *TEST_PLUGINS], include_entry_points=False)


def plugins_for(registry, *names, config=None):
    selection = [{"name": n, "config": (config or {}).get(n, {})} for n in names]
    return build_tenant_plugins(TENANT, selection, registry)


def test_raising_firstresult_plugin_is_skipped_and_logged(registry, caplog):
    plugins = plugins_for(registry, "exploder")
    with caplog.at_level(logging.ERROR):
        branding = plugins.first("carepurse_theme_branding", tenant=TENANT)
    assert branding == {"council_name": "Testshire Council"}  # the core default answered
    assert "plugin exploder raised in carepurse_theme_branding for tenant testshire" in caplog.text


def test_raising_collect_plugin_does_not_hide_the_others(registry):
    plugins = plugins_for(
        registry, "exploder", "service-notice", config={"service-notice": {"text": "Open as usual"}}
    )
    answers = plugins.collect("carepurse_page_notices", tenant=TENANT, path="/")
    assert [name for name, _ in answers] == ["service-notice"]


async def test_async_hooks_are_awaited_and_failures_isolated(registry):
    plugins = plugins_for(registry, "exploder", "recorder", config={"recorder": {"label": "x"}})
    answers = await plugins.acollect(
        "carepurse_tenant_housekeeping", tenant=TENANT, run_date=date(2026, 11, 23)
    )
    assert answers == [("recorder", {"label": "x"})]


async def test_failure_of_the_plugin_an_action_depends_on_is_reported(registry):
    plugins = plugins_for(registry, "exploder")
    with pytest.raises(PluginFailure, match="exploder"):
        await plugins.acollect(
            "carepurse_tenant_housekeeping",
            required="exploder",
            tenant=TENANT,
            run_date=date(2026, 11, 23),
        )


def test_wrong_arguments_are_a_programming_error(registry):
    plugins = plugins_for(registry)
    with pytest.raises(TypeError, match="takes"):
        plugins.collect("carepurse_page_notices", tenant=TENANT)


def test_first_valid_skips_answers_the_validator_refuses(registry):
    from core.theming.branding import Branding

    plugins = plugins_for(registry, "bad-answers")
    branding = plugins.first_valid(
        "carepurse_theme_branding", Branding.model_validate, tenant=TENANT
    )
    assert branding.brand_colour == "#24425e"  # the yellow answer was refused


def test_plugins_run_in_enabled_order_last_enabled_first_like_pluggy(registry):
    RecordingPlugin.calls.clear()
    plugins = plugins_for(
        registry, "service-notice", "recorder", config={"service-notice": {"text": "a"}}
    )
    names = [name for name, _ in plugins.collect("carepurse_page_notices", tenant=TENANT, path="/")]
    assert names == ["recorder", "service-notice"]
