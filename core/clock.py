"""Time, always timezone-aware: UTC for storage, Europe/London for the UK calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from core.settings import UK_TIMEZONE


def utcnow() -> datetime:
    return datetime.now(UTC)


def uk_today(now: datetime | None = None) -> date:
    """Today's date in Europe/London: what a council's staff call 'today'."""
    return (now or utcnow()).astimezone(UK_TIMEZONE).date()


def uk_day_start(day: date) -> datetime:
    """Midnight at the start of a UK calendar day (GMT or BST), given in UTC.

    In UTC because SQLite compares stored times as text: a bound written with a
    +01:00 offset would be compared, character by character, with UTC values.
    """
    return datetime.combine(day, time.min, tzinfo=UK_TIMEZONE).astimezone(UTC)


def long_date(day: date) -> str:
    """The way people write a date in a letter: ``31 March 2027``."""
    return f"{day.day} {day:%B %Y}"


def uk_time_words(moment: datetime) -> str:
    """A moment as UK wall-clock time and date: ``10:00 on 31 March 2027``."""
    local = moment.astimezone(UK_TIMEZONE)
    return f"{local.hour:02d}:{local.minute:02d} on {long_date(local.date())}"
