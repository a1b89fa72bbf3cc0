"""Bank holidays in England and Wales, for bookings that skip them.

The dates come from the ``holidays`` package rather than a list kept here: the
substitute-day rules are fiddly, and one-off bank holidays (jubilees, a
coronation, a state funeral) are announced only months ahead. A one-off day
announced after the pinned release is missed until ``constraints.txt`` is
upgraded, so keep the pin fresh.

Only days that are bank holidays count, as on gov.uk: when Christmas Day or
Boxing Day falls at a weekend the substitute weekday is the bank holiday
(Monday 28 December 2026), not the Saturday itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays

COUNTRY = "GB"
SUBDIVISION = "ENG"  # England; Wales shares its bank holidays
_OBSERVED = " (observed)"
_SUBSTITUTE = " (substitute day)"  # gov.uk's wording


@lru_cache(maxsize=128)
def _year(year: int) -> Mapping[date, str]:
    """One year's bank holidays, worked out once: read-only as every caller shares it."""
    found = holidays.country_holidays(COUNTRY, subdiv=SUBDIVISION, years=year)
    return MappingProxyType(
        {
            day: name.replace(_OBSERVED, _SUBSTITUTE)
            for day, name in sorted(found.items())
            if day.year == year and day.weekday() < 5  # a weekend date is never the day off
        }
    )


def is_bank_holiday(day: date) -> bool:
    """Whether ``day`` is a bank holiday in England and Wales."""
    return day in _year(day.year)


def bank_holiday_name(day: date) -> str | None:
    """The holiday's name ("Easter Monday"), or None on an ordinary day."""
    return _year(day.year).get(day)


def bank_holidays_between(start: date, end: date) -> dict[date, str]:
    """Every bank holiday from ``start`` to ``end`` inclusive, in date order, with its name."""
    return {
        day: name
        for year in range(start.year, end.year + 1)
        for day, name in _year(year).items()
        if start <= day <= end
    }
