"""Run the ``carepurse`` command in-process against the test database."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner, Result

from core.cli import main
from core.settings import Settings
from tests.support.environment import as_environment


async def carepurse(settings: Settings, *args: str) -> Result:
    """Invoke the CLI in a thread (it runs its own event loop, as it does in a terminal)."""
    env = {k: v for k, v in as_environment(settings).items() if k.startswith("CAREPURSE_")}
    runner = CliRunner()
    return await asyncio.to_thread(runner.invoke, main, list(args), env=env, catch_exceptions=False)
