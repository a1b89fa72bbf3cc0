"""API shapes for orders, bookings, visits (sessions) and deliveries.

Requests forbid unknown fields (a typo such as ``quantiy`` must not be ignored) and take
whole numbers strictly. Answers give money as integer ``*_pence`` with its ``currency``,
instants as ISO 8601 in UTC, local dates as ``YYYY-MM-DD`` and local times as ``HH:MM``
(Europe/London, as the person chose them), and every id as a string.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StrictInt

from core.orders.placement import MAX_QUANTITY

Currency = Literal["GBP"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests -------------------------------------------------------------------------


class WeeklyPattern(_Request):
    """Every chosen day of the week, at the same local times, from ``first_date``."""

    days: list[Weekday] = Field(min_length=1, max_length=7, description='e.g. ["tue", "thu"]')
    start_time: time = Field(description="Local time, HH:MM")
    end_time: time = Field(description="Local time, HH:MM, after start_time")
    first_date: date = Field(description="Moves forward to the first chosen day on or after it")
    until: date | None = Field(default=None, description="The last day (default: no end)")
    skip_bank_holidays: StrictBool = False


class NewOrderLine(_Request):
    """One service: once (``on_date``, ``start_time``, ``end_time``) or ``weekly``."""

    service_id: UUID
    quantity: StrictInt = Field(
        default=1, ge=1, le=MAX_QUANTITY, description="Units (e.g. hours) per visit"
    )
    postcode: str | None = Field(
        default=None, max_length=10, description="Where the care is given, for the area price"
    )
    on_date: date | None = None
    start_time: time | None = Field(default=None, description="Local time, HH:MM")
    end_time: time | None = Field(default=None, description="Local time, HH:MM")
    weekly: WeeklyPattern | None = None
    stream_id: UUID | None = Field(
        default=None, description="The funding stream to pay (default: chosen automatically)"
    )


class NewOrder(_Request):
    person_id: UUID
    lines: list[NewOrderLine] = Field(min_length=1, max_length=50)


class Reason(_Request):
    reason: str = Field(min_length=1, max_length=1_000, description="Plain words, for the record")


class NewDelivery(_Request):
    """A timesheet row for one visit."""

    session_id: UUID
    worker_name: str = Field(min_length=1, max_length=120)
    started_at: AwareDatetime = Field(description="ISO 8601 with an offset, e.g. ...T10:02:00Z")
    ended_at: AwareDatetime


# --- responses ------------------------------------------------------------------------


class ClientRef(BaseModel):
    client_id: str
    name: str


class SessionOut(BaseModel):
    """One visit of a booking."""

    id: UUID
    booking_id: UUID
    local_date: date
    starts_at: datetime
    ends_at: datetime
    amount_pence: int
    currency: Currency = "GBP"
    status: str = Field(description="scheduled, cancelled, delivered, confirmed or disputed")
    cancelled_at: datetime | None
    cancel_reason: str | None


class BookingOut(BaseModel):
    id: UUID
    order_id: UUID
    service_id: UUID
    service_title: str
    kind: str = Field(description="one_off or recurring")
    quantity: int
    unit: str
    unit_price_pence: int
    committed_pence: int = Field(description="Held from the budget when the order was placed")
    currency: Currency = "GBP"
    district: str | None
    starts_on: date
    ends_on: date | None = Field(description="null: until the budget period ends")
    start_time: str | None = Field(description="Local time, HH:MM")
    end_time: str | None
    rule: str | None = Field(description="Recurring only: RFC 5545 DTSTART and RRULE lines")
    stream_id: UUID | None = Field(description="The funding stream paying; null when free")
    status: str = Field(description="active, cancelled or ended")
    cancelled_at: datetime | None
    cancel_reason: str | None
    created_at: datetime
    sessions: list[SessionOut] | None = Field(
        default=None, description="The visits (only when one booking is asked for)"
    )


class OrderOut(BaseModel):
    id: UUID
    person_id: UUID
    store_id: UUID
    store_name: str
    status: str = Field(description="placed, accepted, declined, expired, cancelled or completed")
    acting_as: str = Field(description="Who placed it for the person: self, circle or broker")
    placed_by_client: ClientRef | None = Field(description="The API client that placed it")
    respond_by: datetime = Field(description="The provider must accept or decline by then")
    decided_at: datetime | None
    decline_reason: str | None
    total_pence: int
    currency: Currency = "GBP"
    created_at: datetime
    bookings: list[BookingOut]


class OrdersPage(BaseModel):
    items: list[OrderOut]
    next: str | None = Field(description="URL of the next page, or null")


class PlacedOrdersOut(BaseModel):
    """One order per provider store, all placed together."""

    orders: list[OrderOut]
    total_pence: int
    currency: Currency = "GBP"


class BookingsPage(BaseModel):
    items: list[BookingOut]
    next: str | None = Field(description="URL of the next page, or null")


class CancelledOut(BaseModel):
    booking: BookingOut
    cancelled_sessions: int = Field(description="How many visits were cancelled")
    released_pence: int = Field(description="Money returned to the budget")
    currency: Currency = "GBP"


class DeliveryOut(BaseModel):
    id: UUID
    session_id: UUID
    booking_id: UUID
    order_id: UUID
    store_id: UUID
    worker_name: str
    started_at: datetime
    ended_at: datetime
    status: str = Field(description="recorded, confirmed, disputed or auto_confirmed")
    confirmed_at: datetime | None
    dispute_reason: str | None
    created_at: datetime


class DeliveriesPage(BaseModel):
    items: list[DeliveryOut]
    next: str | None = Field(description="URL of the next page, or null")
