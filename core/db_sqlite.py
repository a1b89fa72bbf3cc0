"""Tortoise's SQLite backend, with transactions that queue for the write lock.

SQLite lets one writer in at a time. Tortoise opens transactions with a plain
``BEGIN``, which takes the write lock only at the first write. A transaction that
has read first cannot wait for the lock then (waiting could deadlock), so it fails
at once with "database is locked" whenever another process (the worker, a CLI
command, the test suite beside a test server) is writing, after it may already
have acted on what it read. ``BEGIN IMMEDIATE`` takes the lock at the start,
waiting up to the connection's busy timeout. PostgreSQL is unaffected.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise TransactionManagementError(error) from error


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient


def get_client_class(db_info: dict[str, Any]) -> type[SqliteClient]:
    return ImmediateSqliteClient
