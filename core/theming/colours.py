"""Colour parsing and WCAG contrast, on top of coloraide."""

from __future__ import annotations

from coloraide import Color

WCAG_AA_NORMAL_TEXT = 4.5
PAGE_BACKGROUND = "#ffffff"


def normalise_colour(value: str) -> str:
    """Return ``value`` as ``#rrggbb``; refuse transparency, which breaks contrast maths."""
    try:
        colour = Color(value.strip())
    except ValueError as error:
        raise ValueError(f"{value!r} is not a colour; use a hex value such as #1d5c8c") from error
    if colour.alpha() < 1:
        raise ValueError(f"{value!r} is see-through; use a solid colour")
    return colour.convert("srgb").fit().to_string(hex=True)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio between two solid colours."""
    return Color(foreground).contrast(background, method="wcag21")


def tint(colour: str, amount: float) -> str:
    """Mix ``amount`` (0..1) of ``colour`` into white: the light surfaces of a theme."""
    return Color(PAGE_BACKGROUND).mix(colour, amount, space="srgb").to_string(hex=True)


def require_contrast(foreground: str, background: str, what: str) -> None:
    """Raise a plain-English error when a pair of colours is under WCAG AA."""
    ratio = contrast_ratio(foreground, background)
    if ratio < WCAG_AA_NORMAL_TEXT:
        raise ValueError(
            f"{what}: {foreground} on {background} has a contrast ratio of {ratio:.2f}:1, "
            f"but WCAG AA needs at least {WCAG_AA_NORMAL_TEXT}:1 for text; "
            "choose a darker or lighter colour"
        )
