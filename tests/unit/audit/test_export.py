"""CSV cells that a spreadsheet would run as formulas are neutralised; times read as UK time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.audit.display import details_summary, when_text
from core.audit.export import spreadsheet_safe


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_formula_cells_get_an_apostrophe(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Ada Lovelace", "", "1+1", "ada@example.org", "'quoted"])
def test_ordinary_cells_are_left_alone(cell):
    assert spreadsheet_safe(cell) == cell


def test_times_are_shown_in_uk_time():
    assert when_text(datetime(2026, 7, 1, 13, 5, tzinfo=UTC)) == "1 July 2026, 2:05pm"
    assert when_text(datetime(2026, 12, 1, 0, 30, tzinfo=UTC)) == "1 December 2026, 12:30am"


def test_details_summary_is_short_and_plain():
    assert details_summary({"reason": "throttled", "rows": 3}) == "reason: throttled; rows: 3"
    assert details_summary({}) == ""
    assert len(details_summary({"text": "x" * 500})) == 120
