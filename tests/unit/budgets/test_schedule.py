"""When scheduled money arrives: weekly, 4-weekly, monthly, quarterly, one-off."""

from __future__ import annotations

from datetime import date

from core.budgets.models import Schedule
from core.budgets.schedule import occurrences, uk_financial_year


def test_four_weekly_direct_payments_over_a_financial_year():
    days = occurrences(Schedule.FOUR_WEEKLY, date(2026, 4, 1), date(2027, 3, 31))
    assert len(days) == 14  # 1 April, then every 28 days: 13 more before 31 March
    assert days[1] == date(2026, 4, 29)


def test_monthly_from_the_31st_keeps_to_month_ends_without_drifting():
    days = occurrences(Schedule.MONTHLY, date(2027, 1, 31), date(2027, 5, 31))
    assert days == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]


def test_quarterly_weekly_and_one_off():
    assert len(occurrences(Schedule.QUARTERLY, date(2026, 4, 1), date(2027, 3, 31))) == 4
    assert len(occurrences(Schedule.WEEKLY, date(2026, 4, 1), date(2027, 3, 31))) == 53
    assert occurrences(Schedule.ONE_OFF, date(2026, 5, 1), date(2027, 3, 31)) == [date(2026, 5, 1)]
    assert occurrences(Schedule.WEEKLY, date(2027, 5, 1), date(2027, 3, 31)) == []


def test_the_uk_financial_year_runs_april_to_march():
    assert uk_financial_year(date(2026, 11, 23)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert uk_financial_year(date(2027, 3, 31)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert uk_financial_year(date(2027, 4, 1)) == (date(2027, 4, 1), date(2028, 3, 31))
