"""Record jobs with the change that causes them; hand them to the broker after commit.

``enqueue`` writes a row in the caller's transaction, so a rolled-back change
never runs its job and a committed one always does (at least once). The relay
reads committed rows and sends them; actors must be idempotent.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from core.clock import utcnow
from core.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

Send = Callable[[OutboxMessage], Any]


async def enqueue(
    actor_name: str,
    *,
    tenant_id: int | None,
    idempotency_key: str | None = None,
    **payload: Any,
) -> bool:
    """Queue ``actor_name(tenant_id=..., **payload)``; ``False`` if the key was already queued.

    The payload holds ids and plain values only, never objects.
    """
    message = OutboxMessage(
        message_id=uuid.uuid4(),
        tenant_id=tenant_id,
        actor_name=actor_name,
        payload={"tenant_id": tenant_id, **payload},
        idempotency_key=idempotency_key,
    )
    if idempotency_key is None:
        await message.save()
        return True
    # ON CONFLICT DO NOTHING: a duplicate must not abort the caller's transaction.
    await OutboxMessage.bulk_create([message], ignore_conflicts=True)
    return await OutboxMessage.filter(
        idempotency_key=idempotency_key, message_id=message.message_id
    ).exists()


async def relay_pending(send: Callable[[list[OutboxMessage]], Any], batch_size: int = 100) -> int:
    """Send up to ``batch_size`` committed messages; returns how many were handed over.

    Rows are locked with SKIP LOCKED on PostgreSQL, so several relays never send
    the same row at once. ``send`` may raise: the rows stay pending with the error.
    """
    # On SQLite the transaction holds the write lock from its start (core.db_sqlite), so
    # the closing update cannot fail on the lock after ``send`` and resend next pass.
    async with in_transaction():
        pending = await (
            OutboxMessage.filter(relayed_at__isnull=True)
            .order_by("id")
            .limit(batch_size)
            .select_for_update(skip_locked=True)
        )
        if not pending:
            return 0
        ids = [message.id for message in pending]
        try:
            await send(pending)
        except Exception as error:
            logger.exception("outbox relay could not reach the broker")
            for message in pending:
                message.relay_attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:500]
            await OutboxMessage.bulk_update(pending, fields=["relay_attempts", "last_error"])
            return 0
        await OutboxMessage.filter(id__in=ids).update(relayed_at=utcnow(), last_error=None)
    return len(ids)


async def pending_count() -> int:
    return await OutboxMessage.filter(relayed_at__isnull=True).count()


async def prune_relayed(tenant_id: int, older_than: datetime) -> int:
    """Delete a tenant's messages that reached the broker before ``older_than``."""
    return await OutboxMessage.filter(
        tenant_id=tenant_id, relayed_at__isnull=False, relayed_at__lt=older_than
    ).delete()


def retention_cutoff(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)
