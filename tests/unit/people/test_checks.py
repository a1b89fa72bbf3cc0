"""Postcodes (formats.md 6.4) and phone numbers: tidied into one form, or refused."""

from __future__ import annotations

import pytest

from core.people.services import is_mobile, parse_phone
from core.postcodes import normalise_postcode, parse_postcode


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("M1 1AA", "M1 1AA"),
        ("M60 1NW", "M60 1NW"),
        ("cr2 6xh", "CR2 6XH"),
        ("DN551PT", "DN55 1PT"),
        ("  w1a   1hq ", "W1A 1HQ"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
        ("SW1A1AA", "SW1A 1AA"),
    ],
)
def test_real_postcodes_are_tidied(typed, stored):
    assert parse_postcode(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "QA1 1AA",  # Q never first
        "VA1 1AA",  # nor V
        "XA1 1AA",  # nor X
        "AI1 1AA",  # I never second
        "A12 77Y",
        "SW1A 1AC",  # C never in the inward code
        "W1I 1AA",  # I is not a district letter (A9A)
        "EC1C 1AA",  # C is not a district letter (AA9A)
        "M1",
        "",
        "SW1A 1AA 1",
        "BFPO 123",
    ],
)
def test_other_text_is_not_a_postcode(typed):
    assert parse_postcode(typed) is None


def test_normalising_puts_one_space_before_the_inward_code():
    assert normalise_postcode(" sw1a\t1aa ") == "SW1A 1AA"
    assert normalise_postcode("m1") == "M1"


@pytest.mark.parametrize(
    ("typed", "stored", "mobile"),
    [
        ("07700 900982", "07700 900982", True),
        ("07700900982", "07700 900982", True),
        ("+44 7700 900982", "07700 900982", True),
        ("+44 (0)7700 900982", "07700 900982", True),
        ("0044 7700 900982", "07700 900982", True),
        ("020 7946 0000", "020 7946 0000", False),
        ("01632-960001", "01632 960001", False),
        ("(01632) 960 001", "01632 960001", False),
    ],
)
def test_uk_phone_numbers_are_tidied(typed, stored, mobile):
    assert parse_phone(typed) == stored
    assert is_mobile(stored) is mobile


@pytest.mark.parametrize(
    "typed", ["123", "7700 900982", "+1 202 555 0100", "07700 9009", "ring me"]
)
def test_other_text_is_not_a_uk_phone_number(typed):
    assert parse_phone(typed) is None
