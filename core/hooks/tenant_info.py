"""The read-only view of a council that hooks receive."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TenantInfo:
    """What a plugin may know about the council it serves.

    A plain frozen value, not the database row: a plugin cannot save a tenant.
    """

    id: int
    slug: str
    name: str
