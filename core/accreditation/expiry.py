"""The daily expiry check for one council's accreditations and their evidence.

* An accreditation whose end date has come (today or earlier) is set to
  ``expired``: a Decision row, an audit event and an email to the owners.
* One ending within the council's ``warning_days`` is warned about once
  (``expiry_warned_at``), audited and emailed.
* Evidence of an accredited provider with its own date (insurance, a DBS
  re-check) is flagged once when it comes within ``warning_days``, and once more
  when it has passed; the audit log remembers what was flagged.

Every change is conditional on the state it was read in and each provider is
saved in its own transaction, so a run repeated (or retried after a crash)
neither repeats an email nor misses one.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from core.accreditation import notices
from core.accreditation.evidence import KIND_LABELS
from core.accreditation.models import (
    Accreditation,
    AccreditationStatus,
    Decision,
    Evidence,
    EvidenceKind,
)
from core.accreditation.policy import AccreditationPolicy
from core.accreditation.services import policy_for
from core.audit.actions import AuditAction
from core.audit.models import AuditEvent
from core.audit.services import SYSTEM, record
from core.clock import utcnow
from core.runtime import Runtime
from tenants.models import Tenant

logger = logging.getLogger(__name__)

Status = AccreditationStatus
LAPSING = (Status.ACCREDITED, Status.SUSPENDED)


async def check_expiry(runtime: Runtime, tenant_id: int, today: date) -> dict[str, Any]:
    """Expire, warn and flag for one council on ``today`` (a UK date); a JSON-safe summary."""
    tenant = await Tenant.get_or_none(id=tenant_id)
    if tenant is None or not tenant.is_active:
        logger.info("accreditation expiry skipped: tenant %s is gone or suspended", tenant_id)
        return {"skipped": "tenant gone or suspended"}
    policy = policy_for(runtime, tenant)
    summary = {"expired": 0, "warned": 0, "evidence_expiring": 0, "evidence_expired": 0}
    emails = 0
    for accreditation in await Accreditation.filter(
        tenant_id=tenant.id, status__in=LAPSING, expires_on__lte=today
    ).prefetch_related("provider"):
        sent = await _expire(runtime, tenant, accreditation, policy)
        if sent is not None:
            summary["expired"] += 1
            emails += sent
    horizon = today + timedelta(days=policy.warning_days)
    for accreditation in await Accreditation.filter(
        tenant_id=tenant.id,
        status=Status.ACCREDITED,
        expires_on__gt=today,
        expires_on__lte=horizon,
        expiry_warned_at__isnull=True,
    ).prefetch_related("provider"):
        sent = await _warn(runtime, tenant, accreditation, policy)
        if sent is not None:
            summary["warned"] += 1
            emails += sent
    flagged, sent = await _flag_evidence(runtime, tenant, today, horizon)
    summary["evidence_expiring"], summary["evidence_expired"] = flagged
    return {"mode": policy.mode, **summary, "emails_queued": emails + sent}


async def _expire(
    runtime: Runtime, tenant: Tenant, accreditation: Any, policy: AccreditationPolicy
) -> int | None:
    """Set it to expired unless something else changed it first; emails queued, or None."""
    ended = accreditation.expires_on
    reason = f"Reached its end date, {notices.long_date(ended)}"
    now = utcnow()
    async with in_transaction():
        changed = await Accreditation.filter(
            id=accreditation.id, status=accreditation.status, expires_on=ended
        ).update(
            status=Status.EXPIRED,
            reason=reason,
            decided_by=SYSTEM.audit_label,
            decided_at=now,
            updated_at=now,
        )
        if not changed:
            return None
        await Decision.create(
            tenant_id=tenant.id,
            accreditation_id=accreditation.id,
            status=Status.EXPIRED,
            reason=reason,
            actor_label=SYSTEM.audit_label,
        )
        await record(
            tenant.id,
            AuditAction.ACCREDITATION_EXPIRED,
            SYSTEM,
            target_type="accreditation",
            target_id=accreditation.id,
            target_label=accreditation.provider.name,
            details={"from": accreditation.status.value, "expires_on": ended.isoformat()},
        )
        subject, paragraphs = notices.decision_words(
            Status.EXPIRED, council=tenant.name, reason=None, expires_on=ended, policy=policy
        )
        return await notices.tell_owners(
            tenant, accreditation.provider, runtime.settings, subject, paragraphs
        )


async def _warn(
    runtime: Runtime, tenant: Tenant, accreditation: Any, policy: AccreditationPolicy
) -> int | None:
    ends = accreditation.expires_on
    async with in_transaction():
        claimed = await Accreditation.filter(
            id=accreditation.id,
            status=Status.ACCREDITED,
            expires_on=ends,
            expiry_warned_at__isnull=True,
        ).update(expiry_warned_at=utcnow())
        if not claimed:
            return None
        await record(
            tenant.id,
            AuditAction.ACCREDITATION_EXPIRY_WARNED,
            SYSTEM,
            target_type="accreditation",
            target_id=accreditation.id,
            target_label=accreditation.provider.name,
            details={"expires_on": ends.isoformat()},
        )
        hidden = (
            "your services will no longer be listed in the council's marketplace"
            if policy.listing_needs_accreditation
            else f"your services will no longer show the “{policy.badge_label}” badge"
        )
        return await notices.tell_owners(
            tenant,
            accreditation.provider,
            runtime.settings,
            f"Your accreditation with {tenant.name} ends on {notices.long_date(ends)}",
            [
                f"Your accreditation with {tenant.name} ends on {notices.long_date(ends)}.",
                f"After that date {hidden}. Send the council up-to-date evidence and ask it "
                "to renew your accreditation before then.",
            ],
        )


async def _renewed(row: Evidence) -> bool:
    """A later item of the same kind (the same certificate, for a DBS check) replaces it."""
    same = Evidence.filter(
        accreditation_id=row.accreditation_id,  # type: ignore[attr-defined]
        kind=row.kind,
        expires_on__gt=row.expires_on,
    )
    if row.kind == EvidenceKind.DBS:
        same = same.filter(reference=row.reference)
    return await same.exists()


async def _already_flagged(tenant_id: int, action: AuditAction, evidence_ids: list[str]) -> set:
    if not evidence_ids:
        return set()
    rows = await AuditEvent.filter(
        tenant_id=tenant_id,
        action=action.value,
        target_type="accreditation_evidence",
        target_id__in=evidence_ids,
    ).values_list("target_id", flat=True)
    return set(rows)


async def _flag_evidence(
    runtime: Runtime, tenant: Tenant, today: date, horizon: date
) -> tuple[tuple[int, int], int]:
    """Flag dated evidence of accredited providers: ((expiring, expired), emails queued)."""
    rows = (
        await Evidence.filter(
            tenant_id=tenant.id,
            expires_on__lte=horizon,
            accreditation__status=Status.ACCREDITED,
        )
        .prefetch_related("accreditation__provider")
        .order_by("expires_on", "id")
    )
    rows = [row for row in rows if not await _renewed(row)]
    ids = [str(row.id) for row in rows]
    expired_before = await _already_flagged(tenant.id, AuditAction.EVIDENCE_EXPIRED, ids)
    expiring_before = await _already_flagged(tenant.id, AuditAction.EVIDENCE_EXPIRING, ids)
    news: dict[Any, list[tuple[Evidence, AuditAction]]] = defaultdict(list)
    for row in rows:
        if row.expires_on <= today:
            if str(row.id) not in expired_before:
                news[row.accreditation_id].append((row, AuditAction.EVIDENCE_EXPIRED))  # type: ignore[attr-defined]
        elif str(row.id) not in expiring_before:
            news[row.accreditation_id].append((row, AuditAction.EVIDENCE_EXPIRING))  # type: ignore[attr-defined]
    counts = {AuditAction.EVIDENCE_EXPIRING: 0, AuditAction.EVIDENCE_EXPIRED: 0}
    emails = 0
    for items in news.values():
        accreditation = items[0][0].accreditation
        lines = []
        async with in_transaction():
            for evidence, action in items:
                await record(
                    tenant.id,
                    action,
                    SYSTEM,
                    target_type="accreditation_evidence",
                    target_id=evidence.id,
                    target_label=f"{accreditation.provider.name}: {evidence.title}"[:300],
                    details={"kind": evidence.kind.value, "expires_on": str(evidence.expires_on)},
                )
                counts[action] += 1
                verb = "expired on" if action == AuditAction.EVIDENCE_EXPIRED else "expires on"
                lines.append(
                    f"- {KIND_LABELS[evidence.kind]}: {evidence.title}"
                    f"{f' ({evidence.reference})' if evidence.reference else ''}, "
                    f"{verb} {notices.long_date(evidence.expires_on)}"  # type: ignore[arg-type]
                )
            emails += await notices.tell_owners(
                tenant,
                accreditation.provider,
                runtime.settings,
                f"Evidence for your accreditation with {tenant.name} needs renewing",
                [
                    f"Some of the evidence you gave {tenant.name} for your accreditation "
                    "has expired or expires soon:",
                    "\n".join(lines),
                    "Send the council the renewed evidence from your accreditation page. "
                    "The council may suspend an accreditation whose evidence has lapsed.",
                ],
            )
    return (counts[AuditAction.EVIDENCE_EXPIRING], counts[AuditAction.EVIDENCE_EXPIRED]), emails
