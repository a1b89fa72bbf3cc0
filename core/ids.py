"""Public ids in URLs are UUIDs; anything else is simply not found."""

from __future__ import annotations

from uuid import UUID


def parse_uuid(value: object) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None
