"""Apply schema migrations (Tortoise ORM's built-in migration engine; see docs/adr/0001)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate

from core.db import tortoise_config
from core.settings import Settings


async def migrate_database(settings: Settings, *, target: str | None = None) -> None:
    """Bring the schema up to date (or to ``target``); safe to run on every start."""
    # An isolated context: the migration engine re-initialises whatever context
    # is current, and must not disturb one the caller already uses.
    async with TortoiseContext():
        await migrate(config=tortoise_config(settings), target=target)


@contextlib.asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[TortoiseContext]:
    """An ORM context for one command-line run or one test session."""
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(settings))
        yield context
