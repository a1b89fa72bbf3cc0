"""Directory imports as the council sees them: a file now, an address in the background.

Every import is a JobRun (job ``directory-import``, one per import id) whose
summary says what was imported from where, by whom, and what came of it: the
counts, and the services skipped with their reasons. An address is fetched by a
worker: the request only queues the job (through the outbox, with its audit event)
and ``run_once`` makes a redelivered message do nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import Auditable, record
from core.directory.fetch import MAX_FEED_BYTES, check_url, fetch_feed
from core.directory.importer import ImportResult, import_services
from core.directory.incoming import FeedRefused, Found, read_feed
from core.errors import FieldProblem, InvalidInput
from core.identity.actor import Actor
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.jobs.models import JobRun, JobStatus
from core.jobs.services import run_once
from core.outbox.models import OutboxMessage
from core.outbox.services import enqueue
from core.settings import Settings

JOB_NAME = "directory-import"
ACTOR_NAME = "import_directory_feed"
SKIPPED_KEPT = 100


@dataclass(frozen=True)
class Requester:
    """Who asked for a background import (the audit log names them, not the worker)."""

    audit_user_id: UUID | None
    audit_label: str
    audit_ip: str | None = None


def _context(kind: str, label: str, requested_by: str, pause_missing: bool) -> dict[str, Any]:
    return {
        "kind": kind,
        "label": label[:300],
        "requested_by": requested_by[:300],
        "pause_missing": pause_missing,
        "outcome": "running",
    }


async def _note(tenant_id: int, key: str, summary: dict[str, Any]) -> None:
    """Say what a run is about as soon as it starts, so a failed run still shows it."""
    await JobRun.filter(tenant_id=tenant_id, job_name=JOB_NAME, period_key=key).update(
        summary=summary
    )


async def _import(
    actor: Auditable,
    tenant_id: int,
    found: Found,
    context: dict[str, Any],
) -> dict[str, Any]:
    if not found.skipped and not found.services:
        raise FeedRefused("The feed has no services in it")
    if not found.services:
        raise FeedRefused(
            f"None of the feed's {len(found.skipped)} services could be imported", found.skipped
        )
    result: ImportResult = await import_services(
        actor,
        tenant_id,
        found,
        source=f"{context['kind']}: {context['label']}",
        pause_missing=context["pause_missing"],
    )
    return {
        **context,
        "outcome": "imported",
        "counts": result.counts.as_dict(),
        "skipped": [{"item": s.item, "reason": s.reason} for s in result.skipped[:SKIPPED_KEPT]],
    }


def _refused(context: dict[str, Any], refused: FeedRefused) -> dict[str, Any]:
    return {
        **context,
        "outcome": "refused",
        "message": str(refused),
        "skipped": [{"item": s.item, "reason": s.reason} for s in refused.skipped[:SKIPPED_KEPT]],
    }


async def import_file(actor: Actor, filename: str, data: bytes, pause_missing: bool) -> JobRun:
    """Import an uploaded feed now; the run's summary says what happened (or why not)."""
    await require_council(actor, Permission.MANAGE_MARKET)
    assert actor.tenant is not None
    tenant_id, key = actor.tenant.id, uuid.uuid4().hex
    context = _context("file", filename or "uploaded file", actor.audit_label, pause_missing)

    async def work() -> dict[str, Any]:
        await _note(tenant_id, key, context)
        try:
            if len(data) > MAX_FEED_BYTES:
                raise FeedRefused(f"The file is larger than {MAX_FEED_BYTES // 1_000_000} MB")
            return await _import(actor, tenant_id, read_feed(data), context)
        except FeedRefused as refused:
            return _refused(context, refused)

    run = await run_once(tenant_id, JOB_NAME, key, work)
    assert run is not None  # a new key is never taken
    return run


async def request_url_import(
    actor: Actor, url: str, pause_missing: bool, settings: Settings
) -> str:
    """Queue a fetch of ``url``; InvalidInput if the address may not be fetched."""
    await require_council(actor, Permission.MANAGE_MARKET)
    assert actor.tenant is not None
    try:
        url = check_url(url, settings)
    except ValueError as refused:
        raise InvalidInput("check the address", [FieldProblem("url", str(refused))]) from None
    key = uuid.uuid4().hex
    async with in_transaction():
        await enqueue(
            ACTOR_NAME,
            tenant_id=actor.tenant.id,
            import_id=key,
            url=url,
            pause_missing=pause_missing,
            requested_by=actor.audit_label,
            user_id=str(actor.audit_user_id) if actor.audit_user_id else None,
        )
        await record(
            actor.tenant.id,
            AuditAction.DIRECTORY_IMPORT_REQUESTED,
            actor,
            target_type="directory",
            target_label=url,
            details={"import": key, "pause_missing": pause_missing},
        )
    return key


async def run_url_import(
    settings: Settings,
    tenant_id: int,
    import_id: str,
    url: str,
    pause_missing: bool,
    requested_by: str,
    user_id: str | None,
) -> JobRun | None:
    """The worker's side: fetch and import, once per import id."""
    requester = Requester(UUID(user_id) if user_id else None, f"{requested_by} (import job)")
    context = _context("address", url, requested_by, pause_missing)

    async def work() -> dict[str, Any]:
        await _note(tenant_id, import_id, context)
        try:
            return await _import(requester, tenant_id, await fetch_feed(url, settings), context)
        except FeedRefused as refused:
            return _refused(context, refused)

    return await run_once(tenant_id, JOB_NAME, import_id, work)


# What the council's page shows ---------------------------------------------------------


@dataclass(frozen=True)
class ImportView:
    key: str
    when: datetime
    kind: str
    label: str
    requested_by: str
    state: str  # queued, running, imported, refused, failed
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)
    pause_missing: bool = False


def _view(run: JobRun) -> ImportView:
    summary = run.summary if isinstance(run.summary, dict) else {}
    state = str(summary.get("outcome") or "running")
    if run.status == JobStatus.FAILED:
        state = "failed"
    message = str(summary.get("message") or "")
    if state == "failed":
        message = "The import stopped because of a fault on our side. Nothing was changed."
    return ImportView(
        key=run.period_key,
        when=run.started_at,
        kind=str(summary.get("kind") or ""),
        label=str(summary.get("label") or ""),
        requested_by=str(summary.get("requested_by") or ""),
        state=state,
        message=message,
        counts=dict(summary.get("counts") or {}),
        skipped=list(summary.get("skipped") or []),
        pause_missing=bool(summary.get("pause_missing")),
    )


async def recent_imports(tenant_id: int, limit: int = 20) -> list[ImportView]:
    """The council's latest imports, newest first, with those still waiting for a worker."""
    runs = await JobRun.filter(tenant_id=tenant_id, job_name=JOB_NAME).limit(limit)
    views = [_view(run) for run in runs]
    started = {view.key for view in views}
    queued = (
        await OutboxMessage.filter(tenant_id=tenant_id, actor_name=ACTOR_NAME)
        .order_by("-id")
        .limit(limit)
    )
    for message in queued:
        payload = message.payload if isinstance(message.payload, dict) else {}
        key = str(payload.get("import_id") or "")
        if key in started or await JobRun.exists(
            tenant_id=tenant_id, job_name=JOB_NAME, period_key=key
        ):
            continue
        views.append(
            ImportView(
                key=key,
                when=message.created_at,
                kind="address",
                label=str(payload.get("url") or ""),
                requested_by=str(payload.get("requested_by") or ""),
                state="queued",
                pause_missing=bool(payload.get("pause_missing")),
            )
        )
    return sorted(views, key=lambda view: view.when, reverse=True)[:limit]
