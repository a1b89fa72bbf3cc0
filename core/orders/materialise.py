"""Materialise bookings into sessions: the periodic job's work for one council and day.

A recurring booking is stored as a rule (``Booking.rule``, RFC 5545 text) and turned into
``BookingSession`` rows a horizon ahead, here 8 weeks: from the day after
``materialised_until`` (or the booking's first day) up to ``run_date + horizon_days``, the
booking's ``ends_on``, or, without one, the end of its budget's period, whichever comes first.
A one-off booking gets its single session as soon as the job sees it.

Safe to repeat and to retry after a crash:

- Sessions are inserted with ``ON CONFLICT DO NOTHING`` on the unique (booking, starts_at),
  so a session is never made twice.
- ``materialised_until`` is advanced first, conditionally on the value read (and on the
  booking still being active), in the same transaction as the sessions. Of two runs at once
  only one advances a booking (on PostgreSQL the other waits for the row lock, then finds the
  value changed and leaves it); a booking cancelled meanwhile is left alone.
- Bookings are read in id order, ``batch_size`` at a time, one transaction per batch, so a
  large council never holds one long transaction.

Visits the rule leaves out (bank holidays when the person asked, times that do not exist on
the spring-forward night, excluded dates) are not created; they are counted as ``skipped``.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from core.orders.models import (
    Booking,
    BookingKind,
    BookingSession,
    BookingStatus,
    OrderStatus,
    SessionStatus,
)
from core.orders.recurrence import (
    LONDON,
    WEEKDAYS,
    Expansion,
    Occurrence,
    Recurrence,
    RecurrenceError,
    expand,
)
from tenants.models import Tenant

logger = logging.getLogger(__name__)

HORIZON_DAYS = 56
BATCH_SIZE = 200

# Sessions are made for orders still waiting for the provider and accepted ones; a declined,
# expired or cancelled order's bookings get none even if their own status was not updated.
LIVE_ORDERS = (OrderStatus.PLACED, OrderStatus.ACCEPTED)


async def materialise_sessions(
    tenant_id: int,
    run_date: date,
    *,
    horizon_days: int = HORIZON_DAYS,
    batch_size: int = BATCH_SIZE,
) -> dict[str, Any]:
    """Create the council's missing sessions up to ``run_date + horizon_days``; a summary.

    ``run_date`` is a UK date. The summary counts the bookings advanced, the sessions
    created, the visits skipped (bank holidays, clock changes, excluded dates), the
    batches (transactions) and the bookings whose rule could not be read.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be 1 or more")
    tenant = await Tenant.get_or_none(id=tenant_id)
    if tenant is None or not tenant.is_active:
        logger.info("materialising sessions skipped: tenant %s is gone or suspended", tenant_id)
        return {"skipped": "tenant gone or suspended"}
    horizon = run_date + timedelta(days=horizon_days)
    summary = {"bookings": 0, "sessions_created": 0, "skipped": 0, "batches": 0, "unreadable": 0}
    due = (
        Booking.filter(
            tenant_id=tenant_id, status=BookingStatus.ACTIVE, order__status__in=LIVE_ORDERS
        )
        .filter(
            Q(kind=BookingKind.ONE_OFF, materialised_until__isnull=True)
            | Q(kind=BookingKind.RECURRING, materialised_until__isnull=True)
            | Q(
                # Not yet up to the horizon, nor (with an end date) up to its end already.
                Q(ends_on__isnull=True) | Q(materialised_until__lt=F("ends_on")),
                kind=BookingKind.RECURRING,
                materialised_until__lt=horizon,
            )
        )
        .order_by("id")
    )
    last_id = None
    while True:
        query = due if last_id is None else due.filter(id__gt=last_id)
        batch = await query.limit(batch_size).prefetch_related("order__budget")
        if not batch:
            break
        last_id = batch[-1].id
        async with in_transaction():
            for booking in batch:
                await _materialise_one(booking, horizon, summary)
        summary["batches"] += 1
        if len(batch) < batch_size:
            break
    return summary


async def materialise_new_bookings(
    bookings: list[Booking], run_date: date, *, horizon_days: int = HORIZON_DAYS
) -> dict[str, Any]:
    """Create the sessions of bookings just placed, in the caller's transaction, so the
    person and the provider see the visits at once (the daily job then carries on)."""
    horizon = run_date + timedelta(days=horizon_days)
    summary = {"bookings": 0, "sessions_created": 0, "skipped": 0, "batches": 0, "unreadable": 0}
    for booking in bookings:
        await booking.fetch_related("order__budget")
        await _materialise_one(booking, horizon, summary)
    return summary


async def _materialise_one(booking: Booking, horizon: date, summary: dict[str, Any]) -> None:
    """Advance one booking and create its sessions, inside the batch's transaction."""
    planned = _plan(booking, horizon, summary)
    if planned is None:
        return
    until, expansion = planned
    # Advance first: the conditional update takes the row lock on PostgreSQL, and a booking
    # someone else advanced (or cancelled) since we read it is left to them.
    advanced = await Booking.filter(
        id=booking.id,
        status=BookingStatus.ACTIVE,
        **(
            {"materialised_until__isnull": True}
            if booking.materialised_until is None
            else {"materialised_until": booking.materialised_until}
        ),
    ).update(materialised_until=until)
    if not advanced:
        return
    summary["bookings"] += 1
    summary["skipped"] += len(expansion.skipped)
    if not expansion.occurrences:
        return
    amount = booking.quantity * booking.unit_price_pence
    before = await BookingSession.filter(booking_id=booking.id).count()
    await BookingSession.bulk_create(
        [
            BookingSession(
                tenant_id=booking.tenant_id,
                booking_id=booking.id,
                local_date=occurrence.local_date,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                amount_pence=amount,
                currency=booking.currency,
                status=SessionStatus.SCHEDULED,
            )
            for occurrence in expansion.occurrences
        ],
        ignore_conflicts=True,
    )
    summary["sessions_created"] += (
        await BookingSession.filter(booking_id=booking.id).count() - before
    )


def _plan(
    booking: Booking, horizon: date, summary: dict[str, Any]
) -> tuple[date, Expansion] | None:
    """The new ``materialised_until`` and the visits up to it; ``None``: nothing to do."""
    try:
        if booking.kind == BookingKind.ONE_OFF:
            return booking.starts_on, _one_off(booking)
        if not booking.rule:
            raise RecurrenceError("a recurring booking without a rule")
        recurrence = Recurrence.from_rfc5545(booking.rule)
    except RecurrenceError as unreadable:
        logger.warning("booking %s not materialised: %s", booking.id, unreadable)
        summary["unreadable"] += 1
        return None
    start = (
        booking.materialised_until + timedelta(days=1)
        if booking.materialised_until is not None
        else booking.starts_on
    )
    end = min(horizon, _last_day(booking))
    if end < start:
        return None  # the booking has ended, or is materialised up to its end already
    return end, expand(recurrence, start, end)


def _last_day(booking: Booking) -> date:
    """``ends_on``, or without it the end of the budget period the booking is held on."""
    if booking.ends_on is not None:
        return booking.ends_on
    return booking.order.budget.period_end  # type: ignore[no-any-return]


def _one_off(booking: Booking) -> Expansion:
    """The one visit, as a one-time pattern, so a start in the clock-change gap is dropped."""
    if booking.start_time and booking.end_time:
        start, end = _parse_time(booking.start_time), _parse_time(booking.end_time)
        once = Recurrence(
            weekdays=frozenset({WEEKDAYS[booking.starts_on.weekday()]}),
            start_time=start,
            end_time=end,
            first_date=booking.starts_on,
            count=1,
        )
        return expand(once, booking.starts_on, booking.starts_on)
    # No times (a service by the day or by the item): the whole London day.
    day = booking.starts_on
    whole_day = Occurrence(
        local_date=day,
        starts_at=datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC),
        ends_at=datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC),
    )
    return Expansion([whole_day], [])


def _parse_time(value: str) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError as bad:
        raise RecurrenceError(f"{value!r} is not a time like 09:30") from bad
