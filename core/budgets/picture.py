"""The money-jar picture: a jar filled in proportion to the money left, with its words.

Only numbers and words are worked out here; ``budgets/_jar.html`` draws the SVG
(no inline style: the colours come from classes in carepurse.scss).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.ledger.money import in_words, pounds

# The jar's inside, in SVG units (viewBox 0 0 200 270): full reaches FULL_TOP.
FULL_TOP = 66.0
BOTTOM = 258.0
INSIDE = BOTTOM - FULL_TOP
MIN_VISIBLE = 4.0  # a little money still shows as a little money, never an empty jar


@dataclass(frozen=True)
class JarPicture:
    available_pence: int
    received_pence: int
    fraction: float  # 0..1: money left as a share of the money received so far
    fill_y: float
    fill_height: float

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)

    @property
    def amount(self) -> str:
        return pounds(self.available_pence)

    @property
    def words(self) -> str:
        return in_words(self.available_pence)

    @property
    def how_full(self) -> str:
        """The fill level as a person would say it."""
        if self.available_pence <= 0:
            return "The jar is empty"
        if self.fraction >= 0.995:
            return "The jar is full"
        for limit, words in (
            (0.125, "almost empty"),
            (0.375, "about a quarter full"),
            (0.625, "about half full"),
            (0.875, "about three quarters full"),
        ):
            if self.fraction < limit:
                return f"The jar is {words}"
        return "The jar is nearly full"

    @property
    def title(self) -> str:
        return f"Money left to spend: {self.amount} ({self.words})"

    @property
    def description(self) -> str:
        if self.received_pence <= 0:
            return f"{self.how_full}: no money has been paid in yet."
        return (
            f"{self.how_full}: {self.amount} is left of the {pounds(self.received_pence)} "
            "paid in so far."
        )


def jar_picture(available_pence: int, received_pence: int) -> JarPicture:
    if received_pence <= 0 or available_pence <= 0:
        fraction = 0.0
    else:
        fraction = max(0.0, min(1.0, available_pence / received_pence))
    height = round(INSIDE * fraction, 1)
    if available_pence > 0 and height < MIN_VISIBLE:
        height = MIN_VISIBLE
    return JarPicture(
        available_pence=available_pence,
        received_pence=received_pence,
        fraction=fraction,
        fill_y=round(BOTTOM - height, 1),
        fill_height=height,
    )
