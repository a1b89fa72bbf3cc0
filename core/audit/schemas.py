"""API representations of audit events."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from core.audit.display import action_label
from core.audit.models import AuditEvent


class AuditEventOut(BaseModel):
    """One audit event, exactly as recorded."""

    sequence: int = Field(description="The event's number in the council's log, from 1")
    occurred_at: datetime = Field(description="When it happened (UTC, with offset)")
    action: str = Field(description="What happened, e.g. sign_in, role_changed, data_exported")
    action_label: str = Field(description="The action in plain English")
    actor_user_id: UUID | None = Field(description="The account that did it, if any")
    actor_label: str = Field(description="Who did it, as recorded at the time")
    target_type: str | None
    target_id: str | None
    target_label: str | None
    ip: str | None = Field(description="The address the request came from")
    details: dict[str, Any] = Field(description="More about the event; keys vary by action")
    hash: str = Field(description="SHA-256 linking this event to the one before it")

    @classmethod
    def build(cls, event: AuditEvent) -> AuditEventOut:
        return cls(
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            action=event.action,
            action_label=action_label(event.action),
            actor_user_id=event.actor_user_id,
            actor_label=event.actor_label,
            target_type=event.target_type,
            target_id=event.target_id,
            target_label=event.target_label,
            ip=event.ip,
            details=event.details if isinstance(event.details, dict) else {},
            hash=event.hash,
        )


class AuditEventPage(BaseModel):
    """A page of events, newest first; follow ``next`` for older ones."""

    items: list[AuditEventOut]
    next: str | None = Field(description="URL of the next (older) page; null on the last page")
    previous: str | None = Field(
        description="URL of the previous (newer) page; null on the first page"
    )
