"""The daily housekeeping job end to end: scheduler -> outbox -> broker -> worker -> result.

Runs on the embedded broker by default and on Redis/RabbitMQ when
CAREPURSE_TEST_BROKER_URL is set, through the very same code.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import date, timedelta

import pytest

from core.app import create_app
from core.clock import uk_today, utcnow
from core.housekeeping.services import schedule_daily_housekeeping
from core.jobs.models import JobRun, JobStatus
from core.outbox.models import OutboxMessage
from tenants import services
from tenants.models import TenantStatus
from tests.factories import make_tenant
from tests.support.environment import as_environment
from tests.support.jobs import run_queued_jobs
from workers.scheduler import queue_todays_housekeeping


async def test_each_active_council_gets_one_run_with_its_plugins_summary(app, registry):
    riverside = await make_tenant(
        "riverside", registry=registry, plugins={"recorder": {"label": "R"}}
    )
    hillside = await make_tenant("hillside")
    paused = await make_tenant("paused")
    await services.set_status(paused, TenantStatus.SUSPENDED, "Closed")

    assert await queue_todays_housekeeping() == 2
    assert await run_queued_jobs(app) == 2

    runs = {run.tenant_id: run for run in await JobRun.all()}
    assert set(runs) == {riverside.id, hillside.id}
    assert all(run.status == JobStatus.SUCCEEDED for run in runs.values())
    assert runs[riverside.id].period_key == uk_today().isoformat()
    assert runs[riverside.id].summary == {
        "outbox_pruned": 0,
        "sessions_pruned": 0,
        "plugins": {"recorder": {"label": "R"}},
    }
    assert runs[hillside.id].summary == {"outbox_pruned": 0, "sessions_pruned": 0, "plugins": {}}


async def test_queueing_the_same_day_twice_runs_once(app):
    await make_tenant()
    assert await queue_todays_housekeeping() == 1
    assert await queue_todays_housekeeping() == 0
    await run_queued_jobs(app)
    # Even a re-delivered message (at-least-once) finds the run already done.
    await OutboxMessage.all().update(relayed_at=None)
    await run_queued_jobs(app)
    assert await JobRun.all().count() == 1
    assert (await JobRun.get()).attempts == 1


async def test_housekeeping_prunes_old_relayed_messages_of_that_council_only(app, settings):
    mine = await make_tenant()
    other = await make_tenant()
    stale = utcnow() - timedelta(days=settings.outbox_retention_days + 1)
    for tenant in (mine, other):
        await OutboxMessage.create(
            message_id=uuid.uuid4(),
            tenant_id=tenant.id,
            actor_name="daily_housekeeping",
            relayed_at=stale,
        )
    await schedule_daily_housekeeping(date(2026, 11, 23))
    await services.set_status(other, TenantStatus.SUSPENDED, "Closed")
    await run_queued_jobs(app)
    run = await JobRun.get(tenant_id=mine.id)
    assert run.summary["outbox_pruned"] == 1
    assert await OutboxMessage.filter(tenant_id=other.id, relayed_at=stale).count() == 1


async def test_background_work_runs_by_itself_while_the_app_serves(db, settings, registry):
    """No test driving: the app's own relay loop and worker (embedded, or a separate
    ``dramatiq workers.app`` process for Redis/RabbitMQ) complete the job."""
    tenant = await make_tenant()
    app = create_app(settings, registry=registry, init_database=False, run_background=True)
    worker_process = None
    if not settings.broker_is_embedded:
        worker_process = subprocess.Popen(  # what `carepurse worker` runs
            [sys.executable, "-m", "dramatiq", "workers.app", "--processes", "1", "--threads", "1"],
            env=as_environment(settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    try:
        async with app.router.lifespan_context(app):
            await queue_todays_housekeeping(app.state.relay)
            for _ in range(300):
                run = await JobRun.get_or_none(tenant_id=tenant.id)
                if run is not None and run.status == JobStatus.SUCCEEDED:
                    break
                await asyncio.sleep(0.05)
            else:
                pytest.fail("the housekeeping run did not complete within 15 s")
    finally:
        if worker_process is not None:
            worker_process.terminate()
            output = worker_process.communicate(timeout=30)[0].decode()
            assert "Traceback" not in output, output


def test_separate_worker_refuses_the_embedded_broker(settings):
    env = as_environment(settings) | {"CAREPURSE_BROKER_URL": "embedded"}
    result = subprocess.run(
        [sys.executable, "-m", "core.cli", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "embedded broker runs its worker inside `carepurse serve`" in result.stderr


def test_tests_run_on_the_broker_ci_asked_for(settings):
    # Guards the two-backend CI run: the real-service pass must really use Redis/RabbitMQ.
    wanted = os.environ.get("CAREPURSE_TEST_BROKER_URL")
    assert settings.broker_url == (wanted or "embedded")


async def test_operator_rerun_retries_a_failed_day_but_never_repeats_a_good_one(app, settings):
    from tests.support.cli import carepurse

    good = await make_tenant()
    failed = await make_tenant()
    await schedule_daily_housekeeping(date(2026, 11, 20))
    await run_queued_jobs(app)
    await JobRun.filter(tenant_id=failed.id).update(status=JobStatus.FAILED, error="disk full")

    result = await carepurse(settings, "housekeeping", "--date", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert "queued 2 council(s) for 2026-11-20" in result.output
    await run_queued_jobs(app)

    good_run = await JobRun.get(tenant_id=good.id)
    retried = await JobRun.get(tenant_id=failed.id)
    assert good_run.attempts == 1
    assert retried.status == JobStatus.SUCCEEDED
    assert retried.attempts == 2


async def test_housekeeping_prunes_old_sessions_and_platform_leftovers(app):
    from core.identity.cleanup import prune_platform_leftovers
    from core.identity.models import SignInThrottle, UserSession
    from tests.support.members import make_member

    tenant = await make_tenant()
    member = await make_member(tenant)
    long_ago = utcnow() - timedelta(days=40)
    await UserSession.create(
        id="a" * 64,
        tenant=tenant,
        user=member.user,
        created_at=long_ago,
        last_seen_at=long_ago,
        expires_at=long_ago,
    )
    await UserSession.create(
        id="b" * 64,
        tenant=tenant,
        user=member.user,
        created_at=utcnow(),
        last_seen_at=utcnow(),
        expires_at=utcnow() + timedelta(hours=1),
    )
    await SignInThrottle.create(
        key="account:old@example.org", failures=3, window_started_at=long_ago
    )
    await queue_todays_housekeeping()
    await run_queued_jobs(app)
    assert (await JobRun.get(tenant_id=tenant.id)).summary["sessions_pruned"] == 1
    assert await UserSession.filter(id="b" * 64).exists()
    assert (await prune_platform_leftovers())["throttle_counters"] == 0  # already pruned
    assert not await SignInThrottle.exists()
