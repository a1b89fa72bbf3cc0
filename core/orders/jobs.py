"""The daily materialisation run: turn one council's bookings into sessions, once per day."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.jobs.models import JobRun
from core.jobs.services import queue_daily_per_council, run_once
from core.orders.materialise import materialise_sessions

JOB_NAME = "materialise-sessions"
ACTOR_NAME = "materialise_sessions"


async def schedule_materialisation(run_date: date) -> int:
    """Queue one run per active council for ``run_date``; repeating queues nothing more."""
    return await queue_daily_per_council(ACTOR_NAME, JOB_NAME, run_date)


async def run_materialisation(tenant_id: int, run_date: date) -> JobRun | None:
    async def work() -> dict[str, Any]:
        return await materialise_sessions(tenant_id, run_date)

    # Sessions are unique per booking and start, and each booking's materialised_until is
    # advanced conditionally in the same transaction, so a retried run creates nothing twice.
    return await run_once(tenant_id, JOB_NAME, run_date.isoformat(), work)
