"""Create the schema once per session by running the real migrations; empty tables per test."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise, connections

from core.db import tortoise_config
from core.migrate import migrate_database
from core.settings import Settings


async def reset_schema(settings: Settings) -> None:
    """Start from nothing, so the migrations themselves are what builds the schema."""
    if settings.is_sqlite:
        _remove_sqlite_files(settings.database_url.removeprefix("sqlite://").split("?")[0])
        return
    await Tortoise.init(config=tortoise_config(settings))
    try:
        await connections.get("default").execute_script(
            "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
        )
    finally:
        await Tortoise.close_connections()


def _remove_sqlite_files(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


async def open_session_database(settings: Settings) -> None:
    await reset_schema(settings)
    await migrate_database(settings)
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def table_names() -> list[str]:
    connection = connections.get("default")
    if connection.capabilities.dialect == "sqlite":
        # Virtual tables (the FTS5 search index) are emptied through themselves: deleting
        # from their shadow tables would corrupt them.
        rows = await connection.execute_query_dict(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' "
            "AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%'"
        )
        return [row["name"] for row in rows]
    rows = await connection.execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    return [row["tablename"] for row in rows]


async def empty_tables(tables: list[str]) -> None:
    """Delete every row except the migration history."""
    connection = connections.get("default")
    data_tables = [t for t in tables if not t.startswith("tortoise_")]
    if connection.capabilities.dialect == "sqlite":
        # Ledger tables reference each other with ON DELETE RESTRICT: empty them all at once.
        deletes = "".join(f'DELETE FROM "{table}";' for table in data_tables)
        await connection.execute_script(
            f"PRAGMA foreign_keys = OFF;{deletes}PRAGMA foreign_keys = ON;"
        )
    else:
        quoted = ", ".join(f'"{table}"' for table in data_tables)
        await connection.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE;")
