"""Outbox rows are written in the caller's transaction and relayed after commit."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class OutboxMessage(Model):
    """A job waiting to reach (or already handed to) the broker.

    ``idempotency_key`` makes enqueueing safe to repeat: a second scheduler run
    for the same tenant and day finds the row already there.
    """

    id = fields.BigIntField(primary_key=True)
    message_id = fields.UUIDField(unique=True)
    tenant_id = fields.IntField(null=True, db_index=True)
    actor_name = fields.CharField(max_length=100)
    payload: Any = fields.JSONField(default=dict)
    idempotency_key = fields.CharField(max_length=200, unique=True, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    relayed_at = fields.DatetimeField(null=True, db_index=True)
    relay_attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "outbox_message"
