"""``GET /api/v1/audit-events``: the council's audit log for its own systems.

API clients need the ``audit:read`` scope; a signed-in browser needs the
council's ``audit:view`` permission. Filters are the console's, as query
parameters; bad ones are a 400 naming each parameter.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.api.access import require_api
from core.api.openapi import Operation, query_parameter
from core.api.problem import problem
from core.audit.actions import AuditAction
from core.audit.queries import MAX_LIMIT, parse_query, search
from core.audit.schemas import AuditEventOut, AuditEventPage
from core.errors import InvalidInput
from core.identity.roles import Permission
from core.web.forms import actor_of

SCOPE = "audit:read"


def _page_url(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return str(request.url.include_query_params(cursor=cursor))


async def list_audit_events(request: Request) -> Response:
    actor = actor_of(request)
    await require_api(actor, SCOPE, Permission.VIEW_AUDIT)
    assert actor.tenant is not None
    try:
        query = parse_query(request.query_params)
    except InvalidInput as invalid:
        return problem(400, str(invalid), errors=invalid.problems)
    page = await search(actor.tenant.id, query.filters, cursor=query.cursor, limit=query.limit)
    body = AuditEventPage(
        items=[AuditEventOut.build(event) for event in page.events],
        next=_page_url(request, page.next_cursor),
        previous=_page_url(request, page.previous_cursor),
    )
    return JSONResponse(body.model_dump(mode="json"))


PARAMETERS = (
    query_parameter(
        "action", "Only this action", type="string", enum=[action.value for action in AuditAction]
    ),
    query_parameter("actor", "Who did it: part of a name or email address"),
    query_parameter("target", "What it was done to: part of a name, email or reference"),
    query_parameter("q", "Words searched in names, actions, references and IP addresses"),
    query_parameter("from", "First UK calendar day, e.g. 2026-11-01", type="string", format="date"),
    query_parameter("to", "Last UK calendar day (inclusive)", type="string", format="date"),
    query_parameter("cursor", "From a previous page's next or previous link"),
    query_parameter(
        "limit", "Events per page", type="integer", minimum=1, maximum=MAX_LIMIT, default=50
    ),
)

operations = [
    Operation(
        method="GET",
        path="/audit-events",
        operation_id="listAuditEvents",
        summary="The council's audit log",
        description="Sign-ins, failed sign-ins, refusals, role changes, bars and exports, "
        "newest first. Needs the audit:read scope. Page with the next link.",
        response_model=AuditEventPage,
        tags=("audit",),
        problems=(400, 401, 403),
        parameters=PARAMETERS,
    )
]
endpoints = {"listAuditEvents": list_audit_events}
