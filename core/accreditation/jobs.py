"""The daily accreditation expiry run: check one council's accreditations, once per day."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.accreditation.expiry import check_expiry
from core.jobs.models import JobRun
from core.jobs.services import queue_daily_per_council, run_once
from core.runtime import Runtime

JOB_NAME = "accreditation-expiry"
ACTOR_NAME = "check_accreditation_expiry"


async def schedule_expiry_checks(run_date: date) -> int:
    """Queue one run per active council for ``run_date``; repeating queues nothing more."""
    return await queue_daily_per_council(ACTOR_NAME, JOB_NAME, run_date)


async def run_expiry_check(runtime: Runtime, tenant_id: int, run_date: date) -> JobRun | None:
    async def work() -> dict[str, Any]:
        return await check_expiry(runtime, tenant_id, run_date)

    # Each change and its email are saved together and are conditional on the state
    # they were read in, so a retried run repeats nothing.
    return await run_once(tenant_id, JOB_NAME, run_date.isoformat(), work)
