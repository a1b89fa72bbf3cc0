"""The per-council stylesheet: only custom properties, so no inline styles are needed."""

from __future__ import annotations

from core.theming.branding import Branding


def stylesheet_for(branding: Branding) -> str:
    lines = [f"  {name}: {value};" for name, value in branding.css_variables().items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n"
