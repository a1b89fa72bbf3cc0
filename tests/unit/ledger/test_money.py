"""Money as people read it: pounds and pence in figures and words."""

from __future__ import annotations

import re

import pytest

from core.ledger.money import in_words, parse_pounds, pounds


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (31240, "£312.40"),
        (5, "£0.05"),
        (123456789, "£1,234,567.89"),
        (-500, "-£5.00"),
    ],
)
def test_figures(pence, text):
    assert pounds(pence) == text


@pytest.mark.parametrize(
    ("pence", "words"),
    [
        (31240, "three hundred and twelve pounds and forty pence"),
        (100, "one pound"),
        (1, "one penny"),
        (201, "two pounds and one penny"),
        (0, "zero pounds"),
    ],
)
def test_words_for_screen_readers(pence, words):
    assert in_words(pence) == words


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("312.40", 31240),
        ("£1,250", 125000),
        (" 12.5 ", 1250),
        ("0.01", 1),
    ],
)
def test_parsing_what_people_type(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["", "12.345", "1.2.3", "-5", "ten", "£", "1e3"])
def test_parsing_refuses_anything_else(text):
    with pytest.raises(ValueError, match=f"^{re.escape(text)}$"):  # the error names the input
        parse_pounds(text)
