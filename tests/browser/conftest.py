"""Browser fixtures: Debian's Chromium driven by Playwright against a live server.

Never downloads a browser. Without /usr/bin/chromium the browser tests are
skipped with a message, unless CAREPURSE_REQUIRE_BROWSER=1 (CI) makes that a failure.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from core.settings import Settings
from tests.support.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CAREPURSE_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"{CHROMIUM} is missing: install Debian's chromium package")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt install chromium)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="package")
def server_port_suffix(settings: Settings, session_database: list[str]) -> Iterator[str]:
    # Package scope: the server (and its outbox relay) must be gone before other
    # tests run, or it would relay their outbox rows from under them.
    with live_server(settings) as suffix:
        yield suffix


@pytest.fixture
def site(server_port_suffix: str):
    """``site("riverbend")`` -> ``http://riverbend.localhost:<port>``; ``site()`` the platform."""

    def url(slug: str | None = None, path: str = "/") -> str:
        host = f"{slug}.localhost" if slug else "localhost"
        return f"http://{host}{server_port_suffix}{path}"

    return url


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest_asyncio.fixture
async def context(browser: Browser, db: None) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    yield context
    await context.close()


@pytest_asyncio.fixture
async def page(context: BrowserContext) -> AsyncIterator[Page]:
    page = await context.new_page()
    yield page
