"""A job runs at most once per tenant and period, however often it is delivered."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.clock import utcnow
from core.jobs.models import JobRun, JobStatus
from core.jobs.services import run_once
from tests.factories import make_tenant

pytestmark = pytest.mark.usefixtures("db")


async def test_second_delivery_of_a_succeeded_run_does_nothing():
    tenant = await make_tenant()
    calls = []

    async def work():
        calls.append(1)
        return {"done": len(calls)}

    first = await run_once(tenant.id, "tidy", "2026-11-23", work)
    second = await run_once(tenant.id, "tidy", "2026-11-23", work)
    assert first.status == JobStatus.SUCCEEDED and first.summary == {"done": 1}
    assert second is None
    assert calls == [1]


async def test_failed_run_is_recorded_and_retried_by_the_next_delivery():
    tenant = await make_tenant()

    async def broken():
        raise ValueError("disk full")

    with pytest.raises(ValueError, match="disk full"):
        await run_once(tenant.id, "tidy", "p1", broken)
    failed = await JobRun.get(tenant_id=tenant.id)
    assert failed.status == JobStatus.FAILED and failed.error == "ValueError: disk full"

    async def fixed():
        return {"ok": True}

    retried = await run_once(tenant.id, "tidy", "p1", fixed)
    assert retried.status == JobStatus.SUCCEEDED
    assert retried.attempts == 2 and retried.error is None


async def test_run_left_running_by_a_dead_worker_is_taken_over_after_an_hour():
    tenant = await make_tenant()
    await JobRun.create(
        tenant=tenant, job_name="tidy", period_key="p2", started_at=utcnow() - timedelta(hours=2)
    )

    async def work():
        return {}

    assert (await run_once(tenant.id, "tidy", "p2", work)).attempts == 2


async def test_run_in_progress_elsewhere_is_left_alone():
    tenant = await make_tenant()
    await JobRun.create(tenant=tenant, job_name="tidy", period_key="p3", started_at=utcnow())

    async def work():
        raise AssertionError("must not run twice at once")

    assert await run_once(tenant.id, "tidy", "p3", work) is None


async def test_concurrent_deliveries_run_the_work_once():
    tenant = await make_tenant()
    calls = []

    async def work():
        calls.append(1)
        await asyncio.sleep(0.01)
        return {}

    results = await asyncio.gather(
        *(run_once(tenant.id, "tidy", "p4", work) for _ in range(4)), return_exceptions=True
    )
    assert calls == [1]
    assert sum(isinstance(r, JobRun) for r in results) == 1
