"""Ordering and bookings: baskets, orders, one-off and recurring bookings, their sessions,
deliveries, change proposals, bulk scheduling, enquiries and in-app notifications.

Money is integer pence in GBP, like the ledger. A booking's committed amount is held on one
funding stream of the person's budget (``core.ledger.holds``), and the database refuses a
negative amount or a quantity below one (migration 0011). Times of day a person chooses are
local wall times ("HH:MM", Europe/London), and every stored instant is an aware UTC datetime.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from core.marketplace.models import Unit


class ActingAs(StrEnum):
    """Who placed an order for the person: themselves, a circle member or their broker."""

    SELF = "self"
    CIRCLE = "circle"
    BROKER = "broker"


class OrderStatus(StrEnum):
    PLACED = "placed"  # waiting for the provider, until respond_by
    ACCEPTED = "accepted"
    DECLINED = "declined"  # hold released
    EXPIRED = "expired"  # the provider did not answer in time, hold released
    CANCELLED = "cancelled"
    COMPLETED = "completed"  # everything delivered and confirmed


class BookingKind(StrEnum):
    ONE_OFF = "one_off"
    RECURRING = "recurring"


class BookingStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    ENDED = "ended"


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    DELIVERED = "delivered"  # a timesheet is recorded, waiting for the person
    CONFIRMED = "confirmed"  # ready for invoicing
    DISPUTED = "disputed"


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class DeliveryStatus(StrEnum):
    RECORDED = "recorded"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    AUTO_CONFIRMED = "auto_confirmed"  # nobody disputed it within the council's days


class BulkRunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"


class BulkOutcome(StrEnum):
    PLACED = "placed"
    REFUSED = "refused"


class EnquiryStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class BasketItem(Model):
    """A service in a person's basket, not yet ordered.

    Exactly one of ``on_date`` (one-off) and ``rule`` (recurring, RFC 5545 lines) is set.
    ``stream`` null means choose automatically. The unit price is the one shown when it was
    added, for the district the price is for.
    """

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.CASCADE
    )
    added_by: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.CASCADE
    )
    service: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Service", related_name=False, on_delete=fields.CASCADE
    )
    quantity = fields.IntField(default=1)  # units per session
    on_date = fields.DateField(null=True)
    start_time = fields.CharField(max_length=5, null=True)  # "HH:MM", local
    end_time = fields.CharField(max_length=5, null=True)
    rule = fields.TextField(null=True)  # DTSTART and RRULE lines
    district = fields.CharField(max_length=4, null=True)  # null: the service's own price
    unit_price_pence = fields.BigIntField()
    currency = fields.CharField(max_length=3, default="GBP")
    stream: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.FundingStream", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "basket_item"
        indexes = (Index(fields=("tenant_id", "person_id"), name="basket_item_person"),)


class BulkRun(Model):
    """A broker's scheduling of one service for many people at once.

    Each order is held against that person's own budget, and each person's outcome is a
    ``BulkRunResult``.
    """

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    broker: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.RESTRICT
    )
    service: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Service", related_name=False, on_delete=fields.RESTRICT
    )
    quantity = fields.IntField(default=1)
    on_date = fields.DateField(null=True)
    start_time = fields.CharField(max_length=5, null=True)
    end_time = fields.CharField(max_length=5, null=True)
    rule = fields.TextField(null=True)
    status = fields.CharEnumField(BulkRunStatus, max_length=16, default=BulkRunStatus.RUNNING)
    placed_count = fields.IntField(default=0)
    refused_count = fields.IntField(default=0)
    idempotency_key = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    results: fields.ReverseRelation[BulkRunResult]

    class Meta:
        table = "bulk_run"
        unique_together = (("tenant_id", "idempotency_key"),)


class Order(Model):
    """What a person orders from one provider store, with its holds, in one transaction.

    The provider accepts or declines it before ``respond_by``, or it expires and its holds
    are released.
    """

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.RESTRICT
    )
    placed_by: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.RESTRICT
    )
    acting_as = fields.CharEnumField(ActingAs, max_length=16, default=ActingAs.SELF)
    # The partner system that placed it through the API, if one did.
    api_client: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.ApiClient", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    budget: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Budget", related_name="orders", on_delete=fields.RESTRICT
    )
    store: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Store", related_name="orders", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(OrderStatus, max_length=16, default=OrderStatus.PLACED)
    respond_by = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    decline_reason = fields.TextField(null=True)
    total_pence = fields.BigIntField()
    currency = fields.CharField(max_length=3, default="GBP")
    idempotency_key = fields.CharField(max_length=200, null=True)
    bulk_run: fields.ForeignKeyNullableRelation[BulkRun] = fields.ForeignKeyField(
        "carepurse.BulkRun", related_name="orders", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    bookings: fields.ReverseRelation[Booking]

    class Meta:
        table = "service_order"
        unique_together = (("tenant_id", "idempotency_key"),)
        indexes = (
            Index(fields=("tenant_id", "store_id", "status"), name="order_store_status"),
            Index(fields=("tenant_id", "person_id", "created_at"), name="order_person_created"),
            Index(fields=("status", "respond_by"), name="order_status_respond_by"),
        )


class Booking(Model):
    """One service in an order, booked once or on a recurring rule.

    A recurring rule (RFC 5545 text) is materialised into sessions by a periodic job, up to
    ``materialised_until``. The committed amount is held by ``hold`` on ``stream`` (both null
    only for a free service, where nothing is held).
    """

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "carepurse.Order", related_name="bookings", on_delete=fields.RESTRICT
    )
    service: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Service", related_name=False, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(BookingKind, max_length=16)
    quantity = fields.IntField(default=1)  # units per session
    unit = fields.CharEnumField(Unit, max_length=16)
    unit_price_pence = fields.BigIntField()
    currency = fields.CharField(max_length=3, default="GBP")
    district = fields.CharField(max_length=4, null=True)
    rule = fields.TextField(null=True)  # recurring only: DTSTART and RRULE lines
    starts_on = fields.DateField()
    ends_on = fields.DateField(null=True)  # null: until the budget period ends
    start_time = fields.CharField(max_length=5, null=True)  # "HH:MM", local
    end_time = fields.CharField(max_length=5, null=True)
    stream: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.FundingStream", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    hold: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Hold", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    committed_pence = fields.BigIntField(default=0)
    status = fields.CharEnumField(BookingStatus, max_length=16, default=BookingStatus.ACTIVE)
    materialised_until = fields.DateField(null=True)
    notice_hours = fields.IntField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    sessions: fields.ReverseRelation[BookingSession]
    proposals: fields.ReverseRelation[ChangeProposal]

    class Meta:
        table = "booking"
        indexes = (
            Index(fields=("status", "kind", "materialised_until"), name="booking_to_materialise"),
            # Every order page and API list reads its bookings by order (PostgreSQL does not
            # index a foreign key by itself).
            Index(fields=("order_id",), name="booking_order"),
        )


class BookingSession(Model):
    """One occurrence of a booking, in UTC, with the local date it falls on.

    Unique per booking and start, so materialising the same rule twice creates nothing twice.
    """

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    booking: fields.ForeignKeyRelation[Booking] = fields.ForeignKeyField(
        "carepurse.Booking", related_name="sessions", on_delete=fields.CASCADE
    )
    local_date = fields.DateField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    amount_pence = fields.BigIntField()
    currency = fields.CharField(max_length=3, default="GBP")
    status = fields.CharEnumField(SessionStatus, max_length=16, default=SessionStatus.SCHEDULED)
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    delivery: fields.BackwardOneToOneRelation[Delivery]

    class Meta:
        table = "booking_session"
        unique_together = (("booking", "starts_at"),)
        indexes = (
            Index(fields=("tenant_id", "status", "local_date"), name="booking_session_by_day"),
        )


class ChangeProposal(Model):
    """A provider's proposed change to a booking, applied only when the person accepts.

    With ``session`` set it changes that session only. Null fields keep their current value.
    """

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    booking: fields.ForeignKeyRelation[Booking] = fields.ForeignKeyField(
        "carepurse.Booking", related_name="proposals", on_delete=fields.CASCADE
    )
    session: fields.ForeignKeyNullableRelation[BookingSession] = fields.ForeignKeyField(
        "carepurse.BookingSession", related_name=False, null=True, on_delete=fields.CASCADE
    )
    proposed_by: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.RESTRICT
    )
    new_date = fields.DateField(null=True)
    new_start_time = fields.CharField(max_length=5, null=True)
    new_end_time = fields.CharField(max_length=5, null=True)
    new_rule = fields.TextField(null=True)
    new_quantity = fields.IntField(null=True)
    new_unit_price_pence = fields.BigIntField(null=True)
    currency = fields.CharField(max_length=3, default="GBP")
    message = fields.TextField(default="")
    status = fields.CharEnumField(ProposalStatus, max_length=16, default=ProposalStatus.PROPOSED)
    decided_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "change_proposal"
        indexes = (Index(fields=("booking_id", "status"), name="change_proposal_booking"),)


class Delivery(Model):
    """A timesheet row for one session: who worked, from when to when.

    The person or circle confirms or disputes it, or it is confirmed automatically after the
    council's number of days. A confirmed delivery is ready for invoicing.
    """

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    session: fields.OneToOneRelation[BookingSession] = fields.OneToOneField(
        "carepurse.BookingSession", related_name="delivery", on_delete=fields.RESTRICT
    )
    worker_name = fields.CharField(max_length=120)
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField()
    recorded_by: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.RECORDED)
    confirmed_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    confirmed_at = fields.DatetimeField(null=True)
    dispute_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "delivery"
        indexes = (Index(fields=("tenant_id", "status", "created_at"), name="delivery_by_status"),)


class BulkRunResult(Model):
    """What happened for one person in a bulk run: placed (with the order) or refused and why."""

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    run: fields.ForeignKeyRelation[BulkRun] = fields.ForeignKeyField(
        "carepurse.BulkRun", related_name="results", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.RESTRICT
    )
    outcome = fields.CharEnumField(BulkOutcome, max_length=16)
    reason = fields.TextField(default="")
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "carepurse.Order", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "bulk_run_result"
        unique_together = (("run", "person"),)


class Enquiry(Model):
    """A person's conversation with a provider about a service before ordering."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    service: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Service", related_name=False, on_delete=fields.CASCADE
    )
    store: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Store", related_name=False, on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.CASCADE
    )
    started_by: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.CASCADE
    )
    subject = fields.CharField(max_length=200)
    status = fields.CharEnumField(EnquiryStatus, max_length=16, default=EnquiryStatus.OPEN)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    messages: fields.ReverseRelation[EnquiryMessage]

    class Meta:
        table = "enquiry"
        indexes = (
            Index(fields=("tenant_id", "store_id", "status"), name="enquiry_store_status"),
            Index(fields=("tenant_id", "person_id"), name="enquiry_person"),
        )


class EnquiryMessage(Model):
    """One message in an enquiry, from the person's side or the provider's."""

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    enquiry: fields.ForeignKeyRelation[Enquiry] = fields.ForeignKeyField(
        "carepurse.Enquiry", related_name="messages", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.CASCADE
    )
    from_provider = fields.BooleanField(default=False)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "enquiry_message"
        ordering = ["created_at", "id"]
        indexes = (Index(fields=("enquiry_id", "created_at"), name="enquiry_message_thread"),)


class Notification(Model):
    """An in-app notice for one member (emails go through the outbox separately)."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    recipient: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=60)
    title = fields.CharField(max_length=200)
    body = fields.TextField(default="")
    link = fields.CharField(max_length=300, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        indexes = (Index(fields=("recipient_id", "read_at"), name="notification_unread"),)
