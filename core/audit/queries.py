"""Finding a council's audit events: filters, newest first, a page at a time.

A council's events all sit in its own chain, numbered in the order they
happened, so the page position is simply a sequence number (keyset paging on
the ``(chain, sequence)`` index: no OFFSET, stable while new events arrive).
Filters come from people (the console's form) and programs (API query
parameters); both are checked here and refused with field problems.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Literal

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core.audit.actions import ACTION_LABELS, AuditAction
from core.audit.models import AuditEvent
from core.clock import uk_day_start
from core.errors import FieldProblem, InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_TEXT = 200
_CURSOR = re.compile(r"(after|before):([0-9]{1,18})")


@dataclass(frozen=True)
class AuditFilters:
    """What to look for. Dates are UK calendar days (Europe/London), both inclusive."""

    action: AuditAction | None = None
    actor: str | None = None
    target: str | None = None
    text: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for links, and for the export's own audit row)."""
        names = {"text": "q", "date_from": "from", "date_to": "to"}
        return {
            names.get(key, key): value.isoformat() if isinstance(value, date) else str(value)
            for key, value in asdict(self).items()
            if value not in (None, "")
        }


def _text(values: Mapping[str, str], name: str, problems: list[FieldProblem]) -> str | None:
    value = (values.get(name) or "").strip()
    if len(value) > MAX_TEXT:
        problems.append(FieldProblem(name, f"must be {MAX_TEXT} characters or fewer"))
    return value or None


def _date(
    values: Mapping[str, str], name: str, label: str, problems: list[FieldProblem]
) -> date | None:
    value = (values.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(FieldProblem(name, f"{label} must be a real date, like 2026-11-23"))
        return None


def parse_filters(values: Mapping[str, str]) -> AuditFilters:
    """Filters from ``action``, ``actor``, ``target``, ``q``, ``from`` and ``to`` (ISO dates).

    Raises InvalidInput naming every bad field.
    """
    problems: list[FieldProblem] = []
    action = None
    if raw_action := (values.get("action") or "").strip():
        try:
            action = AuditAction(raw_action)
        except ValueError:
            problems.append(FieldProblem("action", "Choose an action from the list"))
    filters = AuditFilters(
        action=action,
        actor=_text(values, "actor", problems),
        target=_text(values, "target", problems),
        text=_text(values, "q", problems),
        date_from=_date(values, "from", "Date from", problems),
        date_to=_date(values, "to", "Date to", problems),
    )
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        problems.append(FieldProblem("to", "Date to must be the same as or after date from"))
    if problems:
        raise InvalidInput("the filters are not valid", problems)
    return filters


def parse_limit(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        problem = FieldProblem("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
        raise InvalidInput("the limit is not valid", [problem])
    return int(value)


@dataclass(frozen=True)
class Cursor:
    """A page boundary: events older (``after``) or newer (``before``) than ``sequence``."""

    direction: Literal["after", "before"]
    sequence: int

    def encode(self) -> str:
        raw = f"{self.direction}:{self.sequence}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """Raises InvalidInput for anything this module did not hand out."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raw = ""
        match = _CURSOR.fullmatch(raw)
        if match is None:
            problem = FieldProblem("cursor", "is not a cursor from a previous page")
            raise InvalidInput("the cursor is not valid", [problem])
        direction: Literal["after", "before"] = "after" if match[1] == "after" else "before"
        return cls(direction, int(match[2]))


@dataclass(frozen=True)
class AuditPage:
    """Events newest first, with cursors for the older and newer neighbouring pages."""

    events: list[AuditEvent]
    next_cursor: str | None
    previous_cursor: str | None


@dataclass(frozen=True)
class AuditQuery:
    """Filters and a page position, as an API caller sends them."""

    filters: AuditFilters
    cursor: str | None
    limit: int


def parse_query(values: Mapping[str, str]) -> AuditQuery:
    """Filters plus ``cursor`` and ``limit``; raises InvalidInput naming every bad parameter."""
    problems: list[FieldProblem] = []
    filters, limit = AuditFilters(), DEFAULT_LIMIT
    cursor = values.get("cursor") or None
    try:
        filters = parse_filters(values)
    except InvalidInput as invalid:
        problems.extend(invalid.problems)
    try:
        limit = parse_limit(values.get("limit"))
    except InvalidInput as invalid:
        problems.extend(invalid.problems)
    if cursor is not None:
        try:
            Cursor.decode(cursor)
        except InvalidInput as invalid:
            problems.extend(invalid.problems)
    if problems:
        raise InvalidInput("the query is not valid", problems)
    return AuditQuery(filters, cursor, limit)


def _matching_actions(text: str) -> list[str]:
    needle = text.lower()
    return [action.value for action, label in ACTION_LABELS.items() if needle in label.lower()]


def filtered(tenant_id: int, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """This council's events matching ``filters``; never another council's."""
    query = AuditEvent.filter(chain=tenant_id, tenant_id=tenant_id)
    if filters.action is not None:
        query = query.filter(action=filters.action.value)
    if filters.actor:
        query = query.filter(actor_label__icontains=filters.actor)
    if filters.target:
        query = query.filter(
            Q(target_label__icontains=filters.target)
            | Q(target_id__icontains=filters.target)
            | Q(target_type__icontains=filters.target)
        )
    if filters.text:
        text = filters.text
        query = query.filter(
            Q(actor_label__icontains=text)
            | Q(target_label__icontains=text)
            | Q(target_id__icontains=text)
            | Q(target_type__icontains=text)
            | Q(ip__icontains=text)
            | Q(action__in=_matching_actions(text) or ["-"])
        )
    if filters.date_from is not None:
        query = query.filter(occurred_at__gte=uk_day_start(filters.date_from))
    if filters.date_to is not None:
        query = query.filter(occurred_at__lt=uk_day_start(filters.date_to + timedelta(days=1)))
    return query


async def search(
    tenant_id: int, filters: AuditFilters, *, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> AuditPage:
    """One page of matching events, newest first. Raises InvalidInput for a bad cursor."""
    limit = max(1, min(limit, MAX_LIMIT))
    position = Cursor.decode(cursor) if cursor else None
    query = filtered(tenant_id, filters)
    if position is None or position.direction == "after":
        if position is not None:
            query = query.filter(sequence__lt=position.sequence)
        rows = list(await query.order_by("-sequence").limit(limit + 1))
        events, more = rows[:limit], len(rows) > limit
        older = Cursor("after", events[-1].sequence).encode() if more else None
        newer = Cursor("before", events[0].sequence).encode() if position and events else None
        return AuditPage(events, older, newer)
    rows = list(
        await query.filter(sequence__gt=position.sequence).order_by("sequence").limit(limit + 1)
    )
    events, more = rows[:limit][::-1], len(rows) > limit
    older = Cursor("after", events[-1].sequence).encode() if events else None
    newer = Cursor("before", events[0].sequence).encode() if more else None
    return AuditPage(events, older, newer)


async def newest_sequence(tenant_id: int) -> int:
    """The council's latest event number: an export stops here, so its count stays true."""
    latest = await AuditEvent.filter(chain=tenant_id).order_by("-sequence").first()
    return latest.sequence if latest else 0


async def each_event(
    tenant_id: int, filters: AuditFilters, *, up_to: int, batch: int = 500
) -> AsyncIterator[AuditEvent]:
    """Every matching event up to sequence ``up_to``, newest first, fetched in batches."""
    query = filtered(tenant_id, filters).filter(sequence__lte=up_to).order_by("-sequence")
    rows = await query.limit(batch)
    while rows:
        for event in rows:
            yield event
        if len(rows) < batch:
            return
        rows = await query.filter(sequence__lt=rows[-1].sequence).limit(batch)
