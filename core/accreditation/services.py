"""Applying for accreditation, adding evidence, and the council's decisions.

A provider applies to one council with documents and declared registrations;
the council's officers accredit it until a date, ask for more, refuse, suspend,
revoke or reinstate it. Each step is a conditional status change (two officers
deciding at once cannot both succeed), a :class:`Decision` row, an audit event
and an email to the provider's owners, saved in one transaction.

Evidence files are stored under the council's private prefix
(``accreditation/<accreditation id>/<uuid>.<ext>``, never ``public/``), so
``/media`` cannot serve them; only the evidence routes can, to the provider and
the council's officers.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.accreditation import notices
from core.accreditation.access import officer_accreditation, provider_seat
from core.accreditation.evidence import (
    Declared,
    Document,
    Registrations,
    Upload,
    check_document,
    check_registrations,
    missing_evidence,
)
from core.accreditation.models import (
    Accreditation,
    AccreditationStatus,
    Decision,
    Evidence,
    EvidenceKind,
)
from core.accreditation.policy import AccreditationPolicy, accreditation_policy
from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import uk_today, utcnow
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.runtime import Runtime
from core.storage import StorageError
from core.storage.base import FileMissing
from tenants.models import Tenant

logger = logging.getLogger(__name__)

Status = AccreditationStatus
REASON_LENGTH = 2000
LONGEST_TERM = timedelta(days=5 * 366)
# A provider may apply again after these; from "more_info" applying again is its answer.
REAPPLY_FROM = frozenset({Status.REFUSED, Status.REVOKED, Status.EXPIRED, Status.MORE_INFO})
# Evidence may be added to an open application or a live accreditation (a renewed policy).
ADD_EVIDENCE_IN = frozenset({Status.APPLIED, Status.ACCREDITED, Status.SUSPENDED})

STATUS_LABELS: dict[Status, str] = {
    Status.APPLIED: "Waiting for review",
    Status.MORE_INFO: "More information needed",
    Status.ACCREDITED: "Accredited",
    Status.REFUSED: "Refused",
    Status.SUSPENDED: "Suspended",
    Status.REVOKED: "Revoked",
    Status.EXPIRED: "Expired",
}


class Action(StrEnum):
    ACCREDIT = "accredit"
    ASK_FOR_MORE = "ask_for_more"
    REFUSE = "refuse"
    SUSPEND = "suspend"
    REVOKE = "revoke"
    REINSTATE = "reinstate"


@dataclass(frozen=True)
class Step:
    """What an officer's action does: from which statuses, to which, and what it needs."""

    to: Status
    allowed_from: frozenset[Status]
    audit: AuditAction
    label: str
    reason_required: bool = True


STEPS: dict[Action, Step] = {
    Action.ACCREDIT: Step(
        Status.ACCREDITED,
        frozenset({Status.APPLIED, Status.MORE_INFO}),
        AuditAction.ACCREDITED,
        "Accredit",
        reason_required=False,
    ),
    Action.ASK_FOR_MORE: Step(
        Status.MORE_INFO,
        frozenset({Status.APPLIED}),
        AuditAction.ACCREDITATION_MORE_INFO,
        "Ask for more information",
    ),
    Action.REFUSE: Step(
        Status.REFUSED,
        frozenset({Status.APPLIED, Status.MORE_INFO}),
        AuditAction.ACCREDITATION_REFUSED,
        "Refuse",
    ),
    Action.SUSPEND: Step(
        Status.SUSPENDED,
        frozenset({Status.ACCREDITED}),
        AuditAction.ACCREDITATION_SUSPENDED,
        "Suspend",
    ),
    Action.REVOKE: Step(
        Status.REVOKED,
        frozenset({Status.ACCREDITED, Status.SUSPENDED}),
        AuditAction.ACCREDITATION_REVOKED,
        "Revoke",
    ),
    Action.REINSTATE: Step(
        Status.ACCREDITED,
        frozenset({Status.SUSPENDED}),
        AuditAction.ACCREDITATION_REINSTATED,
        "Reinstate",
        reason_required=False,
    ),
}


def actions_from(status: Status) -> list[Action]:
    """The decisions an officer may take on an accreditation in ``status``."""
    return [action for action, step in STEPS.items() if status in step.allowed_from]


def policy_for(runtime: Runtime, tenant: Tenant) -> AccreditationPolicy:
    return accreditation_policy(runtime.plugins_for(tenant))


def _tidy_reason(text: str, problems: list[FieldProblem], field: str = "reason") -> str | None:
    tidy = text.strip()
    if len(tidy) > REASON_LENGTH:
        problems.append(FieldProblem(field, "Reason must be 2,000 characters or fewer"))
    return tidy or None


# -- The provider's side ---------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """Checked documents and registrations, ready to store and save."""

    documents: list[Document]
    declared: list[Declared]

    @property
    def kinds(self) -> set[EvidenceKind]:
        found = {item.kind for item in self.declared}
        return found | ({EvidenceKind.DOCUMENT} if self.documents else set())

    @property
    def empty(self) -> bool:
        return not self.documents and not self.declared


def _check_submission(
    uploads: Sequence[Upload], registrations: Registrations, today: date
) -> tuple[Submission, list[FieldProblem]]:
    documents: list[Document] = []
    problems: list[FieldProblem] = []
    for upload in uploads:
        checked = check_document(upload)
        if isinstance(checked, FieldProblem):
            problems.append(checked)
        else:
            documents.append(checked)
    declared, more = check_registrations(registrations, today)
    return Submission(documents, declared), problems + more


async def _current_kinds(accreditation: Accreditation | None, today: date) -> set[EvidenceKind]:
    """Kinds of evidence already sent that still count (not past its expiry date)."""
    if accreditation is None:
        return set()
    rows = await Evidence.filter(accreditation_id=accreditation.id).values_list(
        "kind", "expires_on"
    )
    return {EvidenceKind(kind) for kind, expires in rows if expires is None or expires > today}


async def _store(
    runtime: Runtime, tenant_id: int, accreditation_id: Any, documents: list[Document]
) -> list[str]:
    """Store each document privately; on a failure, remove those already stored."""
    keys: list[str] = []
    try:
        for document in documents:
            key = f"accreditation/{accreditation_id}/{uuid.uuid4()}.{document.extension}"
            await runtime.storage.put(tenant_id, key, document.data, document.content_type)
            keys.append(key)
    except StorageError:
        await _discard(runtime, tenant_id, keys)
        raise
    return keys


async def _discard(runtime: Runtime, tenant_id: int, keys: list[str]) -> None:
    for key in keys:
        try:
            await runtime.storage.delete(tenant_id, key)
        except StorageError:
            logger.warning("could not remove unsaved evidence file %s of tenant %s", key, tenant_id)


async def _save_evidence(
    tenant_id: int, accreditation_id: Any, submission: Submission, keys: list[str]
) -> list[Evidence]:
    saved = []
    for document, key in zip(submission.documents, keys, strict=True):
        saved.append(
            await Evidence.create(
                tenant_id=tenant_id,
                accreditation_id=accreditation_id,
                kind=EvidenceKind.DOCUMENT,
                title=document.title,
                storage_key=key,
                content_type=document.content_type,
                size_bytes=len(document.data),
            )
        )
    for item in submission.declared:
        saved.append(
            await Evidence.create(
                tenant_id=tenant_id,
                accreditation_id=accreditation_id,
                kind=item.kind,
                title=item.title,
                reference=item.reference,
                expires_on=item.expires_on,
            )
        )
    return saved


def _already(status: Status) -> Conflict:
    return Conflict(f"this provider's accreditation is already {STATUS_LABELS[status].lower()}")


async def apply(
    runtime: Runtime,
    actor: Actor,
    provider_id: object | None = None,
    *,
    uploads: Sequence[Upload] = (),
    registrations: Registrations | None = None,
    note: str = "",
) -> Accreditation:
    """Apply to this council (or apply again after a refusal, revocation, expiry or a request
    for more information), with the evidence the council's policy requires."""
    seat = await provider_seat(actor, provider_id, manage=True)
    tenant = actor.tenant
    assert tenant is not None
    today = uk_today()
    policy = policy_for(runtime, tenant)
    submission, problems = _check_submission(uploads, registrations or Registrations(), today)
    message = _tidy_reason(note, problems, "note")
    existing = await Accreditation.get_or_none(tenant_id=tenant.id, provider_id=seat.provider.id)
    if existing is not None and existing.status not in REAPPLY_FROM:
        raise _already(existing.status)
    kept = await _current_kinds(existing, today)
    if not problems:
        problems += missing_evidence(policy.required_evidence, submission.kinds | kept)
    if not problems and submission.empty and not kept:
        problems.append(
            FieldProblem("document", "Add at least one document or registration to apply")
        )
    if problems:
        raise InvalidInput("the application is not complete", problems)

    accreditation_id = existing.id if existing is not None else uuid.uuid4()
    keys = await _store(runtime, tenant.id, accreditation_id, submission.documents)
    try:
        async with in_transaction():
            if existing is None:
                try:
                    accreditation = await Accreditation.create(
                        id=accreditation_id, tenant_id=tenant.id, provider_id=seat.provider.id
                    )
                except IntegrityError:
                    raise Conflict("this provider has already applied") from None
            else:
                reopened = await Accreditation.filter(
                    id=existing.id, status=existing.status
                ).update(
                    status=Status.APPLIED,
                    reason=None,
                    decided_by=None,
                    decided_at=None,
                    expires_on=None,
                    expiry_warned_at=None,
                    updated_at=utcnow(),
                )
                if not reopened:
                    raise Conflict("this application changed meanwhile; look at it again")
                accreditation = await Accreditation.get(id=existing.id)
            saved = await _save_evidence(tenant.id, accreditation_id, submission, keys)
            await Decision.create(
                tenant_id=tenant.id,
                accreditation_id=accreditation_id,
                status=Status.APPLIED,
                reason=message,
                actor_label=actor.audit_label[:300],
            )
            await record(
                tenant.id,
                AuditAction.ACCREDITATION_APPLIED,
                actor,
                target_type="accreditation",
                target_id=accreditation_id,
                target_label=seat.provider.name,
                details={
                    "from": existing.status.value if existing is not None else None,
                    "evidence": [item.kind.value for item in saved],
                },
            )
    except BaseException:
        await _discard(runtime, tenant.id, keys)
        raise
    accreditation.provider = seat.provider
    return accreditation


async def add_evidence(
    runtime: Runtime,
    actor: Actor,
    provider_id: object | None = None,
    *,
    uploads: Sequence[Upload] = (),
    registrations: Registrations | None = None,
) -> list[Evidence]:
    """More evidence for an open application or a live accreditation (no status change)."""
    seat = await provider_seat(actor, provider_id, manage=True)
    tenant = actor.tenant
    assert tenant is not None
    accreditation = await Accreditation.get_or_none(
        tenant_id=tenant.id, provider_id=seat.provider.id
    )
    if accreditation is None or accreditation.status not in ADD_EVIDENCE_IN:
        raise Conflict("apply for accreditation to send evidence")
    submission, problems = _check_submission(uploads, registrations or Registrations(), uk_today())
    if not problems and submission.empty:
        problems.append(FieldProblem("document", "Choose a file or fill in a registration"))
    if problems:
        raise InvalidInput("the evidence is not complete", problems)
    keys = await _store(runtime, tenant.id, accreditation.id, submission.documents)
    try:
        async with in_transaction():
            saved = await _save_evidence(tenant.id, accreditation.id, submission, keys)
            await record(
                tenant.id,
                AuditAction.ACCREDITATION_EVIDENCE_ADDED,
                actor,
                target_type="accreditation",
                target_id=accreditation.id,
                target_label=seat.provider.name,
                details={"evidence": [item.kind.value for item in saved]},
            )
    except BaseException:
        await _discard(runtime, tenant.id, keys)
        raise
    return saved


# -- The council's side ----------------------------------------------------------------------


def _check_expiry(
    action: Action, expires_on: date | None, current: date | None, today: date
) -> tuple[date | None, list[FieldProblem]]:
    """The expiry date the decision leaves, or the problem with the one given."""
    if action not in (Action.ACCREDIT, Action.REINSTATE):
        return current, []
    chosen = expires_on if expires_on is not None else current
    if action == Action.ACCREDIT and expires_on is None:
        return None, [FieldProblem("expires_on", "Enter the date the accreditation ends")]
    if chosen is None or chosen <= today:
        if expires_on is None:
            message = "The accreditation has passed its end date: enter a new one"
        else:
            message = "The date the accreditation ends must be in the future"
        return None, [FieldProblem("expires_on", message)]
    if chosen > today + LONGEST_TERM:
        return None, [
            FieldProblem("expires_on", "The date the accreditation ends must be within 5 years")
        ]
    return chosen, []


async def decide(
    runtime: Runtime,
    actor: Actor,
    accreditation_id: object,
    action: str,
    *,
    reason: str = "",
    expires_on: date | None = None,
    expected_status: str | None = None,
) -> Accreditation:
    """Take an officer's decision; a second decision on the same state is a Conflict.

    ``expected_status`` (the status the officer saw) makes a decision taken on a
    page that has since changed a Conflict too, even one the new status allows.
    """
    accreditation = await officer_accreditation(actor, accreditation_id)
    tenant = actor.tenant
    assert tenant is not None
    try:
        chosen = Action(action)
    except ValueError:
        raise InvalidInput(
            "no such decision", [FieldProblem("action", "Choose a decision")]
        ) from None
    step = STEPS[chosen]
    today = uk_today()
    problems: list[FieldProblem] = []
    why = _tidy_reason(reason, problems)
    if step.reason_required and why is None:
        problems.append(FieldProblem("reason", "Enter the reason the provider will see"))
    ends_on, date_problems = _check_expiry(chosen, expires_on, accreditation.expires_on, today)
    problems += date_problems
    if expected_status and expected_status != accreditation.status.value:
        raise Conflict(
            "this accreditation has already been decided: it is now "
            f"{STATUS_LABELS[accreditation.status].lower()}"
        )
    if accreditation.status not in step.allowed_from:
        raise Conflict(
            f"cannot {step.label.lower()}: the accreditation is "
            f"{STATUS_LABELS[accreditation.status].lower()}"
        )
    if problems:
        raise InvalidInput("the decision is not complete", problems)

    now = utcnow()
    changes: dict[str, Any] = {
        "status": step.to,
        "reason": why,
        "decided_by": actor.audit_label[:300],
        "decided_at": now,
        "expires_on": ends_on,
        "updated_at": now,
    }
    if chosen == Action.ACCREDIT or (ends_on != accreditation.expires_on):
        changes["expiry_warned_at"] = None  # a new term is warned about afresh
    policy = policy_for(runtime, tenant)
    async with in_transaction():
        # Only from the status this decision was checked against: of two decisions
        # taken at once, the second finds the status changed and is refused.
        changed = await Accreditation.filter(
            id=accreditation.id, tenant_id=tenant.id, status=accreditation.status
        ).update(**changes)
        if not changed:
            current = await Accreditation.get(id=accreditation.id)
            raise Conflict(
                "another decision was taken meanwhile: the accreditation is now "
                f"{STATUS_LABELS[current.status].lower()}"
            )
        await Decision.create(
            tenant_id=tenant.id,
            accreditation_id=accreditation.id,
            status=step.to,
            reason=why,
            expires_on=ends_on if step.to == Status.ACCREDITED else None,
            actor_label=actor.audit_label[:300],
        )
        await record(
            tenant.id,
            step.audit,
            actor,
            target_type="accreditation",
            target_id=accreditation.id,
            target_label=accreditation.provider.name,
            details={
                "from": accreditation.status.value,
                "to": step.to.value,
                "reason": why,
                "expires_on": ends_on.isoformat() if ends_on and step.to == Status.ACCREDITED
                else None,
            },
        )  # fmt: skip
        subject, paragraphs = notices.decision_words(
            step.to,
            council=tenant.name,
            reason=why,
            expires_on=ends_on,
            policy=policy,
            reinstated=chosen == Action.REINSTATE,
        )
        await notices.tell_owners(
            tenant, accreditation.provider, runtime.settings, subject, paragraphs
        )
    provider = accreditation.provider
    accreditation = await Accreditation.get(id=accreditation.id)
    accreditation.provider = provider
    return accreditation


# -- Reading ---------------------------------------------------------------------------------

QUEUE_LIMIT = 200
WAITING = (Status.APPLIED, Status.MORE_INFO)


async def queue(tenant_id: int, status: Status | None = None, words: str = "") -> list[Any]:
    """The council's accreditations: waiting ones oldest first, then the rest newest first."""
    query = Accreditation.filter(tenant_id=tenant_id).prefetch_related("provider")
    if status is not None:
        query = query.filter(status=status)
    if words.strip():
        query = query.filter(provider__name__icontains=words.strip())
    rows = await query.order_by("-updated_at").limit(QUEUE_LIMIT)
    waiting = sorted((r for r in rows if r.status in WAITING), key=lambda r: r.updated_at)
    return waiting + [r for r in rows if r.status not in WAITING]


async def status_counts(tenant_id: int) -> dict[Status, int]:
    rows = await Accreditation.filter(tenant_id=tenant_id).values_list("status", flat=True)
    counts = dict.fromkeys(Status, 0)
    for status in rows:
        counts[Status(status)] += 1
    return counts


async def evidence_of(accreditation: Accreditation) -> list[Evidence]:
    return await Evidence.filter(accreditation_id=accreditation.id).order_by("created_at", "id")


async def history_of(accreditation: Accreditation) -> list[Decision]:
    return await Decision.filter(accreditation_id=accreditation.id).order_by("-created_at", "-id")


async def read_evidence_file(runtime: Runtime, evidence: Evidence) -> bytes:
    """The stored file of uploaded evidence (NotFound for a declared registration)."""
    if not evidence.storage_key:
        raise NotFound("this evidence has no file")
    try:
        stored = await runtime.storage.get(evidence.tenant_id, evidence.storage_key)
    except FileMissing:
        raise NotFound("the file is missing") from None
    return stored.data
