"""The council's unmet-needs report: what people looked for in the marketplace and did not
find, for shaping the market. No HTTP here: the console page, its CSV download and
``/api/v1/unmet-needs`` all read through these functions.

- Dates are UK calendar days (Europe/London), both inclusive; by default the last 12
  months up to today.
- The summary groups needs by their search words, normalised (lower case, letters and
  digits only, single spaces), and postcode district: how many, and the latest day.
- The entries are newest first, a page at a time (keyset paging on the time and id, so
  no OFFSET, and pages stay put while new needs arrive).
- Who told the council is never given out, only whether they were signed in.
- Always one council's needs (``actor.tenant``), and a fixed number of queries: the
  summary, one page of entries and, when an entry has a kind of service, its labels.

Reading needs the council's ``market:manage`` permission (officers and admins) or, for a
partner system, a token with the ``market:read`` scope.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from tortoise.expressions import Q
from tortoise.functions import Count, Max
from tortoise.queryset import QuerySet

from core.api.access import require_api
from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import uk_day_start, uk_today
from core.errors import FieldProblem, InvalidInput
from core.identity.actor import Actor
from core.identity.roles import Permission
from core.marketplace.categories import labels_for
from core.marketplace.models import UnmetNeed
from core.settings import UK_TIMEZONE

READ_SCOPE = "market:read"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
_CURSOR = re.compile(r"(older|newer):([0-9]{1,18}):([0-9]{1,18})")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WORD = re.compile(r"[^\W_]+")
NEWEST_FIRST, OLDEST_FIRST = ("-created_at", "-id"), ("created_at", "id")
_ENTRY_FIELDS = ("id", "created_at", "words", "category", "district", "details", "membership_id")


# --- dates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedsRange:
    """UK calendar days, both inclusive."""

    date_from: date
    date_to: date

    @property
    def starts_at(self) -> datetime:
        return uk_day_start(self.date_from)

    @property
    def ends_before(self) -> datetime:
        if self.date_to == date.max:  # no day after it: the report stops a day short
            return uk_day_start(date.max)
        return uk_day_start(self.date_to + timedelta(days=1))

    def as_params(self) -> dict[str, str]:
        return {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}


def year_before(day: date) -> date:
    """The first day of the 12 months ending on ``day``: 11 May 2025 for 10 May 2026."""
    if day.year == date.min.year:
        return date.min
    try:
        same = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        same = day.replace(year=day.year - 1, day=28)
    return same + timedelta(days=1)


def needs_range(
    date_from: date | None = None, date_to: date | None = None, *, today: date | None = None
) -> NeedsRange:
    """The range to report on. Without ``to``, up to today (UK); without ``from``, the 12
    months ending on ``to``. InvalidInput (on ``to``) if ``to`` is before ``from``."""
    end = date_to or (today or uk_today())
    start = date_from or year_before(end)
    if date_from is not None and date_to is None and start > end:
        end = start  # a future ``from`` alone: that one day, not an error about ``to``
    if end < start:
        raise InvalidInput(
            "the dates are the wrong way round",
            [FieldProblem("to", "The end date must be the same as or after the start date")],
        )
    return NeedsRange(start, end)


def _iso_date(values: Mapping[str, str], name: str, problems: list[FieldProblem]) -> date | None:
    text = (values.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(FieldProblem(name, "must be a real date, like 2026-11-23"))
        return None


# --- paging ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """A page boundary: entries ``older`` or ``newer`` than the need recorded at
    ``recorded_at`` with id ``need_id`` (needs are ordered by time, then id)."""

    direction: Literal["older", "newer"]
    recorded_at: datetime
    need_id: int

    @classmethod
    def at(cls, direction: Literal["older", "newer"], entry: NeedEntry) -> Cursor:
        return cls(direction, entry.recorded_at, entry.id)

    def encode(self) -> str:
        micros = (self.recorded_at - _EPOCH) // timedelta(microseconds=1)
        raw = f"{self.direction}:{micros}:{self.need_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """InvalidInput (on ``cursor``) for anything this module did not hand out."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raw = ""
        match = _CURSOR.fullmatch(raw)
        if match is None:
            problem = FieldProblem("cursor", "is not a cursor from a previous page")
            raise InvalidInput("the cursor is not valid", [problem])
        direction: Literal["older", "newer"] = "older" if match[1] == "older" else "newer"
        moment = _EPOCH + timedelta(microseconds=int(match[2]))
        return cls(direction, moment, int(match[3]))

    def beyond(self) -> Q:
        """The needs on this cursor's side of it."""
        if self.direction == "older":
            return Q(created_at__lt=self.recorded_at) | Q(
                created_at=self.recorded_at, id__lt=self.need_id
            )
        return Q(created_at__gt=self.recorded_at) | Q(
            created_at=self.recorded_at, id__gt=self.need_id
        )


def parse_limit(text: str | None, problems: list[FieldProblem]) -> int:
    if text is None or text == "":
        return DEFAULT_LIMIT
    if text.isdigit() and 1 <= int(text) <= MAX_LIMIT:
        return int(text)
    problems.append(FieldProblem("limit", f"must be a whole number from 1 to {MAX_LIMIT}"))
    return DEFAULT_LIMIT


@dataclass(frozen=True)
class NeedsQuery:
    """What an API caller asked for: dates, a page position and a page size."""

    range: NeedsRange
    cursor: Cursor | None
    limit: int


def parse_query(values: Mapping[str, str], *, today: date | None = None) -> NeedsQuery:
    """``from``, ``to`` (ISO dates), ``cursor`` and ``limit``; InvalidInput naming every bad
    parameter."""
    problems: list[FieldProblem] = []
    date_from = _iso_date(values, "from", problems)
    date_to = _iso_date(values, "to", problems)
    limit = parse_limit(values.get("limit"), problems)
    cursor = None
    if text := values.get("cursor"):
        try:
            cursor = Cursor.decode(text)
        except InvalidInput as invalid:
            problems.extend(invalid.problems)
    span = None
    if not any(p.field in ("from", "to") for p in problems):
        try:
            span = needs_range(date_from, date_to, today=today)
        except InvalidInput as invalid:
            problems.extend(invalid.problems)
    if problems or span is None:
        raise InvalidInput("the query is not valid", problems)
    return NeedsQuery(span, cursor, limit)


# --- what the report holds ---------------------------------------------------------------


def normalise_words(words: str) -> str:
    """``"  Horse-riding!! "`` -> ``"horse riding"``: how needs are grouped."""
    return " ".join(_WORD.findall(words.casefold()))


@dataclass(frozen=True)
class NeedGroup:
    """Needs with the same normalised words in the same district."""

    words: str  # normalised; "" when the person gave no search words
    district: str | None
    count: int
    latest: date  # the UK day of the newest


@dataclass(frozen=True)
class NeedEntry:
    """One need, as the council may see it: never who recorded it."""

    id: int
    recorded_at: datetime
    words: str
    category: str | None
    category_label: str | None
    district: str | None
    details: str
    signed_in: bool

    @property
    def recorded_on(self) -> date:
        return self.recorded_at.astimezone(UK_TIMEZONE).date()


@dataclass(frozen=True)
class NeedsReport:
    """The summary for the whole range and one page of its entries, newest first."""

    range: NeedsRange
    total: int | None  # None when the summary was not asked for
    groups: list[NeedGroup]
    entries: list[NeedEntry]
    next_cursor: str | None  # older entries
    previous_cursor: str | None  # newer entries


async def require_reader(actor: Actor) -> int:
    """The council's id, once the actor may read its unmet needs: a member with
    ``market:manage`` or a token with ``market:read``. Refusals are audited."""
    await require_api(actor, READ_SCOPE, Permission.MANAGE_MARKET)
    assert actor.tenant is not None
    return actor.tenant.id


def _in_range(tenant_id: int, span: NeedsRange) -> QuerySet[UnmetNeed]:
    # In UTC: SQLite compares stored times as text, so the bounds must be written alike.
    return UnmetNeed.filter(
        tenant_id=tenant_id,
        created_at__gte=span.starts_at.astimezone(UTC),
        created_at__lt=span.ends_before.astimezone(UTC),
    )


def _aware(value: Any) -> datetime:
    """A stored time, aware (an aggregate on SQLite comes back as text; naive is UTC)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _groups(tenant_id: int, span: NeedsRange) -> list[NeedGroup]:
    """Grouped by the stored words in the database, then merged by their normalised form."""
    rows = (
        await _in_range(tenant_id, span)
        .annotate(count=Count("id"), latest=Max("created_at"))
        .group_by("words", "district")
        .values("words", "district", "count", "latest")
    )
    merged: dict[tuple[str, str | None], tuple[int, datetime]] = {}
    for row in rows:
        key = (normalise_words(row["words"] or ""), row["district"])
        moment = _aware(row["latest"])
        count, latest = merged.get(key, (0, moment))
        merged[key] = (count + row["count"], max(moment, latest))
    groups = [
        NeedGroup(words, district, count, latest.astimezone(UK_TIMEZONE).date())
        for (words, district), (count, latest) in merged.items()
    ]
    groups.sort(key=lambda g: (-g.count, -g.latest.toordinal(), g.words, g.district or ""))
    return groups


async def _entries(rows: list[dict[str, Any]], tenant_id: int) -> list[NeedEntry]:
    labels = await labels_for(tenant_id) if any(row["category"] for row in rows) else {}
    return [
        NeedEntry(
            id=row["id"],
            recorded_at=_aware(row["created_at"]),
            words=row["words"] or "",
            category=row["category"],
            category_label=labels.get(row["category"], row["category"])
            if row["category"]
            else None,
            district=row["district"],
            details=row["details"] or "",
            signed_in=row["membership_id"] is not None,
        )
        for row in rows
    ]


async def unmet_needs_report(
    actor: Actor,
    span: NeedsRange,
    *,
    cursor: Cursor | None = None,
    limit: int = DEFAULT_LIMIT,
    summary: bool = True,
) -> NeedsReport:
    """The council's unmet needs from ``span``: the grouped summary (unless ``summary`` is
    false) and one page of entries (after ``cursor``), newest first.

    Raises PermissionDenied (audited) without ``market:manage`` or the ``market:read``
    scope, SignInRequired for a visitor.
    """
    tenant_id = await require_reader(actor)
    limit = max(1, min(limit, MAX_LIMIT))
    groups = await _groups(tenant_id, span) if summary else []
    query = _in_range(tenant_id, span)
    if cursor is not None:
        query = query.filter(cursor.beyond())
    if cursor is None or cursor.direction == "older":
        rows = await query.order_by(*NEWEST_FIRST).limit(limit + 1).values(*_ENTRY_FIELDS)
        more, rows = len(rows) > limit, rows[:limit]
        older, newer = more, cursor is not None
    else:
        rows = await query.order_by(*OLDEST_FIRST).limit(limit + 1).values(*_ENTRY_FIELDS)
        more, rows = len(rows) > limit, rows[:limit]
        rows.reverse()
        older, newer = True, more
    entries = await _entries(rows, tenant_id)
    return NeedsReport(
        range=span,
        total=sum(group.count for group in groups) if summary else None,
        groups=groups,
        entries=entries,
        next_cursor=Cursor.at("older", entries[-1]).encode() if older and entries else None,
        previous_cursor=Cursor.at("newer", entries[0]).encode() if newer and entries else None,
    )


@dataclass(frozen=True)
class NeedsExport:
    """Every need in the range, newest first, once the download is allowed and audited."""

    range: NeedsRange
    entries: list[NeedEntry]
    filename: str


async def export_unmet_needs(actor: Actor, span: NeedsRange) -> NeedsExport:
    """Every need in ``span`` for a spreadsheet. The download is recorded in the council's
    audit log (the details people typed may say who they are)."""
    tenant_id = await require_reader(actor)
    rows = await _in_range(tenant_id, span).order_by(*NEWEST_FIRST).values(*_ENTRY_FIELDS)
    entries = await _entries(rows, tenant_id)
    await record(
        tenant_id,
        AuditAction.DATA_EXPORTED,
        actor,
        target_type="unmet_needs",
        target_label="Unmet needs",
        details={"export": "unmet needs CSV", **span.as_params(), "rows": len(entries)},
    )
    assert actor.tenant is not None
    stem = f"unmet-needs-{actor.tenant.slug}-{span.date_from.isoformat()}-to-"
    return NeedsExport(span, entries, f"{stem}{span.date_to.isoformat()}.csv")
