"""The orders' periodic work: materialising sessions (daily), lapsing unanswered orders
(hourly) and confirming deliveries nobody disputed in time (daily), once per period."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from core.clock import utcnow
from core.jobs.models import JobRun
from core.jobs.services import queue_daily_per_council, run_once
from core.orders.decisions import expire_orders
from core.orders.deliveries import auto_confirm_deliveries
from core.orders.materialise import materialise_sessions
from core.orders.policy import ordering_policy_for
from core.outbox.services import enqueue
from core.runtime import Runtime
from tenants.models import Tenant, TenantStatus

JOB_NAME = "materialise-sessions"
ACTOR_NAME = "materialise_sessions"
EXPIRY_JOB_NAME = "expire-orders"
EXPIRY_ACTOR_NAME = "expire_orders"
AUTO_CONFIRM_JOB_NAME = "auto-confirm-deliveries"
AUTO_CONFIRM_ACTOR_NAME = "auto_confirm_deliveries"


async def schedule_materialisation(run_date: date) -> int:
    """Queue one run per active council for ``run_date``; repeating queues nothing more."""
    return await queue_daily_per_council(ACTOR_NAME, JOB_NAME, run_date)


async def run_materialisation(tenant_id: int, run_date: date) -> JobRun | None:
    async def work() -> dict[str, Any]:
        return await materialise_sessions(tenant_id, run_date)

    # Sessions are unique per booking and start, and each booking's materialised_until is
    # advanced conditionally in the same transaction, so a retried run creates nothing twice.
    return await run_once(tenant_id, JOB_NAME, run_date.isoformat(), work)


def expiry_hour(run_at: datetime) -> str:
    """The hour a run of the order expiry belongs to, in UTC (its period key)."""
    return run_at.astimezone(UTC).strftime("%Y-%m-%dT%H")


async def schedule_order_expiry(run_at: datetime) -> int:
    """Queue one expiry run per active council for ``run_at``'s hour; repeating within the
    hour queues nothing more (the outbox refuses a second row with the same key)."""
    hour = expiry_hour(run_at)
    queued = 0
    for tenant_id in await Tenant.filter(status=TenantStatus.ACTIVE).values_list("id", flat=True):
        if await enqueue(
            EXPIRY_ACTOR_NAME,
            tenant_id=tenant_id,
            run_at=run_at.astimezone(UTC).isoformat(),
            idempotency_key=f"{EXPIRY_JOB_NAME}:{tenant_id}:{hour}",
        ):
            queued += 1
    return queued


async def run_order_expiry(
    tenant_id: int, run_at: datetime, now: datetime | None = None
) -> JobRun | None:
    """Expire the council's unanswered orders, once per hour. Orders are cut off at ``now``
    (the moment the work runs, by default), never before ``run_at``."""

    async def work() -> dict[str, Any]:
        return await expire_orders(tenant_id, max(run_at, now or utcnow()))

    # Each order lapses by a conditional update in its own transaction, so a retried or
    # repeated run changes nothing already done.
    return await run_once(tenant_id, EXPIRY_JOB_NAME, expiry_hour(run_at), work)


async def schedule_auto_confirmation(run_date: date) -> int:
    """Queue one auto-confirm run per active council for ``run_date``; repeating queues
    nothing more."""
    return await queue_daily_per_council(AUTO_CONFIRM_ACTOR_NAME, AUTO_CONFIRM_JOB_NAME, run_date)


async def run_auto_confirmation(
    runtime: Runtime, tenant_id: int, run_date: date, now: datetime | None = None
) -> JobRun | None:
    """Confirm the council's deliveries nobody disputed within its ``auto_confirm_days``,
    once per day. Deliveries are counted up to ``now`` (the moment the work runs)."""

    async def work() -> dict[str, Any]:
        tenant = await Tenant.get_or_none(id=tenant_id)
        if tenant is None or not tenant.is_active:
            return {"skipped": "tenant gone or suspended"}
        days = ordering_policy_for(runtime, tenant).auto_confirm_days
        summary = await auto_confirm_deliveries(tenant_id, days=days, now=now or utcnow())
        return {"days": days, **summary}

    # Each delivery is confirmed by a conditional update in its own transaction, so a
    # retried or repeated run confirms nothing twice.
    return await run_once(tenant_id, AUTO_CONFIRM_JOB_NAME, run_date.isoformat(), work)
