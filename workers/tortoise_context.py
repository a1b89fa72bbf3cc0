"""Give the worker's own event loop its own Tortoise context.

Database connections belong to the event loop that opened them, and Dramatiq's
AsyncIO middleware runs actors on a separate loop thread, so that loop gets a
context of its own, opened after boot and closed before shutdown.
"""

from __future__ import annotations

import logging

import dramatiq
from dramatiq.asyncio import get_event_loop_thread
from tortoise.context import TortoiseContext

from core.db import tortoise_config
from core.settings import Settings
from workers import runtime

logger = logging.getLogger(__name__)


class TortoiseOnWorkerLoop(dramatiq.Middleware):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        # Before, not after: worker threads start consuming inside Worker.start(),
        # before the "after boot" signal. AsyncIO (added first) has made the loop.
        loop_thread = get_event_loop_thread()
        if loop_thread is None:
            raise RuntimeError("the AsyncIO middleware must come before TortoiseOnWorkerLoop")
        context = TortoiseContext()
        config = tortoise_config(self.settings)
        loop_thread.run_coroutine(runtime.within(context, lambda: context.init(config=config)))
        runtime.current().database = context
        logger.info("worker database context ready")

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        loop_thread = get_event_loop_thread()
        state = runtime.current()
        if loop_thread is not None and state.database is not None:
            database = state.database
            loop_thread.run_coroutine(runtime.within(database, database.close_connections))
            state.database = None
