"""Time, always timezone-aware: UTC for storage, Europe/London for the UK calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.settings import UK_TIMEZONE


def utcnow() -> datetime:
    return datetime.now(UTC)


def uk_today(now: datetime | None = None) -> date:
    """Today's date in Europe/London: what a council's staff call 'today'."""
    return (now or utcnow()).astimezone(UK_TIMEZONE).date()
