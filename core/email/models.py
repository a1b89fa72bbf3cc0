"""Every email Carepurse sends, kept so delivery can be retried and (in development) read."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class EmailStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    KEPT = "kept"  # no SMTP configured: kept in the development mailbox
    FAILED = "failed"


class EmailMessage(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(null=True, db_index=True)
    to_address = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    body_text = fields.TextField()
    purpose = fields.CharField(max_length=40)
    status = fields.CharEnumField(EmailStatus, max_length=16, default=EmailStatus.QUEUED)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "email_message"
        ordering = ["-created_at"]
