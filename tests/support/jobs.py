"""Drive background work from a test: relay the outbox, then let a real worker drain it."""

from __future__ import annotations

import asyncio

import dramatiq
from starlette.applications import Starlette

from workers.registry import bound_queue_names


async def run_queued_jobs(app: Starlette, timeout_seconds: float = 30) -> int:
    """Relay pending outbox rows and process them with a Dramatiq worker on the app's broker.

    Works the same on the embedded (stub) broker and on Redis/RabbitMQ.
    """
    broker: dramatiq.Broker = app.state.broker
    relayed = await app.state.relay.relay_once()
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        for queue in bound_queue_names(broker):
            await asyncio.to_thread(broker.join, queue, timeout=int(timeout_seconds * 1000))
        await asyncio.to_thread(worker.join)
    finally:
        await asyncio.to_thread(worker.stop)
    return relayed
