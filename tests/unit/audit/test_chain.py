"""The chain hash is stable: the same event hashes the same however its values arrive."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from core.audit.chain import GENESIS, HASHED_FIELDS, canonical, event_hash
from core.audit.services import plain_details

USER = UUID("6f1c2a4e-0d3b-4c5a-9e8f-1a2b3c4d5e6f")


def values(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "chain": 7,
        "sequence": 3,
        "tenant_id": 7,
        "occurred_at": datetime(2026, 7, 1, 13, 5, 9, tzinfo=UTC),
        "actor_user_id": USER,
        "actor_label": "Ada Lovelace <ada@example.org>",
        "action": "role_changed",
        "target_type": "membership",
        "target_id": "42",
        "target_label": "Grace Hopper",
        "ip": "203.0.113.9",
        "details": {"from": ["council_officer"], "to": ["council_admin"]},
    }
    return base | changes


def test_a_known_event_always_hashes_to_the_same_value():
    # Pinned: rows already in databases were hashed with this canonical form.
    assert canonical(values()) == (
        b'{"action":"role_changed","actor_label":"Ada Lovelace <ada@example.org>",'
        b'"actor_user_id":"6f1c2a4e-0d3b-4c5a-9e8f-1a2b3c4d5e6f","chain":7,'
        b'"details":{"from":["council_officer"],"to":["council_admin"]},"ip":"203.0.113.9",'
        b'"occurred_at":"2026-07-01 13:05:09+00:00","sequence":3,"target_id":"42",'
        b'"target_label":"Grace Hopper","target_type":"membership","tenant_id":7}'
    )
    assert event_hash(GENESIS, values()) == event_hash(GENESIS, values())
    assert len(event_hash(GENESIS, values())) == 64


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 7, 1, 13, 5, 9, tzinfo=ZoneInfo("UTC")),  # Tortoise reads back ZoneInfo
        datetime(2026, 7, 1, 14, 5, 9, tzinfo=ZoneInfo("Europe/London")),  # BST
        datetime(2026, 7, 1, 15, 5, 9, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 7, 1, 13, 5, 9),  # naive: taken as UTC
    ],
)
def test_the_same_instant_hashes_the_same_in_any_timezone(moment):
    assert event_hash(GENESIS, values(occurred_at=moment)) == event_hash(GENESIS, values())


def test_uuid_and_its_string_hash_the_same_and_key_order_does_not_matter():
    reordered = dict(reversed(list(values().items())))
    reordered["details"] = {"to": ["council_admin"], "from": ["council_officer"]}
    assert event_hash(GENESIS, values(actor_user_id=str(USER))) == event_hash(GENESIS, values())
    assert event_hash(GENESIS, reordered) == event_hash(GENESIS, values())


@pytest.mark.parametrize("name", HASHED_FIELDS)
def test_changing_any_field_changes_the_hash(name):
    changed = values(**{name: {"other": True} if name == "details" else "something else"})
    assert event_hash(GENESIS, changed) != event_hash(GENESIS, values())


def test_the_previous_hash_is_part_of_the_hash():
    assert event_hash("a" * 64, values()) != event_hash(GENESIS, values())


def test_details_are_hashed_as_the_json_the_database_hands_back():
    raw = {"user": USER, "on": datetime(2026, 1, 2, tzinfo=UTC).date(), "roles": ("a", "b")}
    stored = plain_details(raw)
    read_back = json.loads(json.dumps(stored))
    assert stored == {"user": str(USER), "on": "2026-01-02", "roles": ["a", "b"]}
    assert event_hash(GENESIS, values(details=read_back)) == event_hash(
        GENESIS, values(details=stored)
    )


def test_numbers_in_details_are_stored_as_postgresql_hands_them_back():
    stored = plain_details({"big": 1e20, "whole": 100.0, "small": 1e-7, "odd": float("nan")})
    assert stored == {"big": 10**20, "whole": 100, "small": 1e-7, "odd": "NaN"}
    assert isinstance(stored["big"], int) and isinstance(stored["whole"], int)
