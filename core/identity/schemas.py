"""API shapes for people and their circles."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class SupporterOut(BaseModel):
    name: str
    kind: str = Field(description="circle or broker")
    access: str = Field(description="review (read-only) or manage")
    expires_on: date | None


class PersonOut(BaseModel):
    """A person with a personal budget (a member of the council with the person role)."""

    id: UUID
    name: str
    email: str | None
    status: str = Field(description="active or barred")
    created_at: datetime
    circle: list[SupporterOut] | None = Field(default=None, description="Only on GET /people/{id}")


class PeoplePage(BaseModel):
    items: list[PersonOut]
    next: str | None = Field(description="URL of the next page, or null")


class NewPerson(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    email: str | None = Field(
        default=None,
        max_length=254,
        description="If given, the person is emailed a link to sign in",
    )
