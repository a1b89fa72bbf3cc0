"""The ``carepurse scheduler`` process: APScheduler plus the outbox relay."""

from __future__ import annotations

import asyncio
import logging

from core.migrate import database
from core.runtime import Runtime
from core.settings import Settings
from workers import runtime
from workers.broker import build_broker
from workers.relay import OutboxRelay
from workers.scheduler import build_scheduler

logger = logging.getLogger(__name__)


async def run_scheduler(settings: Settings, stop: asyncio.Event) -> None:
    async with database(settings):
        runtime.install(Runtime.build(settings))
        broker = build_broker(settings)
        relay = OutboxRelay(broker, settings.outbox_poll_seconds)
        relay.start()
        scheduler = build_scheduler(settings, relay)
        scheduler.start()
        logger.info("scheduler running; jobs: %s", [job.id for job in scheduler.get_jobs()])
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            await relay.stop()
            broker.close()
