"""England and Wales bank holidays, as gov.uk lists them: bookings skip exactly these."""

from __future__ import annotations

from datetime import date

import pytest

from core.orders.bank_holidays import bank_holiday_name, bank_holidays_between, is_bank_holiday

GOV_UK_2026 = {
    date(2026, 1, 1): "New Year's Day",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 4): "May Day",
    date(2026, 5, 25): "Spring Bank Holiday",
    date(2026, 8, 31): "Late Summer Bank Holiday",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 28): "Boxing Day (substitute day)",
}

GOV_UK_2027 = [
    date(2027, 1, 1),
    date(2027, 3, 26),
    date(2027, 3, 29),
    date(2027, 5, 3),
    date(2027, 5, 31),
    date(2027, 8, 30),
    date(2027, 12, 27),
    date(2027, 12, 28),
]


def test_2026_matches_gov_uk_with_names() -> None:
    assert bank_holidays_between(date(2026, 1, 1), date(2026, 12, 31)) == GOV_UK_2026


def test_2027_matches_gov_uk_including_two_substitute_days() -> None:
    """Christmas and Boxing Day 2027 fall at the weekend: Monday and Tuesday are the days off."""
    assert list(bank_holidays_between(date(2027, 1, 1), date(2027, 12, 31))) == GOV_UK_2027


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 25), True),
        (date(2026, 12, 28), True),  # Boxing Day's substitute
        (date(2026, 12, 26), False),  # Boxing Day itself is a Saturday: not the day off
        (date(2026, 4, 6), True),  # Easter Monday
        (date(2026, 4, 3), True),  # Good Friday
        (date(2026, 3, 29), False),  # the clocks change, but it is an ordinary Sunday
        (date(2026, 4, 7), False),
        (date(2023, 5, 8), True),  # a one-off: the coronation
        (date(2022, 9, 19), True),  # a one-off: the state funeral
    ],
)
def test_is_bank_holiday(day: date, expected: bool) -> None:
    assert is_bank_holiday(day) is expected


def test_names_are_for_people() -> None:
    assert bank_holiday_name(date(2026, 4, 6)) == "Easter Monday"
    assert bank_holiday_name(date(2026, 4, 7)) is None


def test_a_range_across_years_is_inclusive_at_both_ends() -> None:
    found = bank_holidays_between(date(2026, 12, 25), date(2027, 1, 1))
    assert list(found) == [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)]
    assert bank_holidays_between(date(2026, 4, 7), date(2026, 4, 30)) == {}


def test_callers_cannot_spoil_the_cache() -> None:
    """Each call gives a fresh dict: changing it must not change the next answer."""
    found = bank_holidays_between(date(2026, 1, 1), date(2026, 12, 31))
    found.clear()
    assert is_bank_holiday(date(2026, 1, 1))
    assert len(bank_holidays_between(date(2026, 1, 1), date(2026, 12, 31))) == 8
