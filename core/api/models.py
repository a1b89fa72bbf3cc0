"""Stored answers to money-moving POSTs, so a repeated request with the same
``Idempotency-Key`` gets the first answer instead of moving money twice."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class IdempotencyRecord(Model):
    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField()
    caller = fields.CharField(max_length=100)
    key = fields.CharField(max_length=200)
    request_hash = fields.CharField(max_length=64)
    status_code = fields.IntField(null=True)
    response_body: Any = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("tenant_id", "caller", "key"),)
