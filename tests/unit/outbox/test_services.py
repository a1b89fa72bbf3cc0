"""Jobs are recorded with the change that causes them and relayed after commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

from core.clock import utcnow
from core.outbox.models import OutboxMessage
from core.outbox.services import enqueue, pending_count, prune_relayed, relay_pending

pytestmark = pytest.mark.usefixtures("db")


async def test_message_carries_the_tenant_id_and_plain_payload():
    assert await enqueue("daily_housekeeping", tenant_id=4, run_date="2026-11-23")
    message = await OutboxMessage.get()
    assert message.payload == {"tenant_id": 4, "run_date": "2026-11-23"}
    assert message.tenant_id == 4 and message.relayed_at is None


async def test_same_idempotency_key_is_queued_once():
    assert await enqueue("job", tenant_id=1, idempotency_key="k-1")
    assert not await enqueue("job", tenant_id=1, idempotency_key="k-1")
    assert await OutboxMessage.all().count() == 1


async def test_duplicate_key_inside_a_transaction_does_not_abort_it():
    await enqueue("job", tenant_id=1, idempotency_key="k-2")
    async with in_transaction():
        assert not await enqueue("job", tenant_id=1, idempotency_key="k-2")
        assert await enqueue("job", tenant_id=1, idempotency_key="k-3")
    assert await OutboxMessage.all().count() == 2


async def test_rolled_back_change_never_queues_its_job():
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await enqueue("job", tenant_id=1)
            raise RuntimeError("the change failed")
    assert await OutboxMessage.all().count() == 0


async def test_relay_hands_pending_rows_over_in_order_and_marks_them():
    for number in range(3):
        await enqueue("job", tenant_id=1, number=number)
    sent: list[int] = []

    async def send(rows):
        sent.extend(row.payload["number"] for row in rows)

    assert await relay_pending(send, batch_size=2) == 2
    assert await relay_pending(send, batch_size=2) == 1
    assert await relay_pending(send, batch_size=2) == 0
    assert sent == [0, 1, 2]
    assert await pending_count() == 0


async def test_unreachable_broker_keeps_rows_pending_with_the_error():
    await enqueue("job", tenant_id=1)

    async def send(rows):
        raise ConnectionError("broker down")

    assert await relay_pending(send) == 0
    message = await OutboxMessage.get()
    assert message.relayed_at is None
    assert message.relay_attempts == 1
    assert message.last_error == "ConnectionError: broker down"


async def test_prune_removes_only_old_relayed_rows_of_that_tenant():
    old = utcnow() - timedelta(days=40)
    for tenant_id, relayed in ((1, old), (1, None), (2, old), (1, utcnow())):
        await enqueue("job", tenant_id=tenant_id)
        message = await OutboxMessage.all().order_by("-id").first()
        message.relayed_at = relayed
        await message.save()
    assert await prune_relayed(1, utcnow() - timedelta(days=30)) == 1
    assert await OutboxMessage.filter(tenant_id=1).count() == 2
    assert await OutboxMessage.filter(tenant_id=2).count() == 1
