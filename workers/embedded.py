"""The in-process worker used with the embedded broker (development and default tests)."""

from __future__ import annotations

import dramatiq


class EmbeddedWorker:
    def __init__(self, broker: dramatiq.Broker, threads: int = 2) -> None:
        # A 100 ms timeout keeps shutdown quick; the stub broker is in memory.
        self.worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=100)

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop(timeout=5_000)
