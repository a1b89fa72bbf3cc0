"""The money jar's geometry and words, and the plain sentences about a budget."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from core.budgets.forecast import Forecast
from core.budgets.models import BudgetStatus
from core.budgets.overview import Voice, forecast_words, headline, long_date
from core.budgets.picture import BOTTOM, INSIDE, MIN_VISIBLE, jar_picture


@pytest.mark.parametrize(
    ("available", "received", "fraction", "height"),
    [
        (0, 0, 0.0, 0.0),
        (0, 50_000, 0.0, 0.0),
        (50_000, 50_000, 1.0, INSIDE),
        (25_000, 100_000, 0.25, INSIDE / 4),
        (1, 1_000_000, 1e-6, MIN_VISIBLE),  # a penny still shows
        (60_000, 50_000, 1.0, INSIDE),  # never overflows
    ],
)
def test_the_jar_fills_in_proportion(available, received, fraction, height):
    jar = jar_picture(available, received)
    assert jar.fraction == pytest.approx(fraction)
    assert jar.fill_height == pytest.approx(height, abs=0.1)
    assert jar.fill_y == pytest.approx(BOTTOM - jar.fill_height)


def test_the_jar_is_described_in_words_and_figures():
    jar = jar_picture(31_240, 50_000)
    assert jar.title == (
        "Money left to spend: £312.40 (three hundred and twelve pounds and forty pence)"
    )
    assert jar.description == (
        "The jar is about half full: £312.40 is left of the £500.00 paid in so far."
    )
    assert jar_picture(0, 0).description == "The jar is empty: no money has been paid in yet."
    assert jar_picture(100, 100).how_full == "The jar is full"
    assert jar_picture(5, 100).how_full == "The jar is almost empty"


def budget(**extra):
    values = {
        "period_start": date(2026, 4, 1),
        "period_end": date(2027, 3, 31),
        "ended_on": None,
        "status": BudgetStatus.ACTIVE,
    }
    return SimpleNamespace(**(values | extra))


def test_headlines_speak_to_the_person_or_about_them():
    today = date(2026, 11, 23)
    you, dora = Voice(True, ""), Voice(False, "Dora")
    assert headline(budget(), 31_240, you, today) == (
        "You have £312.40 left to spend until 31 March 2027"
    )
    assert headline(budget(), 31_240, dora, today) == (
        "Dora has £312.40 left to spend until 31 March 2027"
    )
    ended = budget(status=BudgetStatus.ENDED, ended_on=date(2026, 10, 1))
    assert headline(ended, 500, dora, today) == (
        "This budget ended on 1 October 2026. Dora had £5.00 left."
    )
    later = budget(period_start=date(2027, 4, 1), period_end=date(2028, 3, 31))
    assert headline(later, 0, you, today) == (
        "This budget starts on 1 April 2027. You have £0.00 in it so far."
    )


def outlook(**extra):
    values = {
        "today": date(2026, 11, 23),
        "period_end": date(2027, 3, 31),
        "available_now_pence": 10_000,
        "still_to_arrive_pence": 0,
        "planned_spending_pence": 0,
        "end_balance_pence": 10_000,
        "runs_out_on": None,
        "shortfall_pence": 0,
    }
    return Forecast(**(values | extra))


def test_forecast_sentences():
    on_track = forecast_words(outlook(), Voice(False, "Dora"))
    assert not on_track.warning
    assert on_track.sentence == "Dora is on track to have £100.00 left on 31 March 2027."
    short = forecast_words(
        outlook(end_balance_pence=-5_000, runs_out_on=date(2027, 1, 5), shortfall_pence=5_000),
        Voice(True, ""),
    )
    assert short.warning
    assert short.sentence == "At this rate the money runs out on 5 January 2027."
    assert short.detail == "You would need about £50.00 more to keep going until 31 March 2027."
    assert long_date(date(2027, 3, 1)) == "1 March 2027"
