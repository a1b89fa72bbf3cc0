"""Accreditation pages: the provider's (``/provider/accreditation``) and the council's
(``/council/accreditation``), and downloads of evidence for the two of them only.

The services decide who may do what; these handlers read the forms (multipart,
for the uploads), call them, and show refusals next to the right field. Evidence
files are streamed from private storage as attachments, never from ``/media``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.accreditation import services
from core.accreditation.access import (
    officer_accreditation,
    officer_evidence,
    provider_evidence,
    provider_seat,
    provider_seats,
)
from core.accreditation.evidence import (
    COUNCIL_WORDS,
    KIND_LABELS,
    MAX_UPLOAD_BYTES,
    REQUIRED_WORDS,
    Registrations,
    Upload,
)
from core.accreditation.models import Accreditation, AccreditationStatus, Evidence
from core.accreditation.notices import long_date
from core.accreditation.policy import AccreditationPolicy
from core.audit.actions import AuditAction
from core.audit.display import when_text
from core.audit.services import record
from core.clock import uk_today
from core.errors import Conflict, InvalidInput
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.web.dates import optional_date
from core.web.forms import actor_of, field_errors, see_other, signed_in
from core.web.responses import render, runtime_of

Status = AccreditationStatus
# Other form fields are small; anything much beyond one allowed file is refused unread.
MAX_FORM_BYTES = MAX_UPLOAD_BYTES + 512 * 1024
TOO_LARGE = "The selected file must be smaller than 10MB"

STATUS_TAGS: dict[Status, str] = {
    Status.APPLIED: "govuk-tag--blue",
    Status.MORE_INFO: "govuk-tag--yellow",
    Status.ACCREDITED: "govuk-tag--green",
    Status.REFUSED: "govuk-tag--red",
    Status.SUSPENDED: "govuk-tag--orange",
    Status.REVOKED: "govuk-tag--red",
    Status.EXPIRED: "govuk-tag--grey",
}
ACTION_HINTS: dict[services.Action, str] = {
    services.Action.ACCREDIT: "List them as accredited until the date below",
    services.Action.ASK_FOR_MORE: "Tell the provider what else to send",
    services.Action.REFUSE: "They may apply again later",
    services.Action.SUSPEND: "For now: you can reinstate them",
    services.Action.REVOKE: "For good: they must apply again",
    services.Action.REINSTATE: "Accredited again, until the same date unless you give a new one",
}
PROVIDER_DONE = {
    "applied": "Your application has been sent to the council.",
    "evidence": "Your evidence has been sent to the council.",
}
COUNCIL_DONE = {
    services.Action.ACCREDIT.value: "The provider is accredited. They have been emailed.",
    services.Action.ASK_FOR_MORE.value: "The provider has been asked for more information.",
    services.Action.REFUSE.value: "The application is refused. The provider has been emailed.",
    services.Action.SUSPEND.value: "The accreditation is suspended. The provider has been emailed.",
    services.Action.REVOKE.value: "The accreditation is revoked. The provider has been emailed.",
    services.Action.REINSTATE.value: (
        "The accreditation is reinstated. The provider has been emailed."
    ),
}


def status_view(status: Status) -> dict[str, str]:
    return {
        "value": status.value,
        "label": services.STATUS_LABELS[status],
        "tag": STATUS_TAGS[status],
    }


def policy_view(policy: AccreditationPolicy) -> dict[str, Any]:
    return {
        "kitemark": policy.listing_needs_accreditation,
        "badge_label": policy.badge_label,
        "warning_days": policy.warning_days,
        "required": [
            {"kind": kind.value, "label": KIND_LABELS[kind], "words": COUNCIL_WORDS[kind]}
            for kind in policy.required_evidence
        ],
    }


def file_size(size: int) -> str:
    """GOV.UK style: 340KB, 2.5MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}KB"
    return f"{size / 1024 / 1024:.1f}MB"


def evidence_view(
    row: Evidence, href: str | None, today: date, warning_days: int
) -> dict[str, Any]:
    flag = None
    if row.expires_on is not None and row.expires_on <= today:
        flag = ("Expired", "govuk-tag--red")
    elif row.expires_on is not None and row.expires_on <= today + timedelta(days=warning_days):
        flag = ("Expires soon", "govuk-tag--yellow")
    return {
        "id": str(row.id),
        "kind": KIND_LABELS[row.kind],
        "title": row.title,
        "reference": row.reference,
        "expires": long_date(row.expires_on) if row.expires_on else None,
        "expires_iso": row.expires_on.isoformat() if row.expires_on else None,
        "flag": flag,
        "href": href if row.storage_key else None,
        "size": file_size(row.size_bytes or 0) if row.storage_key else None,
        "sent": when_text(row.created_at),
    }


def _who(label: str, status: Status, council: str | None) -> str:
    """For the provider: its own people by name, the council's decisions as the council's
    (officers' names and addresses stay with the council)."""
    if council is None:
        return label
    return label.split(" <", 1)[0] if status == Status.APPLIED else council


async def history_view(
    accreditation: Accreditation, council: str | None = None
) -> list[dict[str, Any]]:
    """The history, newest first; ``council`` (its name) for the provider's view."""
    return [
        {
            "when": when_text(row.created_at),
            "when_iso": row.created_at.isoformat(),
            "status": status_view(row.status),
            "by": _who(row.actor_label, row.status, council),
            "reason": row.reason,
            "until": long_date(row.expires_on) if row.expires_on else None,
        }
        for row in await services.history_of(accreditation)
    ]


def summary_view(accreditation: Accreditation | None) -> dict[str, Any] | None:
    if accreditation is None:
        return None
    return {
        "id": str(accreditation.id),
        "status": status_view(accreditation.status),
        "until": long_date(accreditation.expires_on) if accreditation.expires_on else None,
        "reason": accreditation.reason,
        "decided_by": accreditation.decided_by,
        "decided_at": when_text(accreditation.decided_at) if accreditation.decided_at else None,
        "applied": when_text(accreditation.created_at),
    }


# -- Reading the multipart evidence form ----------------------------------------------------


def _date(values: dict[str, str], name: str, label: str, errors: dict[str, str]) -> date | None:
    try:
        return optional_date(values, name, label)
    except InvalidInput as refused:
        errors[name] = refused.problems[0].message
        return None


async def read_evidence_form(
    request: Request,
) -> tuple[dict[str, str], list[Upload], Registrations, dict[str, str]]:
    """The form's text values, its uploads, the declared registrations and any errors
    found before the services look (an oversized request, a half-filled date)."""
    errors: dict[str, str] = {}
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FORM_BYTES:
        return {}, [], Registrations(), {"document": TOO_LARGE}
    form = await request.form(max_files=4, max_fields=40)
    values: dict[str, str] = {}
    uploads: list[Upload] = []
    for key, item in form.multi_items():
        if isinstance(item, UploadFile):
            data = await item.read(MAX_UPLOAD_BYTES + 1)
            if item.filename or data:
                uploads.append(Upload(item.filename or "", data))
        elif key != "csrf_token":
            values[key] = item.strip()
    title = values.get("document_title", "")
    uploads = [Upload(u.filename, u.data, title if i == 0 else "") for i, u in enumerate(uploads)]
    if title and not uploads:
        errors["document"] = "Choose the file for the document you named"
    registrations = Registrations(
        cqc_location_id=values.get("cqc_location_id", ""),
        dbs_certificate_number=values.get("dbs_certificate_number", ""),
        dbs_holder_name=values.get("dbs_holder_name", ""),
        dbs_renewal_on=_date(values, "dbs_renewal_on", "The date the DBS check is due", errors),
        insurance_policy=values.get("insurance_policy", ""),
        insurance_expires_on=_date(values, "insurance_expires_on", "Insurance expiry date", errors),
        other_name=values.get("other_name", ""),
        other_reference=values.get("other_reference", ""),
    )
    return values, uploads, registrations, errors


# -- The provider's page ----------------------------------------------------------------------


def _provider_href(path: str, provider_id: str | None, **query: str) -> str:
    params = {**({"provider_id": provider_id} if provider_id else {}), **query}
    return f"{path}?{urlencode(params)}" if params else path


async def _provider_page(
    request: Request,
    provider_id: str | None,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    actor = actor_of(request)
    runtime = runtime_of(request)
    seats = await provider_seats(actor)
    seat = await provider_seat(actor, provider_id)
    tenant = actor.tenant
    assert tenant is not None
    policy = services.policy_for(runtime, tenant)
    accreditation = await Accreditation.get_or_none(
        tenant_id=tenant.id, provider_id=seat.provider.id
    )
    today = uk_today()
    evidence, history, sent = [], [], set()
    if accreditation is not None:
        rows = await services.evidence_of(accreditation)
        evidence = [
            evidence_view(
                row, f"/provider/accreditation/evidence/{row.id}", today, policy.warning_days
            )
            for row in rows
        ]
        sent = {row.kind for row in rows if row.expires_on is None or row.expires_on > today}
        history = await history_view(accreditation, council=tenant.name)
    status = accreditation.status if accreditation is not None else None
    chosen = str(seat.provider.id) if len(seats) > 1 else None
    return render(
        request,
        "accreditation/provider.html",
        "Accreditation",
        status_code=status_code,
        provider=seat.provider,
        can_manage=seat.can_manage,
        providers=[
            {
                "name": s.provider.name,
                "href": _provider_href("/provider/accreditation", str(s.provider.id)),
                "current": s.provider.id == seat.provider.id,
            }
            for s in seats
        ]
        if len(seats) > 1
        else [],
        provider_id=chosen,
        accreditation=summary_view(accreditation),
        policy=policy_view(policy),
        needed=[
            {"label": REQUIRED_WORDS[kind][1], "sent": kind in sent}
            for kind in policy.required_evidence
        ],
        can_apply=seat.can_manage and (status is None or status in services.REAPPLY_FROM),
        can_add=seat.can_manage and status in services.ADD_EVIDENCE_IN,
        evidence=evidence,
        history=history,
        errors=errors or {},
        values=values or {},
        done=PROVIDER_DONE.get(request.query_params.get("done", "")),
    )


@signed_in
async def provider_page(request: Request) -> Response:
    return await _provider_page(request, request.query_params.get("provider_id"))


async def _submit(request: Request, applying: bool) -> Response:
    actor = actor_of(request)
    runtime = runtime_of(request)
    provider_id = request.query_params.get("provider_id") or None
    await provider_seat(actor, provider_id, manage=True)  # refused before the upload is read
    values, uploads, registrations, errors = await read_evidence_form(request)
    if errors:
        return await _provider_page(
            request, provider_id, status_code=400, errors=errors, values=values
        )
    try:
        if applying:
            await services.apply(
                runtime,
                actor,
                provider_id,
                uploads=uploads,
                registrations=registrations,
                note=values.get("note", ""),
            )
        else:
            await services.add_evidence(
                runtime, actor, provider_id, uploads=uploads, registrations=registrations
            )
    except InvalidInput as refused:
        return await _provider_page(
            request,
            provider_id,
            status_code=400,
            errors=field_errors(refused.problems),
            values=values,
        )
    except Conflict as refused:
        return await _provider_page(
            request,
            provider_id,
            status_code=409,
            errors={"status": _sentence(str(refused))},
            values=values,
        )
    done = "applied" if applying else "evidence"
    return see_other(_provider_href("/provider/accreditation", provider_id, done=done))


@signed_in
async def provider_apply(request: Request) -> Response:
    return await _submit(request, applying=True)


@signed_in
async def provider_add_evidence(request: Request) -> Response:
    return await _submit(request, applying=False)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# -- Evidence files ---------------------------------------------------------------------------


def _download_name(evidence: Evidence) -> str:
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        evidence.content_type or "", "bin"
    )
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", evidence.title).strip("-.")[:80] or "evidence"
    return f"{stem}.{extension}"


async def _send_file(request: Request, evidence: Evidence, accreditation: Any) -> Response:
    actor = actor_of(request)
    data = await services.read_evidence_file(runtime_of(request), evidence)
    # Opening a provider's documents (DBS certificates among them) is an export of data.
    await record(
        evidence.tenant_id,
        AuditAction.DATA_EXPORTED,
        actor,
        target_type="accreditation_evidence",
        target_id=evidence.id,
        target_label=f"{accreditation.provider.name}: {evidence.title}"[:300],
        details={"export": "accreditation evidence"},
    )
    name = _download_name(evidence)
    return Response(
        data,
        media_type=evidence.content_type or "application/octet-stream",
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": (
                "default-src 'none'; object-src 'none'; base-uri 'none'; "
                "frame-ancestors 'none'; sandbox"
            ),
            "Cache-Control": "private, no-store",
        },
    )


@signed_in
async def provider_download(request: Request) -> Response:
    evidence, accreditation = await provider_evidence(
        actor_of(request), request.path_params["evidence_id"]
    )
    return await _send_file(request, evidence, accreditation)


@signed_in
async def council_download(request: Request) -> Response:
    evidence, accreditation = await officer_evidence(
        actor_of(request),
        request.path_params["accreditation_id"],
        request.path_params["evidence_id"],
    )
    return await _send_file(request, evidence, accreditation)


# -- The council's pages ----------------------------------------------------------------------


@signed_in
async def council_queue(request: Request) -> Response:
    actor = actor_of(request)
    await require_council(actor, Permission.ACCREDIT_PROVIDERS)
    assert actor.tenant is not None
    wanted = request.query_params.get("status", "")
    status = next((s for s in Status if s.value == wanted), None)
    words = request.query_params.get("q", "").strip()[:100]
    rows = await services.queue(actor.tenant.id, status, words)
    counts = await services.status_counts(actor.tenant.id)
    return render(
        request,
        "accreditation/council_queue.html",
        "Provider accreditation",
        policy=policy_view(services.policy_for(runtime_of(request), actor.tenant)),
        rows=[
            {
                "href": f"/council/accreditation/{row.id}",
                "provider": row.provider.name,
                "status": status_view(row.status),
                "updated": when_text(row.updated_at),
                "updated_iso": row.updated_at.isoformat(),
                "until": long_date(row.expires_on) if row.expires_on else None,
            }
            for row in rows
        ],
        counts=[
            {
                "status": status_view(s),
                "count": counts[s],
                "href": f"/council/accreditation?status={s.value}",
            }
            for s in Status
        ],
        total=sum(counts.values()),
        status=status.value if status else "",
        words=words,
        limited=len(rows) >= services.QUEUE_LIMIT,
    )


async def _council_page(
    request: Request,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    actor = actor_of(request)
    accreditation = await officer_accreditation(actor, request.path_params["accreditation_id"])
    assert actor.tenant is not None
    policy = services.policy_for(runtime_of(request), actor.tenant)
    today = uk_today()
    base = f"/council/accreditation/{accreditation.id}"
    evidence = [
        evidence_view(row, f"{base}/evidence/{row.id}", today, policy.warning_days)
        for row in await services.evidence_of(accreditation)
    ]
    present = {
        row.kind
        for row in await services.evidence_of(accreditation)
        if row.expires_on is None or row.expires_on > today
    }
    actions = services.actions_from(accreditation.status)
    return render(
        request,
        "accreditation/council_detail.html",
        accreditation.provider.name,
        status_code=status_code,
        provider=accreditation.provider,
        accreditation=summary_view(accreditation),
        policy=policy_view(policy),
        missing=[COUNCIL_WORDS[kind] for kind in policy.required_evidence if kind not in present],
        evidence=evidence,
        history=await history_view(accreditation),
        actions=[
            (action.value, services.STEPS[action].label, ACTION_HINTS[action]) for action in actions
        ],
        action_url=f"{base}/decisions",
        errors=errors or {},
        values=values or {},
        done=COUNCIL_DONE.get(request.query_params.get("done", "")),
    )


@signed_in
async def council_detail(request: Request) -> Response:
    return await _council_page(request)


@signed_in
async def council_decide(request: Request) -> Response:
    actor = actor_of(request)
    accreditation = await officer_accreditation(actor, request.path_params["accreditation_id"])
    form = await request.form(max_files=0, max_fields=20)
    values = {
        k: v.strip() for k, v in form.multi_items() if isinstance(v, str) and k != "csrf_token"
    }
    errors: dict[str, str] = {}
    expires_on = _date(values, "expires_on", "The date the accreditation ends", errors)
    if not values.get("action"):
        errors["action"] = "Choose a decision"
    if errors:
        return await _council_page(request, status_code=400, errors=errors, values=values)
    try:
        await services.decide(
            runtime_of(request),
            actor,
            accreditation.id,
            values["action"],
            reason=values.get("reason", ""),
            expires_on=expires_on,
            expected_status=values.get("expected_status") or None,
        )
    except InvalidInput as refused:
        return await _council_page(
            request, status_code=400, errors=field_errors(refused.problems), values=values
        )
    except Conflict as refused:
        return await _council_page(
            request, status_code=409, errors={"status": _sentence(str(refused))}, values={}
        )
    return see_other(f"/council/accreditation/{accreditation.id}?done={values['action']}")


routes: list[BaseRoute] = [
    Route("/provider/accreditation", provider_page, methods=["GET"], name="accreditation:provider"),
    Route("/provider/accreditation", provider_apply, methods=["POST"]),
    Route("/provider/accreditation/evidence", provider_add_evidence, methods=["POST"]),
    Route("/provider/accreditation/evidence/{evidence_id}", provider_download, methods=["GET"]),
    Route("/council/accreditation", council_queue, methods=["GET"], name="accreditation:queue"),
    Route("/council/accreditation/{accreditation_id}", council_detail, methods=["GET"]),
    Route("/council/accreditation/{accreditation_id}/decisions", council_decide, methods=["POST"]),
    Route(
        "/council/accreditation/{accreditation_id}/evidence/{evidence_id}",
        council_download,
        methods=["GET"],
    ),
]
