"""axe-core checks, run inside the page by Chromium."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from playwright.async_api import Page

from core.settings import PROJECT_ROOT

AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@functools.cache
def _axe_source() -> str:
    return Path(AXE_SCRIPT).read_text(encoding="utf-8")


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return "\n".join(lines)


async def assert_accessible(page: Page) -> None:
    """Fail on any WCAG 2.2 A or AA violation axe finds on the current page."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluate() runs through DevTools, so the page's strict CSP (no inline
        # script) stays on while axe is loaded; add_script_tag would break it.
        await page.evaluate(_axe_source())
    result = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    violations = result["violations"]
    assert not violations, f"{page.url}\n{describe(violations)}"
    assert result["passes"], "axe ran no checks at all"
