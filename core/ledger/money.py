"""Pence to words and figures the way a person reads them."""

from __future__ import annotations

from num2words import num2words


def pounds(pence: int) -> str:
    """``£1,312.40``; negative amounts get a minus sign: ``-£5.00``."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def in_words(pence: int) -> str:
    """``three hundred and twelve pounds and forty pence``, for screen readers and print."""
    whole, part = divmod(abs(pence), 100)
    pounds_words = f"{num2words(whole, lang='en_GB')} pound{'s' if whole != 1 else ''}"
    pence_words = "one penny" if part == 1 else f"{num2words(part, lang='en_GB')} pence"
    if part == 0:
        text = pounds_words
    elif whole == 0:
        text = pence_words
    else:
        text = f"{pounds_words} and {pence_words}"
    return ("minus " if pence < 0 else "") + text


def parse_pounds(text: str) -> int:
    """``"1,250.50"`` or ``"£12"`` to pence; raises ValueError for anything else."""
    cleaned = text.strip().replace(",", "").removeprefix("£").strip()
    if not cleaned or cleaned.count(".") > 1:
        raise ValueError(text)
    whole, _, part = cleaned.partition(".")
    if not whole.isdigit() or (part and (not part.isdigit() or len(part) > 2)):
        raise ValueError(text)
    return int(whole) * 100 + int((part or "0").ljust(2, "0"))
