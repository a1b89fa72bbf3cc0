"""Periodic work, scheduled with APScheduler on the UK calendar.

Exactly one scheduler runs per deployment (``carepurse scheduler``, or inside
the web process in development). Each scheduled function only *queues* work
through the outbox with an idempotency key, so a run repeated after a restart
or a misfire queues nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from core.accreditation.jobs import schedule_expiry_checks
from core.budgets.jobs import schedule_funding_runs
from core.clock import uk_today, utcnow
from core.housekeeping.services import schedule_daily_housekeeping
from core.identity.cleanup import prune_platform_leftovers
from core.monitoring.jobs import schedule_monitoring_runs
from core.orders.jobs import (
    schedule_auto_confirmation,
    schedule_materialisation,
    schedule_order_expiry,
)
from core.settings import UK_TIMEZONE, Settings
from workers.relay import OutboxRelay

logger = logging.getLogger(__name__)

# Budget monitoring runs after the night's funding run (00:15) has credited what fell due.
MONITORING_HOUR = 6
# Accreditations end at the start of their end date's working day, before offices open.
ACCREDITATION_HOUR = 5
# Recurring bookings become sessions (eight weeks ahead) before the working day starts.
MATERIALISE_HOUR, MATERIALISE_MINUTE = 4, 30
# Deliveries nobody disputed in the council's days count as confirmed, before invoicing.
AUTO_CONFIRM_HOUR, AUTO_CONFIRM_MINUTE = 5, 30
# Orders the provider did not answer in time lapse (and release their money) every hour.
ORDER_EXPIRY_MINUTE = 5
CATCH_UP_DELAY = timedelta(minutes=15)


async def queue_todays_housekeeping(relay: OutboxRelay | None = None) -> int:
    queued = await schedule_daily_housekeeping(uk_today())
    logger.info("queued daily housekeeping for %d council(s)", queued)
    logger.info("pruned platform leftovers: %s", await prune_platform_leftovers())
    if relay is not None:
        relay.wake()
    return queued


async def queue_todays_funding(relay: OutboxRelay | None = None) -> int:
    queued = await schedule_funding_runs(uk_today())
    logger.info("queued the funding run for %d council(s)", queued)
    if relay is not None:
        relay.wake()
    return queued


async def queue_todays_monitoring(relay: OutboxRelay | None = None) -> int:
    queued = await schedule_monitoring_runs(uk_today())
    logger.info("queued budget monitoring for %d council(s)", queued)
    if relay is not None:
        relay.wake()
    return queued


async def queue_todays_accreditation_checks(relay: OutboxRelay | None = None) -> int:
    queued = await schedule_expiry_checks(uk_today())
    logger.info("queued accreditation expiry checks for %d council(s)", queued)
    if relay is not None:
        relay.wake()
    return queued


async def queue_todays_materialisation(relay: OutboxRelay | None = None) -> int:
    queued = await schedule_materialisation(uk_today())
    logger.info("queued session materialisation for %d council(s)", queued)
    if relay is not None:
        relay.wake()
    return queued


async def queue_todays_auto_confirmation(relay: OutboxRelay | None = None) -> int:
    queued = await schedule_auto_confirmation(uk_today())
    logger.info("queued delivery auto-confirmation for %d council(s)", queued)
    if relay is not None:
        relay.wake()
    return queued


async def queue_order_expiry(relay: OutboxRelay | None = None) -> int:
    queued = await schedule_order_expiry(utcnow())
    logger.info("queued order expiry for %d council(s)", queued)
    if relay is not None:
        relay.wake()
    return queued


def catch_up_after(hour: int, now: datetime) -> dict[str, Any]:
    """Catch up after start-up, but only once the day's usual time has passed, and a
    little later than the funding run queued at start-up, so its credits are counted. A
    scheduler started in the small hours leaves the run to its usual time."""
    return {"next_run_time": now + CATCH_UP_DELAY} if now.hour >= hour else {}


def build_scheduler(settings: Settings, relay: OutboxRelay | None) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UK_TIMEZONE)
    scheduler.add_job(
        queue_todays_funding,
        CronTrigger(hour=0, minute=15, timezone=UK_TIMEZONE),
        kwargs={"relay": relay},
        id="credit-funding",
        name="Credit each council's funding that has fallen due",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
        next_run_time=datetime.now(UK_TIMEZONE),
    )
    scheduler.add_job(
        queue_todays_housekeeping,
        CronTrigger(hour=settings.housekeeping_hour, minute=30, timezone=UK_TIMEZONE),
        kwargs={"relay": relay},
        id="daily-housekeeping",
        name="Queue each council's daily housekeeping",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
        # Also run once at start-up: a scheduler that was down at 02:30 catches up.
        next_run_time=datetime.now(UK_TIMEZONE),
    )
    scheduler.add_job(
        queue_todays_monitoring,
        CronTrigger(hour=MONITORING_HOUR, minute=0, timezone=UK_TIMEZONE),
        kwargs={"relay": relay},
        id="budget-monitoring",
        name="Evaluate each council's budget exceptions",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
        **catch_up_after(MONITORING_HOUR, datetime.now(UK_TIMEZONE)),
    )
    scheduler.add_job(
        queue_todays_accreditation_checks,
        CronTrigger(hour=ACCREDITATION_HOUR, minute=0, timezone=UK_TIMEZONE),
        kwargs={"relay": relay},
        id="accreditation-expiry",
        name="Warn about and expire each council's provider accreditations",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
        **catch_up_after(ACCREDITATION_HOUR, datetime.now(UK_TIMEZONE)),
    )
    scheduler.add_job(
        queue_todays_materialisation,
        CronTrigger(hour=MATERIALISE_HOUR, minute=MATERIALISE_MINUTE, timezone=UK_TIMEZONE),
        kwargs={"relay": relay},
        id="materialise-sessions",
        name="Turn each council's recurring bookings into sessions",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
        **catch_up_after(MATERIALISE_HOUR, datetime.now(UK_TIMEZONE)),
    )
    scheduler.add_job(
        queue_todays_auto_confirmation,
        CronTrigger(hour=AUTO_CONFIRM_HOUR, minute=AUTO_CONFIRM_MINUTE, timezone=UK_TIMEZONE),
        kwargs={"relay": relay},
        id="auto-confirm-deliveries",
        name="Confirm each council's deliveries nobody disputed in time",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
        **catch_up_after(AUTO_CONFIRM_HOUR, datetime.now(UK_TIMEZONE)),
    )
    scheduler.add_job(
        queue_order_expiry,
        CronTrigger(minute=ORDER_EXPIRY_MINUTE, timezone=UK_TIMEZONE),
        kwargs={"relay": relay},
        id="expire-orders",
        name="Lapse each council's unanswered orders and release their money",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
        # Also once at start-up: orders that lapsed while the scheduler was down.
        next_run_time=datetime.now(UK_TIMEZONE),
    )
    return scheduler
