"""Daily housekeeping: tidy each council's outbox and let its plugins tidy up too."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import date
from typing import Any

from core.clock import utcnow
from core.identity.cleanup import prune_sessions
from core.jobs.models import JobRun
from core.jobs.services import run_once
from core.outbox.services import enqueue, prune_relayed, retention_cutoff
from core.runtime import Runtime
from tenants.models import Tenant, TenantStatus
from tenants.services import tenant_info

logger = logging.getLogger(__name__)

JOB_NAME = "daily-housekeeping"
ACTOR_NAME = "daily_housekeeping"


async def schedule_daily_housekeeping(run_date: date, *, again: bool = False) -> int:
    """Queue one run per active council for ``run_date``; safe to call any number of times.

    The scheduler queues each council and day once. ``again`` (an operator's
    manual re-run) always queues: a day that already succeeded is still not
    repeated (see ``run_once``), but one whose retries ran out is tried again.
    """
    queued = 0
    for tenant_id in await Tenant.filter(status=TenantStatus.ACTIVE).values_list("id", flat=True):
        key = f"{JOB_NAME}:{tenant_id}:{run_date.isoformat()}"
        if await enqueue(
            ACTOR_NAME,
            tenant_id=tenant_id,
            idempotency_key=f"{key}:again:{uuid.uuid4()}" if again else key,
            run_date=run_date.isoformat(),
        ):
            queued += 1
    return queued


def _plain(value: Any) -> Any:
    """Keep a plugin's summary JSON-safe whatever it returned."""
    return json.loads(json.dumps(value, default=str))


async def run_daily_housekeeping(runtime: Runtime, tenant_id: int, run_date: date) -> JobRun | None:
    tenant = await Tenant.get_or_none(id=tenant_id)
    if tenant is None or not tenant.is_active:
        logger.info("housekeeping skipped: tenant %s is gone or suspended", tenant_id)
        return None

    async def work() -> dict[str, Any]:
        cutoff = retention_cutoff(utcnow(), runtime.settings.outbox_retention_days)
        pruned = await prune_relayed(tenant.id, cutoff)
        sessions = await prune_sessions(tenant.id)
        plugins = runtime.plugins_for(tenant)
        answers = await plugins.acollect(
            "carepurse_tenant_housekeeping", tenant=tenant_info(tenant), run_date=run_date
        )
        return {
            "outbox_pruned": pruned,
            "sessions_pruned": sessions,
            "plugins": {name: _plain(a) for name, a in answers},
        }

    return await run_once(tenant.id, JOB_NAME, run_date.isoformat(), work)
