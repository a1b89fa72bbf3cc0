"""API endpoints (being built)."""

from core.api.openapi import Operation

operations: list[Operation] = []
endpoints: dict[str, object] = {}
