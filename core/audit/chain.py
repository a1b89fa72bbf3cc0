"""The hash that links each audit row to the one before it.

The hash must come out the same whether the values are the ones ``record()``
is about to insert or the ones read back later by ``carepurse audit verify``,
on SQLite or PostgreSQL. So the canonical form never depends on how a driver
hands values back: times are converted to UTC (a naive time is taken as UTC)
and written ``YYYY-MM-DD HH:MM:SS[.ffffff]+00:00``, UUIDs as their string,
``details`` as sorted, compact JSON.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

GENESIS = "0" * 64

HASHED_FIELDS = (
    "chain",
    "sequence",
    "tenant_id",
    "occurred_at",
    "actor_user_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "ip",
    "details",
)


def canonical_time(moment: datetime) -> str:
    """UTC, space-separated ISO 8601 (the form earlier rows were hashed with)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(sep=" ")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return canonical_time(value)
    if isinstance(value, UUID):
        return str(value)
    return value


def canonical(values: dict[str, Any]) -> bytes:
    """A stable byte form of a row: sorted keys, no spaces, UTC times, strings for UUIDs."""
    return json.dumps(
        {name: _plain(values[name]) for name in HASHED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
        ensure_ascii=False,
    ).encode()


def event_hash(previous_hash: str, values: dict[str, Any]) -> str:
    """SHA-256 over the previous event's hash and this event's canonical form."""
    return hashlib.sha256(previous_hash.encode() + canonical(values)).hexdigest()
