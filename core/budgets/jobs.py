"""The daily funding run: credit every instalment that has fallen due, for one council."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.budgets.funding import credit_due_instalments
from core.budgets.models import Budget, BudgetStatus
from core.jobs.models import JobRun
from core.jobs.services import queue_daily_per_council, run_once

JOB_NAME = "credit-funding"
ACTOR_NAME = "credit_funding"


async def schedule_funding_runs(run_date: date) -> int:
    """Queue one run per active council for ``run_date``; repeating queues nothing more."""
    return await queue_daily_per_council(ACTOR_NAME, JOB_NAME, run_date)


async def run_funding(tenant_id: int, run_date: date) -> JobRun | None:
    async def work() -> dict[str, Any]:
        credited = await credit_due_instalments(tenant_id, run_date)
        ended = await Budget.filter(
            tenant_id=tenant_id, status=BudgetStatus.ACTIVE, ended_on__lt=run_date
        ).update(status=BudgetStatus.ENDED)
        return {"instalments_credited": credited, "budgets_ended": ended}

    # A crash between instalments is harmless: each instalment is claimed once, so a
    # retried (or repeated) run credits only what is still due.
    return await run_once(tenant_id, JOB_NAME, run_date.isoformat(), work)
