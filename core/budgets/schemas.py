"""API shapes for budgets, funding streams, statements, forecasts, holds and planned spending.

Requests forbid unknown fields (a typo such as ``amount`` must not be ignored) and
take money as strict integers of pence; every answer gives money as ``*_pence``
with its ``currency``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from core.budgets.allocation import MAX_PENCE
from core.budgets.models import Schedule

Pence = Annotated[StrictInt, Field(ge=1, le=MAX_PENCE, description="Whole pence, above 0")]
Currency = Literal["GBP"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests -------------------------------------------------------------------------


class NewStream(_Request):
    """A funding stream: an amount paid in on a schedule, maybe only for some services."""

    funding_type: str = Field(
        min_length=1, max_length=60, description="e.g. council-care, direct-payment, nhs-chc"
    )
    instalment_pence: Pence
    currency: Currency = "GBP"
    schedule: Schedule
    first_payment_on: date | None = Field(
        default=None, description="Defaults to the start of the budget period"
    )
    name: str | None = Field(default=None, max_length=120, description="Defaults to the type's")
    allowed_categories: list[str] | None = Field(
        default=None,
        description="Kinds of service it may pay for; null for the funding type's default",
    )
    top_ups_allowed: bool = False


class NewBudget(_Request):
    person_id: UUID
    period_start: date | None = Field(default=None, description="Defaults to 1 April")
    period_end: date | None = Field(default=None, description="Defaults to 31 March")
    streams: list[NewStream] = Field(min_length=1, max_length=20)


class NewHold(_Request):
    amount_pence: Pence
    category: str = Field(min_length=1, max_length=60, description="Kind of service")
    description: str = Field(min_length=1, max_length=300)
    reference: str | None = Field(default=None, max_length=200, description="Your reference")
    stream_id: UUID | None = Field(
        default=None, description="Hold on this stream only (default: the first that may pay)"
    )


class PostHold(_Request):
    amount_pence: Pence | None = Field(
        default=None, description="What was spent (default: all of it); the rest is released"
    )
    description: str = Field(default="", max_length=300, description="e.g. the invoice number")


class VoidHold(_Request):
    reason: str = Field(min_length=1, max_length=200)


class NewAdjustment(_Request):
    kind: Literal["increase", "reduce", "end"]
    stream_id: UUID | None = Field(
        default=None, description="increase/reduce: which stream (optional if only one)"
    )
    amount_pence: Pence | None = Field(default=None, description="increase/reduce: how much")
    ends_on: date | None = Field(default=None, description="end: the last day of funding")
    reason: str = Field(min_length=1, max_length=200, description="Why, for the record")


class NewTopUp(_Request):
    stream_id: UUID
    amount_pence: Pence
    note: str = Field(default="", max_length=120)


class NewCommitment(_Request):
    description: str = Field(min_length=1, max_length=200)
    amount_pence: Pence
    schedule: Schedule
    starts_on: date
    ends_on: date | None = None


# --- responses ------------------------------------------------------------------------


class FiguresOut(BaseModel):
    """Received = available + held + spent, for a stream or the whole budget."""

    received_pence: int = Field(description="Paid in so far (funding, top-ups, increases)")
    held_pence: int = Field(description="Committed to booked services, not yet paid")
    spent_pence: int
    available_pence: int = Field(description="Free to commit now")
    currency: Currency = "GBP"


class StreamOut(BaseModel):
    id: UUID
    funding_type: str
    name: str
    instalment_pence: int
    currency: Currency = "GBP"
    schedule: Schedule
    first_payment_on: date
    ends_on: date | None
    allowed_categories: list[str] | None = Field(description="null: any kind of service")
    top_ups_allowed: bool
    figures: FiguresOut


class StreamsPage(BaseModel):
    items: list[StreamOut]
    next: str | None = None


class BudgetOut(BaseModel):
    id: UUID
    person_id: UUID
    period_start: date
    period_end: date
    status: str = Field(description="active or ended")
    ended_on: date | None
    created_at: datetime
    streams: list[StreamOut]
    total: FiguresOut


class BudgetsPage(BaseModel):
    items: list[BudgetOut]
    next: str | None = Field(description="URL of the next page, or null")


class StatementRowOut(BaseModel):
    entry_id: int
    effective_on: date
    recorded_at: datetime
    kind: str
    kind_label: str
    description: str
    stream_name: str
    received_pence: int
    committed_pence: int = Field(description="Change in held money")
    spent_pence: int
    available_change_pence: int
    currency: Currency = "GBP"


class StatementPage(BaseModel):
    items: list[StatementRowOut] = Field(description="Newest first")
    next: str | None = Field(description="URL of the next (older) page, or null")


class ForecastOut(BaseModel):
    today: date
    period_end: date
    available_now_pence: int
    still_to_arrive_pence: int
    planned_spending_pence: int
    end_balance_pence: int
    runs_out_on: date | None
    shortfall_pence: int
    underspend_pence: int
    will_overspend: bool
    currency: Currency = "GBP"


class HoldOut(BaseModel):
    id: UUID
    budget_id: UUID
    stream_id: UUID
    amount_pence: int
    posted_pence: int = Field(description="What was spent, once posted")
    currency: Currency = "GBP"
    category: str
    description: str
    reference: str | None
    status: str = Field(description="pending, posted or voided")
    created_at: datetime
    settled_at: datetime | None


class AdjustmentOut(BaseModel):
    kind: str
    budget_id: UUID
    stream_id: UUID | None
    amount_pence: int | None
    currency: Currency = "GBP"
    ends_on: date | None
    instalments_cancelled: int | None
    entry_id: int | None = Field(description="The statement entry, for increase and reduce")
    reason: str
    total: FiguresOut = Field(description="The budget's figures afterwards")


class TopUpOut(BaseModel):
    entry_id: int
    budget_id: UUID
    stream_id: UUID
    amount_pence: int
    currency: Currency = "GBP"
    total: FiguresOut = Field(description="The budget's figures afterwards")


class CommitmentOut(BaseModel):
    id: UUID
    budget_id: UUID
    description: str
    amount_pence: int
    currency: Currency = "GBP"
    schedule: Schedule
    starts_on: date
    ends_on: date | None
    cancelled_at: datetime | None
    created_at: datetime


class CommitmentsPage(BaseModel):
    items: list[CommitmentOut]
    next: str | None = None
