"""The council's unmet-needs report over HTTP: the console page, its CSV download and
``GET /api/v1/unmet-needs``. What is read, and who may read it, is core.marketplace.needs.

- ``/council/unmet-needs``: a GET form of two GOV.UK date inputs (default: the last 12
  months, UK time), the needs grouped by words and district, and every need a page at a
  time, newest first. Officers and admins (``market:manage``).
- ``/council/unmet-needs.csv``: every need in the same dates, for a spreadsheet. Cells
  that a spreadsheet would run as a formula are prefixed with a quote; each download is
  recorded in the audit log.
- ``/api/v1/unmet-needs``: the entries as JSON (``from``, ``to``, ``limit``, ``cursor``),
  for a token with ``market:read`` or a signed-in officer. Bad parameters are a 400
  problem naming each one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.api.openapi import Operation, query_parameter
from core.api.problem import problem
from core.audit.export import spreadsheet_safe
from core.clock import long_date
from core.errors import FieldProblem, InvalidInput
from core.marketplace.needs import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    READ_SCOPE,
    Cursor,
    NeedEntry,
    NeedsRange,
    export_unmet_needs,
    needs_range,
    normalise_words,
    parse_query,
    require_reader,
    unmet_needs_report,
)
from core.settings import UK_TIMEZONE
from core.web.dates import optional_date
from core.web.forms import actor_of, field_errors, signed_in
from core.web.responses import render

PAGE = "/council/unmet-needs"
DATE_FIELDS = {"from": "The start date", "to": "The end date"}
PAGE_SIZE = 25
SUMMARY_ROWS = 50
CSV_COLUMNS = (
    "Reference",
    "Recorded (UK time)",
    "Search words",
    "Kind of service",
    "Postcode district",
    "What they told us",
    "Signed in",
)


# --- the console page --------------------------------------------------------------------


def range_from_form(values: Mapping[str, str]) -> NeedsRange:
    """The page's day, month and year boxes; InvalidInput naming each bad date."""
    problems: list[FieldProblem] = []
    days: dict[str, date | None] = {}
    for name, label in DATE_FIELDS.items():
        try:
            days[name] = optional_date(dict(values), name, label)
        except InvalidInput as invalid:
            problems.extend(invalid.problems)
    if problems:
        raise InvalidInput("the dates are not valid", problems)
    return needs_range(days["from"], days["to"])


def form_boxes(span: NeedsRange) -> dict[str, str]:
    """The range as the form's boxes (to show it, and to carry it in links)."""
    boxes = {}
    for name, day in (("from", span.date_from), ("to", span.date_to)):
        boxes |= {f"{name}-day": str(day.day), f"{name}-month": str(day.month)}
        boxes[f"{name}-year"] = str(day.year)
    return boxes


def _known_cursor(values: Mapping[str, str]) -> Cursor | None:
    """A mangled page link shows the first page rather than an error about a hidden field."""
    try:
        return Cursor.decode(values["cursor"]) if values.get("cursor") else None
    except InvalidInput:
        return None


def _page_link(span: NeedsRange, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return f"{PAGE}?{urlencode({**form_boxes(span), 'cursor': cursor})}"


def _place(district: str | None) -> str:
    return district or "Not given"


async def _report_page(request: Request, values: dict[str, str]) -> Response:
    actor = actor_of(request)
    errors: dict[str, str] = {}
    report = None
    try:
        span = range_from_form(values)
    except InvalidInput as invalid:
        errors = field_errors(invalid.problems)
    else:
        report = await unmet_needs_report(
            actor, span, cursor=_known_cursor(values), limit=PAGE_SIZE
        )
        values = {**values, **form_boxes(span)}
    return render(
        request,
        "marketplace/needs/index.html",
        "Unmet needs",
        status_code=400 if errors else 200,
        errors=errors,
        values=values,
        report=report,
        summary_rows=SUMMARY_ROWS,
        long_date=long_date,
        place=_place,
        first_href=f"{PAGE}?{urlencode(form_boxes(report.range))}" if report else None,
        csv_href=f"{PAGE}.csv?{urlencode(form_boxes(report.range))}" if report else None,
        next_href=_page_link(report.range, report.next_cursor) if report else None,
        previous_href=_page_link(report.range, report.previous_cursor) if report else None,
    )


@signed_in
async def unmet_needs_page(request: Request) -> Response:
    # Refuse (and audit) before reading the form, so a refusal never depends on it.
    await require_reader(actor_of(request))
    values = {key: value.strip() for key, value in request.query_params.items()}
    return await _report_page(request, values)


# --- the CSV download --------------------------------------------------------------------


def recorded_text(moment: datetime) -> str:
    return moment.astimezone(UK_TIMEZONE).strftime("%Y-%m-%d %H:%M")


def csv_cells(entry: NeedEntry) -> list[str]:
    cells = [
        str(entry.id),
        recorded_text(entry.recorded_at),
        entry.words,
        entry.category_label or "",
        entry.district or "",
        entry.details,
        "Yes" if entry.signed_in else "No",
    ]
    return [spreadsheet_safe(cell) for cell in cells]


def csv_text(entries: list[NeedEntry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_cells(entry) for entry in entries)
    # The byte order mark makes Excel read the file as UTF-8 (accents, curly quotes).
    return "\ufeff" + buffer.getvalue()


@signed_in
async def unmet_needs_csv(request: Request) -> Response:
    actor = actor_of(request)
    await require_reader(actor)
    values = {key: value.strip() for key, value in request.query_params.items()}
    try:
        span = range_from_form(values)
    except InvalidInput:
        return await _report_page(request, values)
    export = await export_unmet_needs(actor, span)
    return Response(
        csv_text(export.entries),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
        },
    )


routes: list[BaseRoute] = [
    Route(PAGE, unmet_needs_page, methods=["GET"], name="console:unmet-needs"),
    Route(f"{PAGE}.csv", unmet_needs_csv, methods=["GET"], name="console:unmet-needs-csv"),
]


# --- the API -----------------------------------------------------------------------------


class UnmetNeedOut(BaseModel):
    """One unmet need. Who recorded it is never given, only whether they were signed in."""

    id: int = Field(description="The need's number in this council")
    recorded_at: datetime = Field(description="When it was recorded (UTC)")
    recorded_on: date = Field(description="The UK calendar day it was recorded")
    words: str = Field(description="The search words, as typed (may be empty)")
    grouped_as: str = Field(
        description="The words normalised (lower case, letters and digits only), as the "
        "council's report groups them"
    )
    category: str | None = Field(description="The kind of service searched for, if any")
    category_label: str | None
    district: str | None = Field(description="The postcode district searched, if any")
    details: str = Field(description="What the person told the council, in their words")
    signed_in: bool = Field(description="Whether the person was signed in")

    @classmethod
    def build(cls, entry: NeedEntry) -> UnmetNeedOut:
        return cls(
            id=entry.id,
            recorded_at=entry.recorded_at.astimezone(UTC),
            recorded_on=entry.recorded_on,
            words=entry.words,
            grouped_as=normalise_words(entry.words),
            category=entry.category,
            category_label=entry.category_label,
            district=entry.district,
            details=entry.details,
            signed_in=entry.signed_in,
        )


class UnmetNeedsPage(BaseModel):
    """A page of needs, newest first. Follow ``next`` for older ones."""

    date_from: date = Field(description="First UK day reported on (inclusive)")
    date_to: date = Field(description="Last UK day reported on (inclusive)")
    items: list[UnmetNeedOut]
    next: str | None = Field(description="URL of the next (older) page, null on the last page")
    previous: str | None = Field(
        description="URL of the previous (newer) page, null on the first page"
    )


def _api_link(request: Request, cursor: str | None) -> str | None:
    return str(request.url.include_query_params(cursor=cursor)) if cursor else None


async def list_unmet_needs(request: Request) -> Response:
    actor = actor_of(request)
    await require_reader(actor)
    try:
        query = parse_query(request.query_params)
    except InvalidInput as invalid:
        return problem(400, str(invalid), errors=invalid.problems)
    report = await unmet_needs_report(
        actor, query.range, cursor=query.cursor, limit=query.limit, summary=False
    )
    page = UnmetNeedsPage(
        date_from=report.range.date_from,
        date_to=report.range.date_to,
        items=[UnmetNeedOut.build(entry) for entry in report.entries],
        next=_api_link(request, report.next_cursor),
        previous=_api_link(request, report.previous_cursor),
    )
    return JSONResponse(page.model_dump(mode="json"))


operations = [
    Operation(
        method="GET",
        path="/unmet-needs",
        operation_id="listUnmetNeeds",
        summary="What people looked for in the marketplace and did not find",
        description=f"Needs recorded after a search found nothing, newest first, for the "
        f"UK calendar days from `from` to `to` (both inclusive, by default the 12 months "
        f"up to today). Who recorded a need is never given, only `signed_in`. Needs the "
        f"{READ_SCOPE} scope (or a signed-in council officer). Page with the next link.",
        response_model=UnmetNeedsPage,
        tags=("market",),
        problems=(400, 401, 403),
        parameters=(
            query_parameter(
                "from", "First UK calendar day, e.g. 2026-01-01", type="string", format="date"
            ),
            query_parameter(
                "to",
                "Last UK calendar day (inclusive), by default today",
                type="string",
                format="date",
            ),
            query_parameter("cursor", "From a previous page's next or previous link"),
            query_parameter(
                "limit",
                "Needs per page",
                type="integer",
                minimum=1,
                maximum=MAX_LIMIT,
                default=DEFAULT_LIMIT,
            ),
        ),
    )
]
endpoints = {"listUnmetNeeds": list_unmet_needs}
