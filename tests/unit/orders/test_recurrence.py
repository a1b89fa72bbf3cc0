"""Weekly care patterns: wall-clock visits across clock changes, RFC 5545 text, the form.

The dated cases are formats.md section 8's test matrix, on the 2026 UK clock
changes (forward 29 March, back 25 October).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import FormData

from core.errors import InvalidInput
from core.orders.bank_holidays import is_bank_holiday
from core.orders.recurrence import (
    WEEKDAYS,
    Occurrence,
    Recurrence,
    RecurrenceError,
    SkipReason,
    UnsupportedRule,
    describe,
    expand,
    last_date,
    occurrences,
    recurrence_from_form,
)

LONDON = ZoneInfo("Europe/London")


def weekly(
    days: str = "mon",
    start: time = time(9),
    end: time = time(10),
    first: date = date(2026, 3, 16),
    **more: object,
) -> Recurrence:
    """A pattern with sensible defaults, so each test states only what it is about."""
    return Recurrence(
        weekdays=frozenset(days.split(",")),
        start_time=start,
        end_time=end,
        first_date=first,
        **more,  # type: ignore[arg-type]
    )


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def starts(found: list[Occurrence]) -> list[datetime]:
    return [o.starts_at for o in found]


# --- clock changes -------------------------------------------------------------------------


def test_spring_forward_keeps_nine_oclock_on_the_wall_and_moves_an_hour_in_utc() -> None:
    found = occurrences(weekly(), date(2026, 3, 16), date(2026, 4, 6))
    assert [o.local_date for o in found] == [
        date(2026, 3, 16),
        date(2026, 3, 23),
        date(2026, 3, 30),
        date(2026, 4, 6),
    ]
    assert starts(found) == [
        utc(2026, 3, 16, 9),  # GMT
        utc(2026, 3, 23, 9),
        utc(2026, 3, 30, 8),  # BST: 09:00 on the wall is 08:00 UTC
        utc(2026, 4, 6, 8),
    ]
    assert all(o.ends_at - o.starts_at == timedelta(hours=1) for o in found)
    assert all(o.starts_at.tzinfo is UTC and o.ends_at.tzinfo is UTC for o in found)
    assert all(o.starts_at.astimezone(LONDON).time() == time(9) for o in found)


def test_fall_back_keeps_nine_oclock_on_the_wall() -> None:
    pattern = weekly(days="mon,sun", first=date(2026, 10, 18))
    found = occurrences(pattern, date(2026, 10, 18), date(2026, 10, 26))
    assert starts(found) == [
        utc(2026, 10, 18, 8),  # Sunday, BST
        utc(2026, 10, 19, 8),
        utc(2026, 10, 25, 9),  # the Sunday the clocks go back: GMT from 02:00
        utc(2026, 10, 26, 9),
    ]


def test_a_time_in_the_spring_forward_gap_is_skipped_and_reported() -> None:
    """01:30 does not happen on 29 March 2026; dateutil would quietly give it anyway."""
    pattern = weekly(days="sun", start=time(1, 30), end=time(3), first=date(2026, 3, 22))
    result = expand(pattern, date(2026, 3, 22), date(2026, 4, 5))
    assert [o.local_date for o in result.occurrences] == [date(2026, 3, 22), date(2026, 4, 5)]
    assert starts(result.occurrences) == [utc(2026, 3, 22, 1, 30), utc(2026, 4, 5, 0, 30)]
    [skipped] = result.skipped
    assert skipped.local_date == date(2026, 3, 29)
    assert skipped.reason is SkipReason.CLOCK_CHANGE
    assert "Sunday 29 March 2026" in skipped.explanation
    assert "clocks go forward" in skipped.explanation and "01:30" in skipped.explanation


def test_a_visit_ending_in_the_gap_is_skipped_too() -> None:
    pattern = weekly(days="sun", start=time(0, 30), end=time(1, 30), first=date(2026, 3, 29))
    result = expand(pattern, date(2026, 3, 29), date(2026, 3, 29))
    assert result.occurrences == []
    assert result.skipped[0].reason is SkipReason.CLOCK_CHANGE
    assert "no 01:30" in result.skipped[0].explanation


def test_a_time_that_happens_twice_means_the_first() -> None:
    """25 October 2026 01:30 happens in BST and again in GMT: RFC 5545 takes the first."""
    pattern = weekly(days="sun", start=time(1, 30), end=time(1, 45), first=date(2026, 10, 25))
    [visit] = occurrences(pattern, date(2026, 10, 25), date(2026, 10, 25))
    assert visit.starts_at == utc(2026, 10, 25, 0, 30)
    assert visit.ends_at == utc(2026, 10, 25, 0, 45)


def test_count_runs_across_the_clock_change() -> None:
    pattern = weekly(count=4)
    found = occurrences(pattern, date(2026, 1, 1), date(2026, 12, 31))
    assert starts(found) == [
        utc(2026, 3, 16, 9),
        utc(2026, 3, 23, 9),
        utc(2026, 3, 30, 8),
        utc(2026, 4, 6, 8),
    ]


def test_count_does_not_use_up_a_time_that_does_not_exist() -> None:
    """RFC 5545: such a time is ignored and not counted, so four visits still happen."""
    pattern = weekly(
        days="sun", start=time(1, 30), end=time(2, 45), first=date(2026, 3, 22), count=4
    )
    result = expand(pattern, date(2026, 1, 1), date(2026, 12, 31))
    assert len(result.occurrences) == 4
    assert result.occurrences[-1].local_date == date(2026, 4, 19)
    assert [s.local_date for s in result.skipped] == [date(2026, 3, 29)]
    assert last_date(pattern) == date(2026, 4, 19)


# --- end dates, intervals, exclusions --------------------------------------------------------


def test_until_is_inclusive_of_a_visit_on_the_last_day() -> None:
    pattern = weekly(
        days="tue,thu",
        start=time(10),
        end=time(12),
        first=date(2026, 3, 3),
        until_date=date(2026, 3, 31),
    )
    found = occurrences(pattern, date(2026, 3, 1), date(2026, 12, 31))
    assert found[-1].local_date == date(2026, 3, 31)
    assert found[-1].starts_at == utc(2026, 3, 31, 9)  # 10:00 BST
    assert len(found) == 9


def test_stored_until_at_the_very_moment_of_the_last_visit_includes_it() -> None:
    """UNTIL is inclusive: a rule from elsewhere ending exactly at the last start keeps it."""
    text = (
        "DTSTART;TZID=Europe/London:20260303T100000\n"
        "DTEND;TZID=Europe/London:20260303T120000\n"
        "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260331T090000Z"
    )
    assert Recurrence.from_rfc5545(text).until_date == date(2026, 3, 31)
    one_second_short = text.replace("T090000Z", "T085959Z")
    shorter = Recurrence.from_rfc5545(one_second_short)
    assert shorter.until_date == date(2026, 3, 30)  # the day before: 31 March's visit is out
    assert occurrences(shorter, date(2026, 3, 1), date(2026, 4, 30))[-1].local_date == date(
        2026, 3, 26
    )


def test_fortnightly_visits_every_other_week_from_the_first_date() -> None:
    pattern = weekly(days="mon,wed", interval=2)
    found = occurrences(pattern, date(2026, 3, 1), date(2026, 4, 30))
    assert [o.local_date for o in found] == [
        date(2026, 3, 16),
        date(2026, 3, 18),
        date(2026, 3, 30),
        date(2026, 4, 1),
        date(2026, 4, 13),
        date(2026, 4, 15),
        date(2026, 4, 27),
        date(2026, 4, 29),
    ]


def test_an_excluded_easter_monday_is_skipped_and_reported() -> None:
    pattern = weekly(excluded_dates=frozenset({date(2026, 4, 6)}))
    assert "EXDATE;TZID=Europe/London:20260406T090000" in pattern.to_rfc5545()
    result = expand(pattern, date(2026, 3, 30), date(2026, 4, 13))
    assert [o.local_date for o in result.occurrences] == [date(2026, 3, 30), date(2026, 4, 13)]
    assert [(s.local_date, s.reason) for s in result.skipped] == [
        (date(2026, 4, 6), SkipReason.EXCLUDED)
    ]


def test_bank_holidays_are_skipped_when_asked() -> None:
    result = expand(weekly(skip_bank_holidays=True), date(2026, 3, 30), date(2026, 5, 11))
    dates = [o.local_date for o in result.occurrences]
    assert date(2026, 4, 6) not in dates and date(2026, 5, 4) not in dates
    assert [(s.local_date, s.reason) for s in result.skipped] == [
        (date(2026, 4, 6), SkipReason.BANK_HOLIDAY),
        (date(2026, 5, 4), SkipReason.BANK_HOLIDAY),
    ]
    assert "bank holiday (Easter Monday)" in result.skipped[0].explanation


def test_bank_holidays_are_kept_when_not_asked() -> None:
    dates = [o.local_date for o in occurrences(weekly(), date(2026, 4, 6), date(2026, 4, 6))]
    assert dates == [date(2026, 4, 6)]


def test_a_skipped_bank_holiday_still_uses_up_one_of_the_times() -> None:
    """As an EXDATE does in RFC 5545: "4 times" ends on the fourth Monday, 6 April."""
    pattern = weekly(count=4, skip_bank_holidays=True)
    assert [o.local_date for o in occurrences(pattern, date(2026, 3, 1), date(2026, 12, 31))] == [
        date(2026, 3, 16),
        date(2026, 3, 23),
        date(2026, 3, 30),
    ]


def test_the_window_is_inclusive_and_visits_before_the_first_date_never_appear() -> None:
    pattern = weekly(days="mon,tue", first=date(2026, 3, 17))
    found = occurrences(pattern, date(2026, 3, 16), date(2026, 3, 23))
    assert [o.local_date for o in found] == [date(2026, 3, 17), date(2026, 3, 23)]
    with pytest.raises(ValueError, match="window"):
        occurrences(pattern, date(2026, 3, 23), date(2026, 3, 16))


# --- RFC 5545 text ---------------------------------------------------------------------------


def test_text_keeps_the_zone_and_writes_until_in_utc() -> None:
    """Not str(rrule): that drops the TZID and the Z (formats.md 8.2, item 7)."""
    pattern = weekly(days="mon,wed", until_date=date(2026, 6, 30), skip_bank_holidays=True)
    assert pattern.to_rfc5545() == (
        "DTSTART;TZID=Europe/London:20260316T090000\n"
        "DTEND;TZID=Europe/London:20260316T100000\n"
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260630T225959Z\n"
        "X-CAREPURSE-SKIP-BANK-HOLIDAYS:TRUE"
    )
    winter = weekly(first=date(2026, 11, 2), until_date=date(2026, 12, 28), interval=2)
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=MO;BYDAY=MO;UNTIL=20261228T235959Z" in (
        winter.to_rfc5545()
    )


def test_dateutil_reads_our_text_the_same_way() -> None:
    pattern = weekly(days="mon,wed", until_date=date(2026, 6, 30))
    standard = "\n".join(
        line for line in pattern.to_rfc5545().splitlines() if not line.startswith("DTEND")
    )
    theirs = rrulestr(standard, tzids={"Europe/London": LONDON})
    expected = starts(occurrences(pattern, date(2026, 1, 1), date(2026, 12, 31)))
    assert [moment.astimezone(UTC) for moment in theirs] == expected


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "exactly one DTSTART"),
        ("not a rule", "property line"),
        ("DTSTART:20260316T090000\nDTEND:20260316T100000\nRRULE:FREQ=WEEKLY;BYDAY=MO", "TZID"),
        ("{s}\n{e}\nRRULE:FREQ=DAILY", "WEEKLY"),
        ("{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=1MO", "BYDAY"),
        ("{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=MO;BYMONTH=3", "BYMONTH"),
        ("{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3;UNTIL=20260630T225959Z", "both"),
        ("{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260630T235959", "UTC"),
        ("{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=MO;WKST=SU;INTERVAL=2", "Monday"),
        ("{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=0", "COUNT"),
        ("{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=TU", "first date"),
        ("{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260301T000000Z", "before the first"),
        ("{s}\nRRULE:FREQ=WEEKLY;BYDAY=MO", "DTEND"),
        ("{s}\nDTEND;TZID=Europe/London:20260317T100000\nRRULE:FREQ=WEEKLY;BYDAY=MO", "same day"),
        ("{s}\nDTEND;TZID=Europe/London:20260316T080000\nRRULE:FREQ=WEEKLY;BYDAY=MO", "after"),
        (
            "{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEXDATE;TZID=Europe/London:20260406T080000",
            "EXDATE",
        ),
        ("{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=MO\nRDATE;TZID=Europe/London:20260407T090000", "RDATE"),
        ("{s}\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=MO\nX-CAREPURSE-SKIP-BANK-HOLIDAYS:MAYBE", "TRUE"),
        ("DTSTART;TZID=Europe/London:20260230T090000\n{e}\nRRULE:FREQ=WEEKLY;BYDAY=MO", "real"),
    ],
)
def test_text_that_is_not_one_of_our_patterns_is_refused(text: str, complaint: str) -> None:
    text = text.format(
        s="DTSTART;TZID=Europe/London:20260316T090000",
        e="DTEND;TZID=Europe/London:20260316T100000",
    )
    with pytest.raises(UnsupportedRule, match=complaint) as refused:
        Recurrence.from_rfc5545(text)
    assert isinstance(refused.value, ValueError)


def test_text_with_windows_line_endings_and_an_exdate_list_is_read() -> None:
    text = (
        "DTSTART;TZID=Europe/London:20260316T090000\r\n"
        "DTEND;TZID=Europe/London:20260316T100000\r\n"
        "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10\r\n"
        "EXDATE;TZID=Europe/London:20260406T090000,20260413T090000\r\n"
    )
    pattern = Recurrence.from_rfc5545(text)
    assert pattern == weekly(
        count=10, excluded_dates=frozenset({date(2026, 4, 6), date(2026, 4, 13)})
    )


# --- the pattern itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"weekdays": frozenset()}, "at least one day"),
        ({"weekdays": frozenset({"monday"})}, "days must be"),
        ({"end_time": time(9)}, "after the start"),
        ({"start_time": time(9, 0, 30)}, "whole minutes"),
        ({"start_time": time(9, tzinfo=UTC)}, "local time"),
        ({"first_date": date(2026, 3, 17)}, "chosen days"),
        ({"first_date": datetime(2026, 3, 16)}, "must be a date"),
        ({"interval": 0}, "interval"),
        ({"interval": True}, "interval"),
        ({"count": 0}, "count"),
        ({"count": 3, "until_date": date(2026, 6, 1)}, "not both"),
        ({"until_date": date(2026, 3, 15)}, "before the first"),
    ],
)
def test_impossible_patterns_are_refused(changes: dict[str, object], complaint: str) -> None:
    values: dict[str, object] = {
        "weekdays": frozenset({"mon"}),
        "start_time": time(9),
        "end_time": time(10),
        "first_date": date(2026, 3, 16),
    }
    with pytest.raises(RecurrenceError, match=complaint):
        Recurrence(**{**values, **changes})  # type: ignore[arg-type]


def test_a_plain_set_of_days_is_frozen_so_patterns_can_be_compared_and_hashed() -> None:
    pattern = Recurrence(
        weekdays={"mon"},  # type: ignore[arg-type]
        start_time=time(9),
        end_time=time(10),
        first_date=date(2026, 3, 16),
    )
    assert pattern == weekly() and hash(pattern) == hash(weekly())


# --- describe --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (
            weekly(
                days="tue,thu",
                start=time(10),
                end=time(12),
                first=date(2026, 3, 3),
                until_date=date(2026, 3, 31),
                skip_bank_holidays=True,
            ),
            "Every Tuesday and Thursday, 10:00 to 12:00, from 3 March 2026 until 31 March 2026 "
            "(not on bank holidays)",
        ),
        (
            weekly(interval=2),
            "Every other Monday, 09:00 to 10:00, from 16 March 2026, with no end date",
        ),
        (
            weekly(days="mon,wed,fri", count=10),
            "Every Monday, Wednesday and Friday, 09:00 to 10:00, 10 times, "
            "from 16 March 2026 until 6 April 2026",
        ),
        (
            weekly(days=",".join(WEEKDAYS), interval=3, until_date=date(2026, 5, 1)),
            "Every day, every 3 weeks, 09:00 to 10:00, from 16 March 2026 until 1 May 2026",
        ),
        (
            weekly(
                days="mon,fri",
                interval=4,
                skip_bank_holidays=True,
                excluded_dates=frozenset({date(2026, 4, 13)}),
            ),
            "Every 4 weeks on Monday and Friday, 09:00 to 10:00, from 16 March 2026, "
            "with no end date (not on bank holidays or 13 April 2026)",
        ),
        (weekly(count=1), "Once, on Monday 16 March 2026, 09:00 to 10:00"),
    ],
)
def test_describe_in_plain_english(pattern: Recurrence, words: str) -> None:
    assert describe(pattern) == words


# --- the form --------------------------------------------------------------------------------

GOOD_FORM = {
    "days": "tue,thu",
    "start_time": "10:00",
    "end_time": "12:00",
    "interval": "1",
    "first_date": "2026-03-03",
    "until_date": "2026-03-31",
    "count": "",
    "skip_bank_holidays": "yes",
}


def form_problems(**changes: str) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        recurrence_from_form({**GOOD_FORM, **changes})
    return {p.field: p.message for p in refused.value.problems}


def test_a_good_form_gives_the_pattern() -> None:
    assert recurrence_from_form(GOOD_FORM) == weekly(
        days="tue,thu",
        start=time(10),
        end=time(12),
        first=date(2026, 3, 3),
        until_date=date(2026, 3, 31),
        skip_bank_holidays=True,
    )


def test_ticked_boxes_arrive_as_repeated_fields() -> None:
    form = FormData(
        [(k, v) for k, v in GOOD_FORM.items() if k != "days"]
        + [("days", "tue"), ("days", "Thursday")]
    )
    assert recurrence_from_form(form).weekdays == frozenset({"tue", "thu"})


def test_the_first_date_moves_to_the_first_chosen_day() -> None:
    pattern = recurrence_from_form({**GOOD_FORM, "days": "mon", "first_date": "2026-03-03"})
    assert pattern.first_date == date(2026, 3, 9)


def test_optional_fields_may_be_left_out() -> None:
    pattern = recurrence_from_form(
        {"days": "mon", "start_time": "9:00", "end_time": "09:45", "first_date": "2026-03-16"}
    )
    assert pattern == weekly(end=time(9, 45))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"days": ""}, "days", "at least one day"),
        ({"days": "mon,funday"}, "days", "Monday to Sunday"),
        ({"start_time": ""}, "start_time", "Enter a starting time"),
        ({"start_time": "25:00"}, "start_time", "hours and minutes"),
        ({"end_time": "10:00"}, "end_time", "later than the starting time"),
        ({"end_time": "09:00"}, "end_time", "later than the starting time"),
        ({"interval": "5"}, "interval", "every other week"),
        ({"first_date": ""}, "first_date", "date of the first visit"),
        ({"first_date": "2026-02-30"}, "first_date", "real date"),
        ({"until_date": "31/03/2026"}, "until_date", "real date"),
        ({"count": "10"}, "count", "not both"),
        ({"until_date": "2026-03-02"}, "until_date", "on or after the first date"),
        (
            {"days": "mon", "first_date": "2026-03-03", "until_date": "2026-03-08"},
            "until_date",
            "the first would be 9 March 2026",
        ),
        ({"until_date": "", "count": "0"}, "count", "from 1 to 520"),
        ({"until_date": "", "count": "521"}, "count", "from 1 to 520"),
        ({"until_date": "", "count": "ten"}, "count", "whole number"),
        ({"until_date": "2031-03-04"}, "until_date", "up to 5 years"),
        ({"until_date": "", "count": "300", "days": "tue"}, "count", "more than 5 years"),
    ],
)
def test_form_problems_name_their_field(changes: dict[str, str], field: str, words: str) -> None:
    problems = form_problems(**changes)
    assert list(problems) == [field]
    assert words in problems[field]


def test_every_bad_field_is_reported_at_once() -> None:
    problems = form_problems(days="", start_time="soon", first_date="")
    assert set(problems) == {"days", "start_time", "first_date"}


def test_five_years_exactly_is_allowed() -> None:
    assert recurrence_from_form({**GOOD_FORM, "until_date": "2031-03-03"}).until_date == date(
        2031, 3, 3
    )
    weekly_for_five_years = {**GOOD_FORM, "days": "tue", "until_date": "", "count": "260"}
    assert recurrence_from_form(weekly_for_five_years).count == 260


# --- properties ------------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)


@st.composite
def recurrences(draw: st.DrawFn) -> Recurrence:
    """Any valid pattern; start times are drawn often around 01:00-02:00, where clocks change."""
    days = draw(st.frozensets(st.sampled_from(WEEKDAYS), min_size=1))
    start_minute = draw(st.one_of(st.integers(0, 23 * 60 + 58), st.integers(50, 130)))
    end_minute = draw(st.integers(start_minute + 1, min(start_minute + 240, 23 * 60 + 59)))
    first = draw(st.dates(date(2000, 1, 1), date(2060, 12, 31)))
    while WEEKDAYS[first.weekday()] not in days:
        first += timedelta(days=1)
    ending = draw(st.sampled_from(["until", "count", "open"]))
    return Recurrence(
        weekdays=days,
        start_time=time(*divmod(start_minute, 60)),
        end_time=time(*divmod(end_minute, 60)),
        first_date=first,
        interval=draw(st.integers(1, 4)),
        until_date=first + timedelta(days=draw(st.integers(0, 900))) if ending == "until" else None,
        count=draw(st.integers(1, 150)) if ending == "count" else None,
        skip_bank_holidays=draw(st.booleans()),
        excluded_dates=draw(
            st.frozensets(
                st.dates(first - timedelta(days=7), first + timedelta(days=500)), max_size=6
            )
        ),
    )


@PROPERTY_SETTINGS
@given(recurrences())
def test_round_trip_through_text_is_exact(pattern: Recurrence) -> None:
    text = pattern.to_rfc5545()
    again = Recurrence.from_rfc5545(text)
    assert again == pattern
    assert again.to_rfc5545() == text


@PROPERTY_SETTINGS
@given(recurrences(), st.integers(-14, 400), st.integers(0, 400), st.data())
def test_windows_taken_in_batches_add_up_to_one_window(
    pattern: Recurrence, offset: int, length: int, data: st.DataObject
) -> None:
    """The periodic job materialises a batch at a time: no visit lost or doubled at the seams."""
    start = pattern.first_date + timedelta(days=offset)
    end = start + timedelta(days=length)
    split = start + timedelta(days=data.draw(st.integers(0, length)))
    whole = expand(pattern, start, end)
    before = expand(pattern, start, split)
    after = expand(pattern, split + timedelta(days=1), end) if split < end else None
    assert whole.occurrences == before.occurrences + (after.occurrences if after else [])
    assert whole.skipped == before.skipped + (after.skipped if after else [])


@PROPERTY_SETTINGS
@given(recurrences())
def test_every_visit_is_at_the_booked_wall_clock_time_in_utc(pattern: Recurrence) -> None:
    result = expand(pattern, pattern.first_date, pattern.first_date + timedelta(days=400))
    for visit in result.occurrences:
        assert visit.starts_at.tzinfo is UTC and visit.ends_at.tzinfo is UTC
        local_start, local_end = (
            visit.starts_at.astimezone(LONDON),
            visit.ends_at.astimezone(LONDON),
        )
        assert (local_start.date(), local_start.time()) == (visit.local_date, pattern.start_time)
        assert (local_end.date(), local_end.time()) == (visit.local_date, pattern.end_time)
        assert WEEKDAYS[visit.local_date.weekday()] in pattern.weekdays
        assert visit.local_date not in pattern.excluded_dates
        assert not (pattern.skip_bank_holidays and is_bank_holiday(visit.local_date))
    if pattern.until_date is not None:
        assert all(v.local_date <= pattern.until_date for v in result.occurrences)
    if pattern.count is not None:
        counted = [s for s in result.skipped if s.reason is not SkipReason.CLOCK_CHANGE]
        assert len(result.occurrences) + len(counted) <= pattern.count


@PROPERTY_SETTINGS
@given(recurrences().filter(lambda r: r.count is None))
def test_visits_are_dateutils_instances_less_the_skipped_ones(pattern: Recurrence) -> None:
    """Our expansion and rrulestr on our text agree; we only drop what we report."""
    standard = "\n".join(
        line
        for line in pattern.to_rfc5545().splitlines()
        if line.split(";")[0].split(":")[0] in ("DTSTART", "RRULE")
    )
    window_end = pattern.first_date + timedelta(days=300)
    theirs = rrulestr(standard, tzids={"Europe/London": LONDON})
    dates = []
    for moment in theirs:
        if moment.date() > window_end:
            break
        dates.append(moment.date())
    result = expand(pattern, pattern.first_date, window_end)
    ours = sorted(
        [o.local_date for o in result.occurrences] + [s.local_date for s in result.skipped]
    )
    assert ours == dates
