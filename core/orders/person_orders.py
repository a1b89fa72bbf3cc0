"""A person's orders as their pages show them: newest first, with each booking's pattern,
its visits so far and who placed the order for them.

Lookups go through ``core.orders.access``: the person, their circle and their broker see
an order (permission to see the budget); anyone else gets NotFound.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from core.clock import long_date, uk_time_words, utcnow
from core.identity.actor import Actor
from core.identity.models import Membership
from core.identity.roles import Permission
from core.orders.access import order_for_person_side, person_side
from core.orders.models import (
    ActingAs,
    Booking,
    BookingKind,
    BookingSession,
    Order,
    OrderStatus,
    SessionStatus,
)
from core.orders.recurrence import Recurrence, UnsupportedRule, describe

STATUS_WORDS = {
    OrderStatus.PLACED: "Waiting for the provider",
    OrderStatus.ACCEPTED: "Accepted",
    OrderStatus.DECLINED: "Declined",
    OrderStatus.EXPIRED: "Not answered in time",
    OrderStatus.CANCELLED: "Cancelled",
    OrderStatus.COMPLETED: "Completed",
}

STATUS_TAGS = {
    OrderStatus.PLACED: "govuk-tag--yellow",
    OrderStatus.ACCEPTED: "govuk-tag--green",
    OrderStatus.DECLINED: "govuk-tag--red",
    OrderStatus.EXPIRED: "govuk-tag--grey",
    OrderStatus.CANCELLED: "govuk-tag--grey",
    OrderStatus.COMPLETED: "govuk-tag--blue",
}

SESSION_WORDS = {
    SessionStatus.SCHEDULED: "planned",
    SessionStatus.DELIVERED: "done, waiting for you to confirm",
    SessionStatus.CONFIRMED: "confirmed",
    SessionStatus.DISPUTED: "disputed",
    SessionStatus.CANCELLED: "cancelled",
}


async def orders_of(actor: Actor, person: Membership) -> list[Order]:
    """The person's orders, newest first, with their stores."""
    person = await person_side(actor, person, Permission.VIEW_BUDGET)
    return list(
        await Order.filter(tenant_id=person.tenant_id, person_id=person.id)  # type: ignore[attr-defined]
        .order_by("-created_at", "-id")
        .prefetch_related("store")
    )


@dataclass
class BookingView:
    booking: Booking
    when: str
    visit_counts: list[tuple[str, int]]
    next_visit: BookingSession | None = None


@dataclass
class OrderView:
    order: Order
    bookings: list[BookingView] = field(default_factory=list)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.order.status]

    @property
    def waiting(self) -> bool:
        return self.order.status == OrderStatus.PLACED and self.order.respond_by > utcnow()

    @property
    def answer_by(self) -> str:
        return uk_time_words(self.order.respond_by)

    @property
    def placed_by_words(self) -> str:
        order = self.order
        if order.acting_as == ActingAs.SELF:
            return "The person, for themselves"
        who = order.placed_by.user.display_name
        role = "their broker" if order.acting_as == ActingAs.BROKER else "their circle of support"
        return f"{who} ({role})"


def booking_when(booking: Booking) -> str:
    """A booking's date and time, or its weekly pattern, in words."""
    if booking.kind == BookingKind.RECURRING and booking.rule:
        try:
            return describe(Recurrence.from_rfc5545(booking.rule))
        except UnsupportedRule:
            return f"Weekly from {long_date(booking.starts_on)}"
    return f"{long_date(booking.starts_on)}, {booking.start_time} to {booking.end_time}"


async def order_view(actor: Actor, order_id: Any) -> OrderView:
    """One order for its person's side: bookings, pattern, visits so far."""
    order = await order_for_person_side(actor, order_id, Permission.VIEW_BUDGET)
    bookings = list(
        await Booking.filter(order_id=order.id, tenant_id=order.tenant_id)
        .order_by("created_at", "id")
        .prefetch_related("service", "stream")
    )
    sessions = list(
        await BookingSession.filter(
            booking_id__in=[b.id for b in bookings] or [None], tenant_id=order.tenant_id
        ).order_by("starts_at")
    )
    now = utcnow()
    views = []
    for booking in bookings:
        own = [s for s in sessions if s.booking_id == booking.id]  # type: ignore[attr-defined]
        counts = Counter(s.status for s in own)
        upcoming = next(
            (s for s in own if s.status == SessionStatus.SCHEDULED and s.starts_at > now), None
        )
        views.append(
            BookingView(
                booking,
                booking_when(booking),
                [(words, counts[s]) for s, words in SESSION_WORDS.items() if counts[s]],
                upcoming,
            )
        )
    return OrderView(order, views)
