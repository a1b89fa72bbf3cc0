"""API shapes for accreditations, their evidence and decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

StatusName = Literal[
    "applied", "more_info", "accredited", "refused", "suspended", "revoked", "expired"
]
ActionName = Literal["accredit", "ask_for_more", "refuse", "suspend", "revoke", "reinstate"]
KindName = Literal["document", "cqc", "dbs", "insurance", "other_registration"]


class NewDecision(BaseModel):
    """An officer's decision. ``reason`` is shown to the provider; it is required except
    to accredit or reinstate. ``expires_on`` is required to accredit, and to reinstate an
    accreditation whose end date has passed."""

    model_config = ConfigDict(extra="forbid")

    action: ActionName
    reason: str = Field(default="", max_length=2000)
    expires_on: date | None = Field(default=None, description="The last day it is accredited")


class EvidenceOut(BaseModel):
    id: UUID
    kind: KindName
    title: str
    reference: str | None = Field(description="A registration's number or a policy")
    expires_on: date | None
    has_file: bool = Field(description="An uploaded document; officers download it on the site")
    content_type: str | None
    size_bytes: int | None
    created_at: datetime


class DecisionOut(BaseModel):
    status: StatusName
    reason: str | None
    expires_on: date | None
    by: str
    at: datetime


class AccreditationSummary(BaseModel):
    id: UUID
    provider_id: UUID
    provider_name: str
    status: StatusName
    expires_on: date | None
    reason: str | None = Field(description="The reason given with the latest decision")
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AccreditationOut(AccreditationSummary):
    actions: list[ActionName] = Field(description="The decisions that may be taken now")
    evidence: list[EvidenceOut]
    decisions: list[DecisionOut] = Field(description="Newest first")


class AccreditationsPage(BaseModel):
    items: list[AccreditationSummary]
    next: str | None = Field(description="The next page, or null on the last")
