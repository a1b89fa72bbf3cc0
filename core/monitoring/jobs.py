"""The daily monitoring run: evaluate one council's budget exceptions, once per day."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.jobs.models import JobRun
from core.jobs.services import queue_daily_per_council, run_once
from core.monitoring.services import evaluate_exceptions
from core.runtime import Runtime

JOB_NAME = "budget-monitoring"
ACTOR_NAME = "evaluate_budget_exceptions"


async def schedule_monitoring_runs(run_date: date) -> int:
    """Queue one run per active council for ``run_date``; repeating queues nothing more."""
    return await queue_daily_per_council(ACTOR_NAME, JOB_NAME, run_date)


async def run_monitoring(runtime: Runtime, tenant_id: int, run_date: date) -> JobRun | None:
    async def work() -> dict[str, Any]:
        return await evaluate_exceptions(runtime, tenant_id, run_date)

    # Exceptions and their email are saved in one transaction, so a retried run neither
    # loses nor repeats a notification.
    return await run_once(tenant_id, JOB_NAME, run_date.isoformat(), work)
