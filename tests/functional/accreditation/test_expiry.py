"""The daily expiry check warns a provider once, warning_days ahead, expires the
accreditation on its end date, flags dated evidence, and is safe to repeat."""

from __future__ import annotations

from datetime import timedelta

from core.accreditation import services
from core.accreditation.evidence import Registrations
from core.accreditation.expiry import check_expiry
from core.accreditation.jobs import schedule_expiry_checks
from core.accreditation.models import Accreditation, AccreditationStatus, Decision
from core.audit.models import AuditEvent
from core.clock import uk_today
from core.email.models import EmailMessage
from core.jobs.models import JobRun, JobStatus
from core.marketplace.visibility import accredited_provider_ids
from core.settings import Settings
from tests.functional.accreditation.conftest import council, firm, in_days, officer, officer_actor
from tests.support.jobs import run_queued_jobs
from workers.scheduler import build_scheduler

Status = AccreditationStatus


async def accredited(app, tenant, company, ends, **registrations) -> Accreditation:
    """Accredited for a year, then its end date moved to ``ends`` (as time would)."""
    runtime = app.state.runtime
    accreditation = await services.apply(
        runtime,
        company.actor(tenant),
        registrations=Registrations(cqc_location_id="1-545611283", **registrations),
    )
    await services.decide(
        runtime,
        officer_actor(await officer(tenant)),
        accreditation.id,
        "accredit",
        expires_on=in_days(365),
    )
    await Accreditation.filter(id=accreditation.id).update(expires_on=ends)
    await EmailMessage.all().delete()
    return accreditation


async def test_a_provider_is_warned_once_thirty_days_ahead(app, registry):
    tenant = await council(registry, "kitemark")
    soon, later = await firm(tenant, "Soon Care"), await firm(tenant, "Later Care")
    today = uk_today()
    warned = await accredited(app, tenant, soon, today + timedelta(days=30))
    quiet = await accredited(app, tenant, later, today + timedelta(days=31))
    runtime = app.state.runtime

    summary = await check_expiry(runtime, tenant.id, today)
    assert summary["warned"] == 1 and summary["expired"] == 0 and summary["emails_queued"] == 1
    await warned.refresh_from_db()
    await quiet.refresh_from_db()
    assert warned.expiry_warned_at is not None and quiet.expiry_warned_at is None
    assert warned.status == Status.ACCREDITED
    email = await EmailMessage.get(tenant_id=tenant.id)
    assert email.to_address == soon.owner.user.email
    assert email.subject.startswith("Your accreditation with") and "ends on" in email.subject
    assert "no longer be listed" in email.body_text
    event = await AuditEvent.get(tenant_id=tenant.id, action="accreditation_expiry_warned")
    assert event.target_id == str(warned.id) and event.actor_label == "Carepurse (system)"

    # Next day: the warned one is not warned again; the other is now 30 days away.
    again = await check_expiry(runtime, tenant.id, today + timedelta(days=1))
    assert again["warned"] == 1
    await quiet.refresh_from_db()
    assert quiet.expiry_warned_at is not None
    assert await EmailMessage.filter(tenant_id=tenant.id).count() == 2
    third = await check_expiry(runtime, tenant.id, today + timedelta(days=2))
    assert third["warned"] == 0 and third["emails_queued"] == 0


async def test_the_councils_warning_days_are_used(app, registry):
    tenant = await council(registry, "open", warning_days=7)
    company = await firm(tenant)
    accreditation = await accredited(app, tenant, company, in_days(8))
    assert (await check_expiry(app.state.runtime, tenant.id, uk_today()))["warned"] == 0
    tomorrow = uk_today() + timedelta(days=1)
    assert (await check_expiry(app.state.runtime, tenant.id, tomorrow))["warned"] == 1
    await accreditation.refresh_from_db()
    assert accreditation.expiry_warned_at is not None


async def test_an_accreditation_expires_on_its_end_date_once(app, registry):
    tenant = await council(registry, "kitemark")
    company = await firm(tenant, "Ending Care")
    today = uk_today()
    accreditation = await accredited(app, tenant, company, today)
    runtime = app.state.runtime

    summary = await check_expiry(runtime, tenant.id, today)
    assert summary["expired"] == 1 and summary["warned"] == 0
    await accreditation.refresh_from_db()
    assert accreditation.status == Status.EXPIRED
    assert accreditation.decided_by == "Carepurse (system)"
    assert await accredited_provider_ids(tenant.id) == set()
    decision = await Decision.filter(accreditation_id=accreditation.id).order_by("-id").first()
    assert decision.status == Status.EXPIRED and decision.actor_label == "Carepurse (system)"
    assert await AuditEvent.filter(action="accreditation_expired").count() == 1
    email = await EmailMessage.get(tenant_id=tenant.id)
    assert "has expired" in email.subject and "Apply again" in email.body_text

    repeat = await check_expiry(runtime, tenant.id, today)
    assert repeat["expired"] == 0 and repeat["emails_queued"] == 0
    assert await AuditEvent.filter(action="accreditation_expired").count() == 1
    # Expired: the provider may apply again.
    again = await services.apply(
        runtime, company.actor(tenant), registrations=Registrations("1-545611283")
    )
    assert again.status == Status.APPLIED


async def test_a_suspended_accreditation_also_expires(app, registry):
    tenant = await council(registry)
    company = await firm(tenant)
    accreditation = await accredited(app, tenant, company, in_days(40))
    await services.decide(
        app.state.runtime,
        officer_actor(await officer(tenant)),
        accreditation.id,
        "suspend",
        reason="Checks",
    )
    later = uk_today() + timedelta(days=41)
    assert (await check_expiry(app.state.runtime, tenant.id, later))["expired"] == 1
    await accreditation.refresh_from_db()
    assert accreditation.status == Status.EXPIRED


async def test_dated_evidence_is_flagged_when_it_nears_and_when_it_passes(app, registry):
    tenant = await council(registry, warning_days=30)
    company = await firm(tenant)
    today = uk_today()
    await accredited(
        app,
        tenant,
        company,
        in_days(300),
        insurance_expires_on=in_days(20),
        dbs_certificate_number="001234567890",
        dbs_renewal_on=in_days(200),
    )
    runtime = app.state.runtime
    first = await check_expiry(runtime, tenant.id, today)
    assert (first["evidence_expiring"], first["evidence_expired"]) == (1, 0)
    email = await EmailMessage.get(tenant_id=tenant.id)
    assert "needs renewing" in email.subject and "Insurance" in email.body_text
    assert "DBS" not in email.body_text  # its date is far off

    repeat = await check_expiry(runtime, tenant.id, today + timedelta(days=1))
    assert (repeat["evidence_expiring"], repeat["evidence_expired"]) == (0, 0)
    passed = await check_expiry(runtime, tenant.id, today + timedelta(days=20))
    assert (passed["evidence_expiring"], passed["evidence_expired"]) == (0, 1)
    assert await EmailMessage.filter(tenant_id=tenant.id).count() == 2
    assert await AuditEvent.filter(action="accreditation_evidence_expiring").count() == 1
    assert await AuditEvent.filter(action="accreditation_evidence_expired").count() == 1


async def test_the_daily_job_runs_through_the_outbox_once_per_council_and_day(app, registry):
    tenant = await council(registry, "kitemark")
    quiet = await council(registry, None)
    company = await firm(tenant)
    today = uk_today()
    accreditation = await accredited(app, tenant, company, today)
    assert await schedule_expiry_checks(today) == 2
    assert await schedule_expiry_checks(today) == 0
    await run_queued_jobs(app)

    run = await JobRun.get(tenant_id=tenant.id, job_name="accreditation-expiry")
    assert run.status == JobStatus.SUCCEEDED and run.period_key == today.isoformat()
    assert run.summary["expired"] == 1 and run.summary["mode"] == "kitemark"
    quiet_run = await JobRun.get(tenant_id=quiet.id, job_name="accreditation-expiry")
    assert quiet_run.summary["expired"] == 0 and quiet_run.summary["mode"] == "open"
    await accreditation.refresh_from_db()
    assert accreditation.status == Status.EXPIRED


def test_the_scheduler_queues_the_check_every_morning_uk_time():
    scheduler = build_scheduler(Settings(), relay=None)
    job = scheduler.get_job("accreditation-expiry")
    assert str(job.trigger.timezone) == "Europe/London"
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("5", "0")
    assert job.coalesce and job.max_instances == 1


async def test_renewed_evidence_replaces_the_old_and_is_not_flagged(app, registry):
    tenant = await council(registry)
    company = await firm(tenant)
    await accredited(app, tenant, company, in_days(300), insurance_expires_on=in_days(10))
    await services.add_evidence(
        app.state.runtime,
        company.actor(tenant),
        registrations=Registrations(insurance_policy="Renewed", insurance_expires_on=in_days(375)),
    )
    summary = await check_expiry(app.state.runtime, tenant.id, uk_today())
    assert (summary["evidence_expiring"], summary["evidence_expired"]) == (0, 0)
    assert not await EmailMessage.filter(tenant_id=tenant.id).exists()
