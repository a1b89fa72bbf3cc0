"""Run a job at most once per (tenant, job, period), however often it is delivered."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core.clock import utcnow
from core.jobs.models import JobRun, JobStatus
from core.outbox.services import enqueue
from tenants.models import Tenant, TenantStatus

logger = logging.getLogger(__name__)

# A run still marked "running" after this long is taken to have died with its worker.
STALE_AFTER = timedelta(hours=1)

Work = Callable[[], Awaitable[dict[str, Any]]]


async def _claim(tenant_id: int, job_name: str, period_key: str) -> JobRun | None:
    """Insert the run, or take over a failed or stale one; ``None`` if someone else has it."""
    now = utcnow()
    try:
        return await JobRun.create(
            tenant_id=tenant_id, job_name=job_name, period_key=period_key, started_at=now
        )
    except IntegrityError:
        pass
    existing = await JobRun.get(tenant_id=tenant_id, job_name=job_name, period_key=period_key)
    retryable = existing.status == JobStatus.FAILED or (
        existing.status == JobStatus.RUNNING and existing.started_at < now - STALE_AFTER
    )
    if not retryable:
        return None
    # Conditional update: of two workers retrying at once, exactly one wins.
    won = await JobRun.filter(
        id=existing.id, status=existing.status, started_at=existing.started_at
    ).update(status=JobStatus.RUNNING, started_at=now, attempts=F("attempts") + 1, error=None)
    if not won:
        return None
    await existing.refresh_from_db()
    return existing


async def run_once(tenant_id: int, job_name: str, period_key: str, work: Work) -> JobRun | None:
    """Run ``work`` unless this period's run already succeeded or is under way elsewhere."""
    run = await _claim(tenant_id, job_name, period_key)
    if run is None:
        logger.info(
            "%s for tenant %s, %s: already done or running", job_name, tenant_id, period_key
        )
        return None
    try:
        summary = await work()
    except Exception as error:
        run.status = JobStatus.FAILED
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = utcnow()
        await run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.status = JobStatus.SUCCEEDED
    run.summary = summary
    run.finished_at = utcnow()
    await run.save(update_fields=["status", "summary", "finished_at"])
    return run


async def recent_runs(tenant_id: int | None = None, limit: int = 50) -> list[JobRun]:
    query = JobRun.all().prefetch_related("tenant")
    if tenant_id is not None:
        query = query.filter(tenant_id=tenant_id)
    return await query.order_by("-started_at").limit(limit)


async def queue_daily_per_council(actor_name: str, job_name: str, run_date: date) -> int:
    """Queue one run of a daily job per active council; repeating queues nothing more,
    because the outbox refuses a second row with the same idempotency key."""
    queued = 0
    for tenant_id in await Tenant.filter(status=TenantStatus.ACTIVE).values_list("id", flat=True):
        if await enqueue(
            actor_name,
            tenant_id=tenant_id,
            run_date=run_date.isoformat(),
            idempotency_key=f"{job_name}:{tenant_id}:{run_date.isoformat()}",
        ):
            queued += 1
    return queued
