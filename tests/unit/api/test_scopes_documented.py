"""Every OAuth scope a council can give a partner is described in docs/api.md, so a
partner reading the guide never meets a scope it does not explain."""

from __future__ import annotations

import re
from pathlib import Path

from core.api.scopes import SCOPES

API_GUIDE = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def test_every_scope_has_a_row_in_the_api_guide() -> None:
    rows = set(re.findall(r"^\| `([a-z]+:[a-z]+)` \|", API_GUIDE.read_text(), re.MULTILINE))
    assert set(SCOPES) <= rows, f"missing from docs/api.md: {sorted(set(SCOPES) - rows)}"
