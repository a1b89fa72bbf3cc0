"""API endpoints (being built for issue 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.api.openapi import Operation

operations: list[Operation] = []
endpoints: dict[str, Callable[..., Any]] = {}
