"""Deliveries nobody confirmed or disputed count as confirmed after the council's number of
days (``auto_confirm_days``), by a daily job that is safe to repeat."""

from __future__ import annotations

from datetime import timedelta

from core.audit.models import AuditEvent
from core.audit.services import SYSTEM
from core.clock import uk_today, utcnow
from core.jobs.models import JobRun, JobStatus
from core.orders.deliveries import (
    auto_confirm_deliveries,
    dispute_delivery,
    ready_for_invoicing,
)
from core.orders.jobs import run_auto_confirmation, schedule_auto_confirmation
from core.orders.models import BookingSession, Delivery, DeliveryStatus, SessionStatus
from core.settings import Settings
from tests.factories import make_tenant
from tests.functional.orders.test_deliveries import as_member, recorded, visit_yesterday
from tests.support.jobs import run_queued_jobs
from workers.scheduler import build_scheduler


async def recorded_days_ago(tenant, days: float) -> Delivery:
    visit = await visit_yesterday(tenant)
    delivery = await recorded(visit)
    await Delivery.filter(id=delivery.id).update(created_at=utcnow() - timedelta(days=days))
    return delivery


async def test_only_deliveries_older_than_the_days_are_confirmed_and_only_once(db):
    tenant = await make_tenant()
    old = await recorded_days_ago(tenant, 8)
    young = await recorded_days_ago(tenant, 6)
    disputed_visit = await visit_yesterday(tenant)
    disputed = await recorded(disputed_visit)
    await Delivery.filter(id=disputed.id).update(created_at=utcnow() - timedelta(days=9))
    await dispute_delivery(as_member(disputed_visit.person), disputed.id, "never came")

    now = utcnow()
    summary = await auto_confirm_deliveries(tenant.id, days=7, now=now)
    assert summary == {"confirmed": 1, "already_done": 0, "failed": 0}
    stored = await Delivery.get(id=old.id)
    assert stored.status == DeliveryStatus.AUTO_CONFIRMED and stored.confirmed_at == now
    assert stored.confirmed_by_id is None  # type: ignore[attr-defined]
    session = await BookingSession.get(id=old.session.id)  # type: ignore[attr-defined]
    assert session.status == SessionStatus.CONFIRMED
    assert (await Delivery.get(id=young.id)).status == DeliveryStatus.RECORDED
    assert (await Delivery.get(id=disputed.id)).status == DeliveryStatus.DISPUTED
    [event] = await AuditEvent.filter(action="delivery_auto_confirmed")
    assert event.target_id == str(old.id) and event.actor_label == SYSTEM.audit_label
    assert [s.id for s in await ready_for_invoicing(tenant.id)] == [session.id]

    again = await auto_confirm_deliveries(tenant.id, days=7, now=now)
    assert again == {"confirmed": 0, "already_done": 0, "failed": 0}
    assert await AuditEvent.filter(action="delivery_auto_confirmed").count() == 1
    # Another council's job touches nothing here.
    other = await make_tenant()
    assert (await auto_confirm_deliveries(other.id, days=1, now=now))["confirmed"] == 0
    assert (await Delivery.get(id=young.id)).status == DeliveryStatus.RECORDED


async def test_the_daily_job_takes_the_days_from_the_councils_policy(app, registry):
    tenant = await make_tenant(registry=registry, plugins={"ordering": {"auto_confirm_days": 3}})
    four_days = await recorded_days_ago(tenant, 4)
    two_days = await recorded_days_ago(tenant, 2)
    today = uk_today()

    run = await run_auto_confirmation(app.state.runtime, tenant.id, today)
    assert run is not None and run.status == JobStatus.SUCCEEDED
    assert run.summary["days"] == 3 and run.summary["confirmed"] == 1
    assert (await Delivery.get(id=four_days.id)).status == DeliveryStatus.AUTO_CONFIRMED
    assert (await Delivery.get(id=two_days.id)).status == DeliveryStatus.RECORDED
    # The same day again does nothing.
    assert await run_auto_confirmation(app.state.runtime, tenant.id, today) is None
    assert await AuditEvent.filter(action="delivery_auto_confirmed").count() == 1


async def test_the_job_runs_through_the_outbox_once_per_council_and_day(app):
    tenant = await make_tenant()  # the core default: 7 days
    old = await recorded_days_ago(tenant, 7.5)
    today = uk_today()
    assert await schedule_auto_confirmation(today) >= 1
    assert await schedule_auto_confirmation(today) == 0
    await run_queued_jobs(app)
    run = await JobRun.get(tenant_id=tenant.id, job_name="auto-confirm-deliveries")
    assert run.status == JobStatus.SUCCEEDED and run.period_key == today.isoformat()
    assert run.summary == {"days": 7, "confirmed": 1, "already_done": 0, "failed": 0}
    assert (await Delivery.get(id=old.id)).status == DeliveryStatus.AUTO_CONFIRMED


def test_the_scheduler_queues_auto_confirmation_every_morning_uk_time():
    scheduler = build_scheduler(Settings(), relay=None)
    job = scheduler.get_job("auto-confirm-deliveries")
    assert str(job.trigger.timezone) == "Europe/London"
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("5", "30")
    assert job.coalesce and job.max_instances == 1
