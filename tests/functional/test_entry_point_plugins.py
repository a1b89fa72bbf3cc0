"""A partner plugin installed as its own distribution is discovered by entry point."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.app import create_app
from core.hooks.registry import PluginRegistry
from tests.conftest import site_client
from tests.factories import make_tenant

PACKAGES = Path(__file__).parent.parent / "plugin_packages"


@pytest.fixture(scope="module")
def installed_partner_plugins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """pip-install the packages from tests/plugin_packages into a folder on sys.path."""
    target = tmp_path_factory.mktemp("site-packages")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(PACKAGES / "carepurse-hello-notice"),
            str(PACKAGES / "carepurse-broken-plugin"),
        ],
        check=True,
        timeout=300,
    )
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    yield target
    sys.path.remove(str(target))
    importlib.invalidate_caches()


def test_installed_plugin_is_found_with_its_distribution_name(installed_partner_plugins):
    registry = PluginRegistry.discover()
    definition = registry.get("hello-notice")
    assert definition.source == "carepurse-hello-notice"
    assert definition.hooks == ("carepurse_page_notices",)


def test_plugin_that_fails_to_import_is_reported_and_the_rest_load(installed_partner_plugins):
    registry = PluginRegistry.discover()
    assert "broken" not in registry
    assert "needs a library that is not installed" in registry.broken["broken"]
    assert "council-branding" in registry


async def test_council_enables_the_partner_plugin_and_sees_it(
    installed_partner_plugins, db, settings
):
    registry = PluginRegistry.discover()
    tenant = await make_tenant(
        "partnerville",
        "Partnerville Council",
        registry=registry,
        plugins={"hello-notice": {"greeting": "Welcome"}},
    )
    other = await make_tenant("plainville", registry=registry)
    app = create_app(settings, registry=registry, init_database=False, run_background=False)
    async with app.router.lifespan_context(app):
        async with site_client(app, "partnerville.localhost") as client:
            page = (await client.get("/")).text
        async with site_client(app, "plainville.localhost") as client:
            other_page = (await client.get("/")).text
    assert "Welcome, Partnerville Council" in page
    assert "Welcome" not in other_page
    assert tenant.slug != other.slug
