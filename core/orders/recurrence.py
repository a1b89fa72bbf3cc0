"""Weekly care patterns: what the booking form collects, stored as RFC 5545 text.

A recurring booking is kept as a rule, not as a list of sessions, and a periodic
job turns the rule into sessions a batch at a time (``occurrences`` for a window
of dates). Everything here is pure: no database, no clock.

Why it looks the way it does (see docs ``formats.md`` section 8):

- Visits are at a **wall-clock time in Europe/London**: 09:00 stays 09:00 when
  the clocks change, so the rule is expanded from a local ``DTSTART`` and each
  visit is converted to UTC afterwards. Expanding in UTC would drift an hour.
- The text is written by hand: ``str(rrule)`` drops the TZID and the ``Z`` on
  ``UNTIL``. ``UNTIL`` is the end of the last day, in UTC, as RFC 5545 requires
  when ``DTSTART`` has a TZID.
- A visit whose time does not exist (inside the spring-forward gap, 01:00-02:00
  on the last Sunday in March) is dropped and reported, never moved: dateutil
  would quietly produce it. Such a start time does not use up one of ``COUNT``
  (RFC 5545 3.3.10); excluded dates and bank holidays do, as ``EXDATE`` does.
- A time that happens twice (autumn fall-back) means the first one (BST).
- ``DTEND`` carries the finishing time, and an ``X-`` line says whether to skip
  bank holidays: which days those are is decided when the rule is expanded, so
  a bank holiday announced later is still skipped.

Example (every Monday and Wednesday, 09:00 to 10:00, until 30 June 2026):

    DTSTART;TZID=Europe/London:20260316T090000
    DTEND;TZID=Europe/London:20260316T100000
    RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260630T225959Z
    EXDATE;TZID=Europe/London:20260401T090000
    X-CAREPURSE-SKIP-BANK-HOLIDAYS:TRUE
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import islice

from dateutil.rrule import MO, WEEKLY, rrule, rruleset, rrulestr, weekday

from core.errors import FieldProblem, InvalidInput
from core.orders.bank_holidays import bank_holiday_name
from core.settings import UK_TIMEZONE

TZID = "Europe/London"
LONDON = UK_TIMEZONE

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_RFC_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

MAX_INTERVAL = 4  # every 4 weeks: the longest gap the form offers
MAX_COUNT = 520  # ten years of a weekly visit; the 5-year limit usually bites first
MAX_YEARS = 5

SKIP_BANK_HOLIDAYS = "X-CAREPURSE-SKIP-BANK-HOLIDAYS"
_END_OF_DAY = time(23, 59, 59)
_LOCAL_STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$")
_UTC_STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
_AGREEMENT_CHECK = 60  # instances compared with dateutil's own reading of stored text


class RecurrenceError(ValueError):
    """A weekly pattern that cannot be: no days, finishing before starting, and so on."""


class UnsupportedRule(RecurrenceError):
    """Stored text that is not one of our weekly patterns (so we would misread it)."""


@dataclass(frozen=True)
class Recurrence:
    """A weekly care pattern, in the person's own (Europe/London) terms.

    ``first_date`` must be one of ``weekdays``: it anchors which weeks are "on"
    for fortnightly patterns, and RFC 5545 expects DTSTART to be a visit.
    ``until_date`` is inclusive. Give ``until_date`` or ``count``, never both;
    neither means no end.
    """

    weekdays: frozenset[str]
    start_time: time
    end_time: time
    first_date: date
    interval: int = 1
    until_date: date | None = None
    count: int | None = None
    skip_bank_holidays: bool = False
    excluded_dates: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        """Check the shape once, so everything downstream can trust it."""
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        object.__setattr__(self, "excluded_dates", frozenset(self.excluded_dates))
        if not self.weekdays:
            raise RecurrenceError("a weekly pattern needs at least one day")
        if not self.weekdays <= set(WEEKDAYS):
            raise RecurrenceError(f"days must be among {', '.join(WEEKDAYS)}")
        for name in ("start_time", "end_time"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise RecurrenceError(f"{name} must be a local time without a time zone")
            if value.second or value.microsecond:
                raise RecurrenceError(f"{name} must be whole minutes")
        if self.end_time <= self.start_time:
            raise RecurrenceError("the end time must be after the start time, the same day")
        for name, value in (("first_date", self.first_date), ("until_date", self.until_date)):
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise RecurrenceError(f"{name} must be a date")
        if any(not isinstance(d, date) or isinstance(d, datetime) for d in self.excluded_dates):
            raise RecurrenceError("excluded dates must be dates")
        if WEEKDAYS[self.first_date.weekday()] not in self.weekdays:
            raise RecurrenceError("the first date must fall on one of the chosen days")
        if not _positive_int(self.interval):
            raise RecurrenceError("the interval must be a whole number of weeks, 1 or more")
        if self.until_date is not None and self.count is not None:
            raise RecurrenceError("give an end date or a count, not both")
        if self.until_date is not None and self.until_date < self.first_date:
            raise RecurrenceError("the end date is before the first date")
        if self.count is not None and not _positive_int(self.count):
            raise RecurrenceError("the count must be a whole number, 1 or more")

    @property
    def days_in_order(self) -> tuple[int, ...]:
        """The chosen days as numbers, Monday = 0, in week order."""
        return tuple(i for i, name in enumerate(WEEKDAYS) if name in self.weekdays)

    @property
    def until_instant(self) -> datetime | None:
        """RFC 5545 UNTIL: the last second of ``until_date`` in London, as UTC."""
        if self.until_date is None:
            return None
        return datetime.combine(self.until_date, _END_OF_DAY, tzinfo=LONDON).astimezone(UTC)

    def to_rfc5545(self) -> str:
        """The stored form: DTSTART/DTEND with TZID, RRULE (UNTIL in UTC), EXDATEs."""
        lines = [
            f"DTSTART;TZID={TZID}:{_local_stamp(self.first_date, self.start_time)}",
            f"DTEND;TZID={TZID}:{_local_stamp(self.first_date, self.end_time)}",
        ]
        parts = ["FREQ=WEEKLY"]
        if self.interval != 1:
            parts += [f"INTERVAL={self.interval}", "WKST=MO"]  # WKST decides which weeks are on
        parts.append("BYDAY=" + ",".join(_RFC_DAYS[i] for i in self.days_in_order))
        until = self.until_instant
        if until is not None:
            parts.append(f"UNTIL={until:%Y%m%dT%H%M%S}Z")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        lines.append("RRULE:" + ";".join(parts))
        lines += [
            f"EXDATE;TZID={TZID}:{_local_stamp(day, self.start_time)}"
            for day in sorted(self.excluded_dates)
        ]
        if self.skip_bank_holidays:
            lines.append(f"{SKIP_BANK_HOLIDAYS}:TRUE")
        return "\n".join(lines)

    @classmethod
    def from_rfc5545(cls, text: str) -> Recurrence:
        """Read text written by ``to_rfc5545`` back; refuse anything else.

        Raises ``UnsupportedRule``. The result is also checked against dateutil's
        own reading of the text, so the two can never quietly disagree.
        """
        found = _read_lines(text)
        start = _one(found, "DTSTART")
        end = _one(found, "DTEND")
        if start.date() != end.date():
            raise UnsupportedRule("DTEND must be on the same day as DTSTART")
        rule = _read_rrule(_one_value(found, "RRULE"))
        excluded: set[date] = set()
        for moment in found.get("EXDATE", []):
            assert isinstance(moment, datetime)
            if moment.time() != start.time():
                raise UnsupportedRule("an EXDATE must be at the visits' start time to match one")
            excluded.add(moment.date())
        skip = _read_skip_flag(found)
        until_date = None
        if rule.until is not None:
            until_date = _until_date(rule.until, start.time())
        try:
            recurrence = cls(
                weekdays=frozenset(rule.days),
                start_time=start.time(),
                end_time=end.time(),
                first_date=start.date(),
                interval=rule.interval,
                until_date=until_date,
                count=rule.count,
                skip_bank_holidays=skip,
                excluded_dates=frozenset(excluded),
            )
        except RecurrenceError as refused:
            raise UnsupportedRule(str(refused)) from refused
        _check_dateutil_agrees(text, recurrence)
        return recurrence


class SkipReason(StrEnum):
    """Why a visit the pattern would give does not happen."""

    EXCLUDED = "excluded"
    BANK_HOLIDAY = "bank_holiday"
    CLOCK_CHANGE = "clock_change"


@dataclass(frozen=True)
class Occurrence:
    """One visit: its London date and when it starts and ends, in UTC."""

    local_date: date
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Skipped:
    """A visit the pattern would give but that does not happen, and why, in plain words."""

    local_date: date
    reason: SkipReason
    explanation: str


@dataclass(frozen=True)
class Expansion:
    """The visits in a window, and the ones left out (so the person can be told)."""

    occurrences: list[Occurrence]
    skipped: list[Skipped]


def expand(recurrence: Recurrence, window_start: date, window_end: date) -> Expansion:
    """Visits whose London date is in ``window_start..window_end`` (inclusive), and skips.

    Windows can be taken one batch at a time: consecutive windows give exactly
    the visits of one window covering both. ``ends_at - starts_at`` can be an
    hour shorter or longer than usual on a clock-change night, as the visit
    keeps to the wall clock.
    """
    if window_end < window_start:
        raise ValueError("the window ends before it starts")
    occurrences: list[Occurrence] = []
    skipped: list[Skipped] = []
    for day in _instance_dates(recurrence):
        if day > window_end:
            break
        if day < window_start:
            continue
        reason = _skip_reason(recurrence, day)
        if reason is None:
            occurrences.append(
                Occurrence(
                    local_date=day,
                    starts_at=_utc(day, recurrence.start_time),
                    ends_at=_utc(day, recurrence.end_time),
                )
            )
        else:
            skipped.append(Skipped(day, reason, _explain(recurrence, day, reason)))
    return Expansion(occurrences, skipped)


def occurrences(recurrence: Recurrence, window_start: date, window_end: date) -> list[Occurrence]:
    """The visits in the window (see ``expand`` for the ones left out, and why)."""
    return expand(recurrence, window_start, window_end).occurrences


def last_date(recurrence: Recurrence) -> date | None:
    """The date the pattern ends (a skipped day included), or None if it never ends."""
    if recurrence.until_date is None and recurrence.count is None:
        return None
    tail = deque(_instance_dates(recurrence), maxlen=1)
    return tail[0] if tail else None


def describe(recurrence: Recurrence) -> str:
    """The pattern in plain English, for the person and their family to check.

    "Every Tuesday and Thursday, 10:00 to 12:00, from 3 March 2026 until
    31 March 2026 (not on bank holidays)".
    """
    times = f"{recurrence.start_time:%H:%M} to {recurrence.end_time:%H:%M}"
    exceptions = _exceptions_words(recurrence)
    if recurrence.count == 1:
        first = recurrence.first_date
        return f"Once, on {DAY_NAMES[first.weekday()]} {_long_date(first)}, {times}{exceptions}"
    days = [DAY_NAMES[i] for i in recurrence.days_in_order]
    every_day = len(days) == len(DAY_NAMES)
    interval = recurrence.interval
    if interval == 1:
        how_often = "Every day" if every_day else f"Every {_and(days)}"
    elif interval == 2:
        how_often = "Every day, every other week" if every_day else f"Every other {_and(days)}"
    else:
        weeks = f"every {interval} weeks"
        how_often = f"Every day, {weeks}" if every_day else f"{weeks.capitalize()} on {_and(days)}"
    first = _long_date(recurrence.first_date)
    if recurrence.until_date is not None:
        span = f"from {first} until {_long_date(recurrence.until_date)}"
    elif recurrence.count is not None:
        ending = last_date(recurrence)
        assert ending is not None
        span = f"{recurrence.count} times, from {first} until {_long_date(ending)}"
    else:
        span = f"from {first}, with no end date"
    return f"{how_often}, {times}, {span}{exceptions}"


def recurrence_from_form(values: Mapping[str, str]) -> Recurrence:
    """Read the booking form; every problem names its field in plain words.

    Fields: ``days`` (mon..sun, repeated or comma-separated), ``start_time`` and
    ``end_time`` (HH:MM), ``interval`` (weeks, default 1), ``first_date`` and
    ``until_date`` (YYYY-MM-DD), ``count``, ``skip_bank_holidays`` ("yes" or
    empty). The first date moves forward to the first chosen day on or after it.
    Raises ``InvalidInput``.
    """
    problems: list[FieldProblem] = []
    days = _form_days(values, problems)
    start = _form_time(values, "start_time", "starting", problems)
    end = _form_time(values, "end_time", "finishing", problems)
    if start is not None and end is not None and end <= start:
        problems.append(
            FieldProblem("end_time", "The finishing time must be later than the starting time")
        )
    interval = _form_interval(values, problems)
    first = _form_date(values, "first_date", problems, required=True)
    until = _form_date(values, "until_date", problems, required=False)
    count = _form_count(values, problems)
    skip = _text(values, "skip_bank_holidays").lower() in {"yes", "on", "true", "1"}

    if until is not None and count is not None:
        problems.append(FieldProblem("count", "Give a last date or a number of times, not both"))
    elif first is not None and days:
        given_first, first = first, _first_chosen_day(first, days)
        limit = _years_later(first, MAX_YEARS)
        if until is not None:
            if until < first:
                problems.append(_until_too_early(until, given_first, first))
            elif until > limit:
                problems.append(
                    FieldProblem(
                        "until_date",
                        f"Bookings can repeat for up to {MAX_YEARS} years: "
                        "choose an earlier last date",
                    )
                )
    if problems:
        raise InvalidInput("check the repeating booking", problems)

    assert first is not None and start is not None and end is not None
    recurrence = Recurrence(
        weekdays=frozenset(days),
        start_time=start,
        end_time=end,
        first_date=first,
        interval=interval,
        until_date=until,
        count=count,
        skip_bank_holidays=skip,
    )
    if count is not None:
        ending = last_date(recurrence)
        if ending is not None and ending > _years_later(first, MAX_YEARS):
            raise InvalidInput(
                "check the repeating booking",
                [
                    FieldProblem(
                        "count",
                        f"That many times would go on for more than {MAX_YEARS} years: "
                        "choose fewer",
                    )
                ],
            )
    return recurrence


# --- expansion -----------------------------------------------------------------------------


def _rule(recurrence: Recurrence) -> rrule:
    """dateutil's rule, without COUNT: ``_instance_dates`` counts (dateutil counts wrongly)."""
    return rrule(
        WEEKLY,
        dtstart=datetime.combine(recurrence.first_date, recurrence.start_time, tzinfo=LONDON),
        interval=recurrence.interval,
        wkst=MO,  # explicit: dateutil's default follows calendar.firstweekday()
        byweekday=[weekday(i) for i in recurrence.days_in_order],
        until=recurrence.until_instant,
    )


def _instance_dates(recurrence: Recurrence) -> Iterator[date]:
    """The London dates of the rule's instances, EXDATEs included, honouring COUNT.

    A start time in the spring-forward gap is yielded (so it can be reported)
    but not counted, as RFC 5545 says; dateutil would count it.
    """
    counted = 0
    for instance in _rule(recurrence):
        if recurrence.count is not None and counted >= recurrence.count:
            return
        day = instance.date()
        if _exists(day, recurrence.start_time):
            counted += 1
        yield day


def _skip_reason(recurrence: Recurrence, day: date) -> SkipReason | None:
    if day in recurrence.excluded_dates:
        return SkipReason.EXCLUDED
    if recurrence.skip_bank_holidays and bank_holiday_name(day) is not None:
        return SkipReason.BANK_HOLIDAY
    if not (_exists(day, recurrence.start_time) and _exists(day, recurrence.end_time)):
        return SkipReason.CLOCK_CHANGE
    return None


def _explain(recurrence: Recurrence, day: date, reason: SkipReason) -> str:
    when = f"No visit on {DAY_NAMES[day.weekday()]} {_long_date(day)}"
    if reason is SkipReason.EXCLUDED:
        return f"{when}: you asked for no visit that day."
    if reason is SkipReason.BANK_HOLIDAY:
        return f"{when}: it is a bank holiday ({bank_holiday_name(day)})."
    missing = (
        recurrence.start_time if not _exists(day, recurrence.start_time) else recurrence.end_time
    )
    return f"{when}: the clocks go forward that night, so there is no {missing:%H:%M}."


def _exists(day: date, at: time) -> bool:
    """Whether the London wall-clock time happens that day (not in the spring-forward gap)."""
    local = datetime.combine(day, at, tzinfo=LONDON)
    return local.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) == local.replace(
        tzinfo=None
    )


def _utc(day: date, at: time) -> datetime:
    """London wall time to UTC; a time that happens twice means the first (fold=0, BST)."""
    return datetime.combine(day, at, tzinfo=LONDON).replace(fold=0).astimezone(UTC)


# --- RFC 5545 text ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _RRule:
    days: tuple[str, ...]
    interval: int
    until: datetime | None
    count: int | None


def _local_stamp(day: date, at: time) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}T{at.hour:02d}{at.minute:02d}{at.second:02d}"


def _read_lines(text: str) -> dict[str, list[datetime | str]]:
    """Property name -> values, for the properties we write; anything else is refused."""
    if not isinstance(text, str):
        raise UnsupportedRule("a recurrence must be text")
    found: dict[str, list[datetime | str]] = {}
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        head, colon, value = line.partition(":")
        if not colon:
            raise UnsupportedRule(f"not an RFC 5545 property line: {line!r}")
        name, *params = head.upper().split(";")
        if name in ("DTSTART", "DTEND", "EXDATE"):
            if params != [f"TZID={TZID.upper()}"]:
                raise UnsupportedRule(f"{name} must be local time with TZID={TZID}")
            found.setdefault(name, []).extend(_parse_local(v) for v in value.split(","))
        elif name in ("RRULE", SKIP_BANK_HOLIDAYS):
            if params:
                raise UnsupportedRule(f"{name} takes no parameters")
            found.setdefault(name, []).append(value.strip())
        else:
            raise UnsupportedRule(f"{name} is not part of a weekly care pattern")
    return found


def _one(found: Mapping[str, list[datetime | str]], name: str) -> datetime:
    values = found.get(name, [])
    if len(values) != 1:
        raise UnsupportedRule(f"a weekly pattern has exactly one {name}")
    value = values[0]
    assert isinstance(value, datetime)
    return value


def _one_value(found: Mapping[str, list[datetime | str]], name: str) -> str:
    values = found.get(name, [])
    if len(values) != 1:
        raise UnsupportedRule(f"a weekly pattern has exactly one {name}")
    value = values[0]
    assert isinstance(value, str)
    return value


def _parse_local(value: str) -> datetime:
    match = _LOCAL_STAMP.match(value.strip())
    if match is None:
        raise UnsupportedRule(f"{value!r} is not a local date-time like 20260316T090000")
    try:
        return datetime(*(int(part) for part in match.groups()))
    except ValueError as bad:
        raise UnsupportedRule(f"{value!r} is not a real date and time") from bad


def _parse_utc(value: str) -> datetime:
    match = _UTC_STAMP.match(value)
    if match is None:
        raise UnsupportedRule("UNTIL must be a UTC date-time like 20260630T225959Z")
    try:
        return datetime(*(int(part) for part in match.groups()), tzinfo=UTC)
    except ValueError as bad:
        raise UnsupportedRule(f"{value!r} is not a real date and time") from bad


def _read_rrule(value: str) -> _RRule:
    parts: dict[str, str] = {}
    for part in value.upper().split(";"):
        key, equals, setting = part.partition("=")
        if not equals or key in parts:
            raise UnsupportedRule(f"RRULE part {part!r} is malformed or repeated")
        parts[key] = setting
    unknown = set(parts) - {"FREQ", "INTERVAL", "WKST", "BYDAY", "UNTIL", "COUNT"}
    if unknown:
        raise UnsupportedRule(f"RRULE parts {', '.join(sorted(unknown))} are not used here")
    if parts.get("FREQ") != "WEEKLY":
        raise UnsupportedRule("only FREQ=WEEKLY patterns are supported")
    if parts.get("WKST", "MO") != "MO":
        raise UnsupportedRule("weeks start on Monday (WKST=MO)")
    codes = parts.get("BYDAY", "").split(",")
    if not all(code in _RFC_DAYS for code in codes) or len(set(codes)) != len(codes):
        raise UnsupportedRule("BYDAY must list plain days, MO to SU, once each")
    if "UNTIL" in parts and "COUNT" in parts:
        raise UnsupportedRule("COUNT and UNTIL must not both appear (RFC 5545)")
    return _RRule(
        days=tuple(WEEKDAYS[_RFC_DAYS.index(code)] for code in codes),
        interval=_rrule_number(parts.get("INTERVAL", "1"), "INTERVAL"),
        until=_parse_utc(parts["UNTIL"]) if "UNTIL" in parts else None,
        count=_rrule_number(parts["COUNT"], "COUNT") if "COUNT" in parts else None,
    )


def _rrule_number(value: str, name: str) -> int:
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise UnsupportedRule(f"{name} must be a whole number, 1 or more")
    return int(value)


def _read_skip_flag(found: Mapping[str, list[datetime | str]]) -> bool:
    values = found.get(SKIP_BANK_HOLIDAYS, [])
    if not values:
        return False
    if len(values) > 1 or values[0] not in ("TRUE", "FALSE"):
        raise UnsupportedRule(f"{SKIP_BANK_HOLIDAYS} must appear once, TRUE or FALSE")
    return values[0] == "TRUE"


def _until_date(until: datetime, start: time) -> date:
    """The last London date whose visit starts no later than UNTIL (UNTIL is inclusive).

    Exact for any UNTIL, not only the end-of-day value we write: the next
    possible visit is the next day's start, after UNTIL's own London day.
    """
    day = until.astimezone(LONDON).date()
    if datetime.combine(day, start, tzinfo=LONDON) > until:
        day -= timedelta(days=1)
    return day


def _check_dateutil_agrees(text: str, recurrence: Recurrence) -> None:
    """Compare our reading with rrulestr's over the first instances: a misread is refused."""
    standard = "\n".join(
        line.strip()
        for line in text.replace("\r\n", "\n").split("\n")
        if line.strip().upper().split(":")[0].split(";")[0] in ("DTSTART", "RRULE", "EXDATE")
    )
    try:
        theirs = rrulestr(standard, tzids={TZID: LONDON}, forceset=True)
    except (ValueError, TypeError) as refused:
        raise UnsupportedRule(f"dateutil cannot read it: {refused}") from refused
    ours = rruleset()
    ours.rrule(_rule(recurrence))
    for day in recurrence.excluded_dates:
        ours.exdate(datetime.combine(day, recurrence.start_time, tzinfo=LONDON))
    wanted = list(islice(ours, _AGREEMENT_CHECK))
    got = list(islice(theirs, _AGREEMENT_CHECK))
    if recurrence.count is not None:
        # dateutil counts a start time in the spring-forward gap; we do not (RFC 5545).
        got = got[: len(wanted)]
        wanted = wanted[: len(got)]
    if got != wanted:
        raise UnsupportedRule("dateutil reads this rule differently from us")


# --- words -----------------------------------------------------------------------------------


def _long_date(day: date) -> str:
    """``3 March 2026``."""
    return f"{day.day} {day:%B} {day.year}"


def _and(words: list[str], last: str = "and") -> str:
    """``Monday, Wednesday and Friday``."""
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def _exceptions_words(recurrence: Recurrence) -> str:
    parts = ["bank holidays"] if recurrence.skip_bank_holidays else []
    parts += [_long_date(day) for day in sorted(recurrence.excluded_dates)]
    return f" (not on {_and(parts, 'or')})" if parts else ""


# --- the form --------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^\d{1,6}$")


def _text(values: Mapping[str, str], name: str) -> str:
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ""


def _form_days(values: Mapping[str, str], problems: list[FieldProblem]) -> set[str]:
    """Days from repeated fields (a form's checkboxes) or one comma-separated value."""
    getlist = getattr(values, "getlist", None)
    raw: Iterable[str] = getlist("days") if callable(getlist) else [_text(values, "days")]
    words = [w for item in raw if isinstance(item, str) for w in re.split(r"[,\s]+", item) if w]
    days: set[str] = set()
    for word in words:
        name = word.lower()
        full = [i for i, day in enumerate(DAY_NAMES) if day.lower() == name]
        if name in WEEKDAYS:
            days.add(name)
        elif full:
            days.add(WEEKDAYS[full[0]])
        else:
            problems.append(FieldProblem("days", "Choose days of the week, Monday to Sunday"))
            return days
    if not days:
        problems.append(FieldProblem("days", "Choose at least one day of the week"))
    return days


def _form_time(
    values: Mapping[str, str], name: str, which: str, problems: list[FieldProblem]
) -> time | None:
    value = _text(values, name)
    if not value:
        problems.append(FieldProblem(name, f"Enter a {which} time, like 09:30"))
        return None
    match = _TIME.match(value)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        problems.append(
            FieldProblem(name, f"Enter the {which} time in hours and minutes, like 09:30")
        )
        return None
    return time(int(match[1]), int(match[2]))


def _form_interval(values: Mapping[str, str], problems: list[FieldProblem]) -> int:
    value = _text(values, "interval") or "1"
    if not _NUMBER.match(value) or not 1 <= int(value) <= MAX_INTERVAL:
        problems.append(
            FieldProblem(
                "interval",
                f"Choose every week, every other week, or up to every {MAX_INTERVAL} weeks",
            )
        )
        return 1
    return int(value)


def _form_date(
    values: Mapping[str, str], name: str, problems: list[FieldProblem], *, required: bool
) -> date | None:
    value = _text(values, name)
    which = "the first visit" if name == "first_date" else "the last visit"
    if not value:
        if required:
            problems.append(FieldProblem(name, f"Enter the date of {which}"))
        return None
    try:
        if not _ISO_DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        problems.append(FieldProblem(name, f"Enter a real date for {which}, like 2026-03-03"))
        return None


def _form_count(values: Mapping[str, str], problems: list[FieldProblem]) -> int | None:
    value = _text(values, "count")
    if not value:
        return None
    if not _NUMBER.match(value) or not 1 <= int(value) <= MAX_COUNT:
        problems.append(
            FieldProblem("count", f"Enter how many times, a whole number from 1 to {MAX_COUNT}")
        )
        return None
    return int(value)


def _first_chosen_day(first: date, days: set[str]) -> date:
    """The first chosen weekday on or after ``first`` (at most six days later)."""
    while WEEKDAYS[first.weekday()] not in days:
        first += timedelta(days=1)
    return first


def _until_too_early(until: date, given_first: date, first: date) -> FieldProblem:
    """Say which is wrong: the dates' order, or no chosen day between them."""
    if until < given_first:
        return FieldProblem("until_date", "The last date must be on or after the first date")
    return FieldProblem(
        "until_date",
        f"None of the chosen days falls by the last date: the first would be {_long_date(first)}",
    )


def _years_later(day: date, years: int) -> date:
    """The same date ``years`` on; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
