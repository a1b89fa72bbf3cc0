"""The loop that moves committed outbox rows onto the broker."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import dramatiq

from core.outbox.models import OutboxMessage
from core.outbox.services import relay_pending

logger = logging.getLogger(__name__)


def to_dramatiq_message(broker: dramatiq.Broker, row: OutboxMessage) -> dramatiq.Message[None]:
    actor = broker.get_actor(row.actor_name)
    # The outbox id doubles as the message id, so a re-sent row is recognisable.
    return dramatiq.Message(
        queue_name=actor.queue_name,
        actor_name=row.actor_name,
        args=(),
        kwargs=row.payload,
        options={},
        message_id=str(row.message_id),
    )


class OutboxRelay:
    """Polls the outbox every ``interval`` seconds, or at once when :meth:`wake` is called."""

    def __init__(self, broker: dramatiq.Broker, interval: float = 1.0) -> None:
        self.broker = broker
        self.interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _send(self, rows: list[OutboxMessage]) -> None:
        messages = [to_dramatiq_message(self.broker, row) for row in rows]

        def enqueue_all() -> None:
            for message in messages:
                self.broker.enqueue(message)

        await asyncio.to_thread(enqueue_all)

    async def relay_once(self) -> int:
        """Relay everything pending now; returns the number of messages sent."""
        total = 0
        while sent := await relay_pending(self._send):
            total += sent
        return total

    async def _run(self) -> None:
        while True:
            try:
                await self.relay_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("outbox relay pass failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
