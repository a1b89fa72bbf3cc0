"""The migrations match the models, and model docstrings are safe as SQL comments."""

from __future__ import annotations

import subprocess
import sys

from tortoise import Tortoise

from core.settings import PROJECT_ROOT

# What `tortoise makemigrations` does, without writing a file: any change listed
# means a model was edited without `make migrations NAME=...`.
PENDING_CHANGES = """
import asyncio
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector
from core.db import tortoise_config
from core.settings import Settings

async def main():
    config = tortoise_config(Settings(database_url="sqlite://:memory:"))
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
        for writer in writers:
            print("PENDING", writer.app_label, [op.describe() for op in writer.operations])

asyncio.run(main())
"""


def test_no_model_change_is_missing_a_migration():
    result = subprocess.run(
        [sys.executable, "-c", PENDING_CHANGES],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "PENDING" not in result.stdout, result.stdout


async def test_model_docstrings_have_no_semicolons(session_database):
    # Tortoise turns a model's docstring into a table comment, and its SQLite
    # script splitter breaks on ';' inside it (seen with tortoise-orm 1.1.9).
    for model in Tortoise.apps.get_models_iterable():
        assert ";" not in (model.__doc__ or ""), model.__name__
