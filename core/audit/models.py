"""Audit rows are never updated or deleted; each carries the hash of the one before."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEvent(Model):
    """Something a council must be able to account for: who did what, to what, when.

    ``chain`` is the tenant id (0 for platform events), ``sequence`` numbers the
    chain's events and ``hash`` covers this row's content and ``previous_hash``,
    so a changed or removed row breaks the chain (``carepurse audit verify``).
    """

    id = fields.BigIntField(primary_key=True)
    chain = fields.IntField()
    sequence = fields.BigIntField()
    tenant_id = fields.IntField(null=True, db_index=True)
    occurred_at = fields.DatetimeField()
    actor_user_id = fields.UUIDField(null=True)
    actor_label = fields.CharField(max_length=300)
    action = fields.CharField(max_length=60, db_index=True)
    target_type = fields.CharField(max_length=60, null=True)
    target_id = fields.CharField(max_length=64, null=True)
    target_label = fields.CharField(max_length=300, null=True)
    ip = fields.CharField(max_length=45, null=True)
    details: Any = fields.JSONField(default=dict)
    previous_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_event"
        unique_together = (("chain", "sequence"),)


class AuditChainHead(Model):
    """The last event of each chain, locked while appending so the chain never forks."""

    chain = fields.IntField(primary_key=True, generated=False)
    sequence = fields.BigIntField(default=0)
    last_hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_chain_head"
