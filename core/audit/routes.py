"""The council console's audit log: filter and read events, export them as CSV.

Viewing needs ``audit:view`` (officers and admins), exporting ``audit:export``
(admins). The page works without JavaScript: filters are a GET form, pages are
links, the export is a POSTed form carrying the same filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from core.audit import display
from core.audit.actions import ACTION_LABELS
from core.audit.export import start_export
from core.audit.queries import AuditFilters, AuditPage, Cursor, parse_filters, search
from core.errors import FieldProblem, InvalidInput
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.web.dates import optional_date
from core.web.forms import actor_of, field_errors, form_values, signed_in
from core.web.responses import render

DATE_FIELDS = {"from": "Date from", "to": "Date to"}
TEXT_FIELDS = ("action", "actor", "target", "q")


def filters_from_form(values: dict[str, str]) -> AuditFilters:
    """The console's GET form (dates in day, month, year boxes) as filters.

    Raises InvalidInput naming every bad field, dates included.
    """
    problems: list[FieldProblem] = []
    plain = {name: values.get(name, "") for name in TEXT_FIELDS}
    for name, label in DATE_FIELDS.items():
        try:
            day = optional_date(values, name, label)
        except InvalidInput as invalid:
            problems.extend(invalid.problems)
            day = None
        plain[name] = day.isoformat() if day else ""
    try:
        filters = parse_filters(plain)
    except InvalidInput as invalid:
        problems.extend(invalid.problems)
    if problems:
        raise InvalidInput("the filters are not valid", problems)
    return filters


def _known_cursor(values: Mapping[str, str]) -> str | None:
    """A mangled page link shows the first page rather than an error about a hidden field."""
    cursor = values.get("cursor") or None
    try:
        return Cursor.decode(cursor).encode() if cursor else None
    except InvalidInput:
        return None


def _page_link(values: Mapping[str, str], cursor: str | None) -> str | None:
    if cursor is None:
        return None
    kept = {key: value for key, value in values.items() if value and key != "cursor"}
    return "/council/audit?" + urlencode({**kept, "cursor": cursor})


def _rows(page: AuditPage) -> list[dict[str, str]]:
    return [
        {
            "sequence": str(event.sequence),
            "when": display.when_text(event.occurred_at),
            "when_iso": display.uk_time(event.occurred_at).isoformat(),
            "who": event.actor_label,
            "what": display.action_label(event.action),
            "target": display.target_text(event),
            "details": display.details_summary(event.details),
            "ip": event.ip or "",
        }
        for event in page.events
    ]


async def _audit_page(request: Request, values: dict[str, str]) -> Response:
    actor = actor_of(request)
    assert actor.tenant is not None
    errors: dict[str, str] = {}
    status = 200
    filters, page = AuditFilters(), AuditPage([], None, None)
    try:
        filters = filters_from_form(values)
        page = await search(actor.tenant.id, filters, cursor=_known_cursor(values))
    except InvalidInput as invalid:
        errors, status = field_errors(invalid.problems), 400
    return render(
        request,
        "council/audit/index.html",
        "Audit log",
        status_code=status,
        errors=errors,
        values=values,
        filtered=bool(filters.as_params()),
        export_filters=filters.as_params(),
        can_export=Permission.EXPORT_AUDIT in actor.council_permissions,
        actions=[(action.value, label) for action, label in ACTION_LABELS.items()],
        rows=_rows(page),
        next_href=_page_link(values, page.next_cursor),
        previous_href=_page_link(values, page.previous_cursor),
    )


@signed_in
async def audit_log(request: Request) -> Response:
    await require_council(actor_of(request), Permission.VIEW_AUDIT)
    values = {key: value.strip() for key, value in request.query_params.items()}
    return await _audit_page(request, values)


@signed_in
async def audit_export(request: Request) -> Response:
    actor = actor_of(request)
    # Refuse (and audit) before reading filters, so a refusal never depends on them.
    await require_council(actor, Permission.EXPORT_AUDIT)
    # The page's form only carries checked filters; a hand-made bad one is a 422.
    filters = parse_filters(await form_values(request))
    export = await start_export(actor, filters)
    return StreamingResponse(
        export.lines(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
        },
    )


routes: list[BaseRoute] = [
    Route("/council/audit", audit_log, methods=["GET"], name="audit:log"),
    Route("/council/audit/export", audit_export, methods=["POST"], name="audit:export"),
]
