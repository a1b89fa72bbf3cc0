"""Which funding streams may pay for which kinds of service, and why not, in plain words."""

from __future__ import annotations

from typing import Any

from core.budgets.categories import category_label


def may_pay_for(stream: Any, category: str, counts_as: str | None = None) -> bool:
    """``counts_as``: the standard category a council's own category comes under
    (core.marketplace.categories), which the stream's restrictions are written in."""
    allowed = stream.allowed_categories
    return (
        allowed is None or category in allowed or (counts_as is not None and counts_as in allowed)
    )


def restriction_reason(streams: list[Any], category: str, label: str | None = None) -> str:
    """Why none of ``streams`` may pay for ``category`` (``label``: its name in this council)."""
    label = (label or category_label(category)).lower()
    if not streams:
        return "This budget has no funding yet, so it cannot pay for anything."
    names = ", ".join(stream.name for stream in streams)
    return (
        f"This budget's money ({names}) may not be spent on {label}. "
        "Ask the council if you think it should be."
    )
