"""Dates on which scheduled money arrives (or planned spending happens)."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from core.budgets.models import Schedule

STEP = {
    Schedule.WEEKLY: relativedelta(weeks=1),
    Schedule.FOUR_WEEKLY: relativedelta(weeks=4),
    Schedule.MONTHLY: relativedelta(months=1),
    Schedule.QUARTERLY: relativedelta(months=3),
}


def occurrences(schedule: Schedule, first: date, until: date) -> list[date]:
    """Every date from ``first`` to ``until`` inclusive. Months are counted from ``first``
    (31 January, then 28 or 29 February, then 31 March), never drifting."""
    if first > until:
        return []
    if schedule == Schedule.ONE_OFF:
        return [first]
    step = STEP[schedule]
    dates, n = [], 0
    while (day := first + step * n) <= until:
        dates.append(day)
        n += 1
    return dates


def uk_financial_year(today: date) -> tuple[date, date]:
    """1 April to 31 March containing ``today``."""
    start_year = today.year if today >= date(today.year, 4, 1) else today.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def days_between(start: date, end: date) -> int:
    return (end - start + timedelta(days=1)).days
