"""The hash that links each audit row to the one before it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

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


def canonical(values: dict[str, Any]) -> bytes:
    """A stable byte form of a row: sorted keys, no spaces, ISO times, strings for UUIDs."""
    return json.dumps(
        {name: values[name] for name in HASHED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
        ensure_ascii=False,
    ).encode()


def event_hash(previous_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256(previous_hash.encode() + canonical(values)).hexdigest()
