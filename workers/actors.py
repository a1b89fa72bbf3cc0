"""Dramatiq actors. Each is thin: it turns message fields back into values and calls a service."""

from __future__ import annotations

from datetime import date, datetime

from core.accreditation.jobs import ACTOR_NAME as CHECK_ACCREDITATION_EXPIRY
from core.accreditation.jobs import run_expiry_check
from core.budgets.jobs import ACTOR_NAME as CREDIT_FUNDING
from core.budgets.jobs import run_funding
from core.directory.jobs import ACTOR_NAME as IMPORT_DIRECTORY
from core.directory.jobs import run_url_import
from core.email.services import ACTOR_NAME as DELIVER_EMAIL
from core.email.services import deliver
from core.housekeeping.services import ACTOR_NAME, run_daily_housekeeping
from core.monitoring.jobs import ACTOR_NAME as EVALUATE_EXCEPTIONS
from core.monitoring.jobs import run_monitoring
from core.orders.jobs import ACTOR_NAME as MATERIALISE_SESSIONS
from core.orders.jobs import AUTO_CONFIRM_ACTOR_NAME as AUTO_CONFIRM_DELIVERIES
from core.orders.jobs import EXPIRY_ACTOR_NAME as EXPIRE_ORDERS
from core.orders.jobs import run_auto_confirmation, run_materialisation, run_order_expiry
from workers import runtime
from workers.registry import job


@job(actor_name=ACTOR_NAME, queue_name="housekeeping", max_retries=5, min_backoff=10_000)
async def daily_housekeeping(tenant_id: int, run_date: str) -> None:
    await run_daily_housekeeping(runtime.current().core, tenant_id, date.fromisoformat(run_date))


@job(actor_name=DELIVER_EMAIL, queue_name="email", max_retries=8, min_backoff=30_000)
async def deliver_email(tenant_id: int | None, email_id: str) -> None:
    await deliver(email_id, runtime.current().core.settings)


@job(actor_name=CREDIT_FUNDING, queue_name="funding", max_retries=10, min_backoff=30_000)
async def credit_funding(tenant_id: int, run_date: str) -> None:
    await run_funding(tenant_id, date.fromisoformat(run_date))


@job(actor_name=EVALUATE_EXCEPTIONS, queue_name="monitoring", max_retries=5, min_backoff=30_000)
async def evaluate_budget_exceptions(tenant_id: int, run_date: str) -> None:
    await run_monitoring(runtime.current().core, tenant_id, date.fromisoformat(run_date))


@job(
    actor_name=CHECK_ACCREDITATION_EXPIRY,
    queue_name="accreditation",
    max_retries=5,
    min_backoff=30_000,
)
async def check_accreditation_expiry(tenant_id: int, run_date: str) -> None:
    await run_expiry_check(runtime.current().core, tenant_id, date.fromisoformat(run_date))


@job(actor_name=MATERIALISE_SESSIONS, queue_name="orders", max_retries=5, min_backoff=30_000)
async def materialise_sessions(tenant_id: int, run_date: str) -> None:
    await run_materialisation(tenant_id, date.fromisoformat(run_date))


@job(actor_name=EXPIRE_ORDERS, queue_name="orders", max_retries=5, min_backoff=30_000)
async def expire_orders(tenant_id: int, run_at: str) -> None:
    await run_order_expiry(tenant_id, datetime.fromisoformat(run_at))


@job(actor_name=AUTO_CONFIRM_DELIVERIES, queue_name="orders", max_retries=5, min_backoff=30_000)
async def auto_confirm_deliveries(tenant_id: int, run_date: str) -> None:
    await run_auto_confirmation(runtime.current().core, tenant_id, date.fromisoformat(run_date))


@job(actor_name=IMPORT_DIRECTORY, queue_name="directory", max_retries=3, min_backoff=60_000)
async def import_directory_feed(
    tenant_id: int,
    import_id: str,
    url: str,
    pause_missing: bool,
    requested_by: str,
    user_id: str | None = None,
) -> None:
    await run_url_import(
        runtime.current().core.settings,
        tenant_id,
        import_id,
        url,
        pause_missing,
        requested_by,
        user_id,
    )
