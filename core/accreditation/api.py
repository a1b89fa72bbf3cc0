"""``/api/v1/accreditations``: the council's vetting of providers, for its own systems.

Reading needs the ``catalogue:read`` scope (or, in a browser, an officer's
``providers:accredit`` permission); a decision needs ``catalogue:write`` (the
scope that stands for that permission). A decision honours ``Idempotency-Key``;
without one, repeating a decision already taken is a 409.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.accreditation import services
from core.accreditation.access import council_accreditation
from core.accreditation.models import Accreditation, AccreditationStatus, Decision, Evidence
from core.accreditation.schemas import (
    AccreditationOut,
    AccreditationsPage,
    AccreditationSummary,
    DecisionOut,
    EvidenceOut,
    NewDecision,
)
from core.api import idempotency
from core.api.access import require_api, require_scope
from core.api.bodies import MalformedBody, read_body
from core.api.errors import answer
from core.api.openapi import Operation, query_parameter
from core.errors import FieldProblem
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.web.forms import actor_of
from core.web.responses import runtime_of

READ, WRITE = "catalogue:read", "catalogue:write"
MAX_PAGE = 100
Endpoint = Callable[[Request], Awaitable[Response]]


def summary_out(row: Any) -> AccreditationSummary:
    return AccreditationSummary(
        id=row.id,
        provider_id=row.provider.id,
        provider_name=row.provider.name,
        status=row.status.value,
        expires_on=row.expires_on,
        reason=row.reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def evidence_out(row: Evidence) -> EvidenceOut:
    return EvidenceOut(
        id=row.id,
        kind=row.kind.value,
        title=row.title,
        reference=row.reference,
        expires_on=row.expires_on,
        has_file=bool(row.storage_key),
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        created_at=row.created_at,
    )


def decision_out(row: Decision) -> DecisionOut:
    return DecisionOut(
        status=row.status.value,
        reason=row.reason,
        expires_on=row.expires_on,
        by=row.actor_label,
        at=row.created_at,
    )


async def accreditation_out(row: Accreditation) -> AccreditationOut:
    return AccreditationOut(
        **summary_out(row).model_dump(),
        actions=[action.value for action in services.actions_from(row.status)],
        evidence=[evidence_out(e) for e in await services.evidence_of(row)],
        decisions=[decision_out(d) for d in await services.history_of(row)],
    )


def _read(handler: Endpoint) -> Endpoint:
    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        return await answer(request, lambda: handler(request))

    return endpoint


def _location(request: Request, body: Any) -> str:
    return f"/api/v1/accreditations/{body['id']}"


@_read
async def list_accreditations(request: Request) -> Response:
    actor = actor_of(request)
    await require_api(actor, READ, Permission.ACCREDIT_PROVIDERS)
    assert actor.tenant is not None
    params = request.query_params
    problems: list[FieldProblem] = []
    status_text = params.get("status")
    statuses = {status.value for status in AccreditationStatus}
    if status_text and status_text not in statuses:
        problems.append(FieldProblem("status", f"must be one of {', '.join(sorted(statuses))}"))
    raw_limit = params.get("limit", "50")
    limit = int(raw_limit) if raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_PAGE else None
    if limit is None:
        problems.append(FieldProblem("limit", f"must be a whole number from 1 to {MAX_PAGE}"))
    cursor_text = params.get("cursor")
    cursor = parse_uuid(cursor_text) if cursor_text else None
    if cursor_text and cursor is None:
        problems.append(FieldProblem("cursor", "is not a cursor this API gave you"))
    if problems or limit is None:
        raise MalformedBody("the query is not valid", problems)
    query = Accreditation.filter(tenant_id=actor.tenant.id).prefetch_related("provider")
    if status_text:
        query = query.filter(status=status_text)
    if cursor is not None:
        query = query.filter(id__gt=cursor)
    found = await query.order_by("id").limit(limit + 1)  # one more: is there a next page?
    more, found = len(found) > limit, found[:limit]
    page = AccreditationsPage(
        items=[summary_out(row) for row in found],
        next=str(request.url.include_query_params(cursor=str(found[-1].id))) if more else None,
    )
    return JSONResponse(page.model_dump(mode="json"))


@_read
async def get_accreditation(request: Request) -> Response:
    actor = actor_of(request)
    await require_api(actor, READ, Permission.ACCREDIT_PROVIDERS)
    assert actor.tenant is not None
    row = await council_accreditation(actor.tenant.id, request.path_params["accreditation_id"])
    return JSONResponse((await accreditation_out(row)).model_dump(mode="json"))


async def _decide(request: Request) -> Response:
    actor = actor_of(request)
    await require_scope(actor, WRITE)
    await require_council(actor, Permission.ACCREDIT_PROVIDERS)
    body = await read_body(request, NewDecision)
    row = await services.decide(
        runtime_of(request),
        actor,
        request.path_params["accreditation_id"],
        body.action,
        reason=body.reason,
        expires_on=body.expires_on,
    )
    out = await accreditation_out(row)
    return JSONResponse(
        out.model_dump(mode="json"),
        status_code=201,
        headers={"Location": f"/api/v1/accreditations/{out.id}"},
    )


async def decide_accreditation(request: Request) -> Response:
    return await idempotency.idempotent(request, lambda: _decide(request), location=_location)


TAGS = ("accreditation",)
operations = [
    Operation(
        method="GET",
        path="/accreditations",
        operation_id="listAccreditations",
        summary="The council's provider accreditations",
        description="Every provider that has applied to this council, with its status and "
        "end date, ordered by id. Needs the catalogue:read scope. Page with the next link.",
        response_model=AccreditationsPage,
        tags=TAGS,
        problems=(400, 401, 403),
        parameters=(
            query_parameter(
                "status",
                "Only accreditations in this status",
                type="string",
                enum=[status.value for status in AccreditationStatus],
            ),
            query_parameter("cursor", "From a previous page's next link"),
            query_parameter(
                "limit", "Items per page", type="integer", minimum=1, maximum=MAX_PAGE, default=50
            ),
        ),
    ),
    Operation(
        method="GET",
        path="/accreditations/{accreditation_id}",
        operation_id="getAccreditation",
        summary="One accreditation, its evidence and its history",
        description="The evidence the provider sent (documents and declared registrations "
        "such as a CQC location ID, DBS certificates and insurance), the decisions that may "
        "be taken now, and every step so far. Needs the catalogue:read scope.",
        response_model=AccreditationOut,
        tags=TAGS,
        problems=(401, 403, 404),
    ),
    Operation(
        method="POST",
        path="/accreditations/{accreditation_id}/decisions",
        operation_id="decideAccreditation",
        summary="Accredit, ask for more, refuse, suspend, revoke or reinstate",
        description="Takes an officer's decision: accredit (from applied or more_info; "
        "expires_on required, in the future), ask_for_more (from applied), refuse (from "
        "applied or more_info), suspend (from accredited), revoke (from accredited or "
        "suspended) or reinstate (from suspended). A reason, shown to the provider, is "
        "required except to accredit or reinstate. The provider's owners are emailed and "
        "the decision is audited. A decision the current status does not allow (one already "
        "taken) is a 409. Needs the catalogue:write scope; honours Idempotency-Key.",
        response_model=AccreditationOut,
        tags=TAGS,
        problems=(400, 401, 403, 404, 409, 422),
        parameters=(idempotency.PARAMETER,),
        request_model=NewDecision,
        success_status=201,
    ),
]
endpoints: dict[str, object] = {
    "listAccreditations": list_accreditations,
    "getAccreditation": get_accreditation,
    "decideAccreditation": decide_accreditation,
}
