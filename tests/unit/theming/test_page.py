"""What plugins add to a page: validated branding (cached per version) and notices."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.hooks.registry import PluginRegistry
from core.hooks.tenant_info import TenantInfo
from core.hooks.tenant_managers import build_tenant_plugins
from core.theming.page import footer_links, page_notices, tenant_branding
from plugins import BUILTIN_PLUGINS
from tests.support.plugins import TEST_PLUGINS

TENANT = TenantInfo(id=3, slug="pageham", name="Pageham Council")


@pytest.fixture(scope="module")
def registry():
    return PluginRegistry.discover([*BUILTIN_PLUGINS, *TEST_PLUGINS], include_entry_points=False)


def test_branding_is_worked_out_once_per_plugin_manager(registry):
    plugins = build_tenant_plugins(TENANT, [{"name": "council-branding", "config": {}}], registry)
    assert tenant_branding(plugins) is tenant_branding(plugins)


def test_invalid_notices_are_dropped_and_valid_ones_kept(registry):
    plugins = build_tenant_plugins(TENANT, [{"name": "bad-answers"}], registry)
    assert [n.text for n in page_notices(plugins, "/")] == ["A good notice"]


def test_standard_links_are_always_in_the_footer():
    from core.theming.branding import Branding

    links = footer_links(
        Branding(council_name="X", footer_links=[{"text": "News", "href": "/news"}])
    )
    assert [link["href"] for link in links] == ["/news", "/contact", "/accessibility"]


def notice_plugins(registry, **config):
    return build_tenant_plugins(
        TENANT, [{"name": "service-notice", "config": {"text": "Closed", **config}}], registry
    )


def test_notice_shows_only_between_its_dates(registry):
    today = date.today()
    past = notice_plugins(
        registry, starts_on=str(today - timedelta(days=9)), ends_on=str(today - timedelta(days=2))
    )
    current = notice_plugins(
        registry, starts_on=str(today - timedelta(days=1)), ends_on=str(today + timedelta(days=1))
    )
    future = notice_plugins(registry, starts_on=str(today + timedelta(days=3)))
    assert page_notices(past, "/") == []
    assert [n.text for n in page_notices(current, "/")] == ["Closed"]
    assert page_notices(future, "/") == []


def test_notice_shows_only_on_its_paths(registry):
    plugins = notice_plugins(registry, paths=["/contact"])
    assert page_notices(plugins, "/") == []
    assert len(page_notices(plugins, "/contact")) == 1
