"""API shapes for people and their circles."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
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
    date_of_birth: date | None = None
    address: str | None = Field(default=None, description="Lines separated by newlines")
    postcode: str | None = Field(default=None, description='UK postcode, like "SW1A 1AA"')
    phone: str | None = None
    contact_preference: str | None = Field(
        default=None, description="email, phone, text or letter; null if not recorded"
    )
    budget_manager: str | None = Field(
        default=None,
        description="Who manages the budget: person, circle, broker or council; null if not "
        "recorded",
    )


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
    date_of_birth: date | None = Field(default=None, description="In the past")
    address: str | None = Field(default=None, max_length=300)
    postcode: str | None = Field(
        default=None, max_length=10, description='UK postcode; stored as "SW1A 1AA"'
    )
    phone: str | None = Field(default=None, max_length=40, description="UK phone number")
    contact_preference: Literal["email", "phone", "text", "letter"] | None = Field(
        default=None,
        description="How they like to be contacted (default email; email needs `email`, "
        "phone and text need `phone`, letter needs `address` and `postcode`)",
    )
    budget_manager: Literal["person", "council"] | None = Field(
        default=None,
        description="Who manages the budget (default person). A family member or broker is "
        "appointed by a council officer in the console.",
    )
