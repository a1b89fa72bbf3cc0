"""Shared fixtures: one database per session (built by the migrations), empty tables per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from tortoise import Tortoise

from core.app import create_app
from core.hooks.registry import PluginRegistry
from core.identity.secrets import use_fast_hashing_for_tests
from core.settings import Settings
from plugins import BUILTIN_PLUGINS
from tests.support.database import empty_tables, open_session_database, table_names
from tests.support.environment import test_settings
from tests.support.plugins import TEST_PLUGINS

use_fast_hashing_for_tests()


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("carepurse")


@pytest.fixture(scope="session")
def settings(workdir: Path) -> Settings:
    return test_settings(workdir)


@pytest_asyncio.fixture(scope="session")
async def session_database(settings: Settings) -> AsyncIterator[list[str]]:
    await open_session_database(settings)
    tables = await table_names()
    yield tables
    await Tortoise.close_connections()


@pytest_asyncio.fixture
async def db(session_database: list[str]) -> AsyncIterator[None]:
    """An empty database for this test (emptied after it, too)."""
    await empty_tables(session_database)
    yield
    await empty_tables(session_database)


@pytest.fixture(scope="session")
def registry() -> PluginRegistry:
    """Built-in and installed plugins, plus the recording and failing test plugins."""
    return PluginRegistry.discover([*BUILTIN_PLUGINS, *TEST_PLUGINS])


@pytest_asyncio.fixture
async def app(db: None, settings: Settings, registry: PluginRegistry) -> AsyncIterator[Starlette]:
    """The real app, its lifespan run; background work is driven by the test itself."""
    application = create_app(settings, registry=registry, init_database=False, run_background=False)
    async with application.router.lifespan_context(application):
        yield application


def site_client(app: Starlette, host: str, *, raise_errors: bool = True) -> httpx.AsyncClient:
    """A client whose requests carry ``host`` as their Host header.

    ``raise_errors=False`` shows what a browser would get from a 500 (Starlette
    re-raises the exception for the server's log after sending the error page).
    """
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_errors)
    return httpx.AsyncClient(transport=transport, base_url=f"http://{host}")


@pytest_asyncio.fixture
async def platform_client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with site_client(app, "localhost") as client:
        yield client


@pytest.fixture
def client_for(app: Starlette) -> object:
    """``client_for(tenant)`` -> a client on that council's host."""

    def make(tenant_or_host: object) -> httpx.AsyncClient:
        host = (
            tenant_or_host
            if isinstance(tenant_or_host, str)
            else (
                f"{tenant_or_host.slug}.localhost"  # type: ignore[attr-defined]
            )
        )
        return site_client(app, host)

    return make
