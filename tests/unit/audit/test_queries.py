"""Audit filters, cursors and limits are checked and refused field by field."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime

import pytest

from core.audit.actions import AuditAction
from core.audit.queries import AuditFilters, Cursor, parse_filters, parse_limit
from core.clock import uk_day_start
from core.errors import InvalidInput


def problems(error: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {p.field: p.message for p in error.value.problems}


def test_filters_are_read_from_query_parameters():
    filters = parse_filters(
        {"action": "sign_in", "actor": " ada ", "q": "x", "from": "2026-03-01", "to": "2026-03-31"}
    )
    assert filters == AuditFilters(
        action=AuditAction.SIGN_IN,
        actor="ada",
        text="x",
        date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 31),
    )
    assert filters.as_params() == {
        "action": "sign_in",
        "actor": "ada",
        "q": "x",
        "from": "2026-03-01",
        "to": "2026-03-31",
    }
    assert parse_filters({}) == AuditFilters()


def test_every_bad_filter_is_named():
    with pytest.raises(InvalidInput) as error:
        parse_filters({"action": "hacked", "from": "31/02/2026", "actor": "x" * 201})
    assert set(problems(error)) == {"action", "from", "actor"}


def test_a_date_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidInput) as error:
        parse_filters({"from": "2026-03-02", "to": "2026-03-01"})
    assert problems(error) == {"to": "Date to must be the same as or after date from"}


@pytest.mark.parametrize("value", ["0", "201", "ten", "-1", "1.5"])
def test_limits_outside_1_to_200_are_refused(value):
    with pytest.raises(InvalidInput) as error:
        parse_limit(value)
    assert set(problems(error)) == {"limit"}


def test_limit_defaults_and_accepts_the_maximum():
    assert parse_limit(None) == 50
    assert parse_limit("200") == 200


def test_cursors_round_trip_and_anything_else_is_refused():
    cursor = Cursor("after", 1234)
    assert Cursor.decode(cursor.encode()) == cursor
    assert "1234" not in cursor.encode()  # opaque to callers
    sideways = base64.urlsafe_b64encode(b"sideways:1").decode()
    for bad in ["", "nonsense", "YWZ0ZXI6LTE", "%%%", sideways]:  # YWZ0...: "after:-1"
        with pytest.raises(InvalidInput):
            Cursor.decode(bad)


def test_uk_days_start_at_uk_midnight_in_summer_and_winter():
    assert uk_day_start(date(2026, 7, 1)) == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert uk_day_start(date(2026, 12, 1)) == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
