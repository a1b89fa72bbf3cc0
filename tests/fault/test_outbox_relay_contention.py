"""The outbox relay shares an SQLite file with the web process: while another process
is writing, a relay pass must wait its turn rather than send messages it then cannot
mark as sent (which made every later pass send them again)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from core.outbox.models import OutboxMessage
from core.outbox.services import enqueue, pending_count, relay_pending
from core.settings import Settings

pytestmark = pytest.mark.usefixtures("db")


def _hold_write_lock(path: str, seconds: float, holding: threading.Event) -> None:
    """Another process writing: BEGIN IMMEDIATE keeps SQLite's write lock until commit."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        holding.set()
        threading.Event().wait(seconds)
        other.execute("COMMIT")
    finally:
        other.close()


async def test_a_relay_pass_waits_for_another_writer_and_sends_each_message_once(
    settings: Settings,
):
    if not settings.is_sqlite:
        pytest.skip("SQLite's file lock; PostgreSQL locks rows (SKIP LOCKED)")
    for number in range(3):
        await enqueue("job", tenant_id=1, number=number)
    path = settings.database_url.removeprefix("sqlite://").split("?")[0]
    holding = threading.Event()
    writer = threading.Thread(target=_hold_write_lock, args=(path, 0.5, holding))
    writer.start()
    await asyncio.to_thread(holding.wait, 5)
    sent: list[int] = []

    async def send(rows: list[OutboxMessage]) -> None:
        sent.extend(row.payload["number"] for row in rows)

    try:
        relayed = await relay_pending(send)
    finally:
        await asyncio.to_thread(writer.join, 5)
    assert relayed == 3
    assert await relay_pending(send) == 0
    assert sent == [0, 1, 2]
    assert await pending_count() == 0
