"""Changing bookings after they are placed: the person's side cancels a visit or a whole
booking (the money not needed any more goes back to the budget at once), and the
provider proposes a new date or time, which applies only when the person accepts it.

Money: a booking's ``committed_pence`` is what its ledger hold still covers (every visit
up to its end or the end of the budget period, including recurring visits not yet made
into sessions). Cancelling releases exactly the part no longer payable, in the same
transaction as the status change and the audit event.

Races: every change starts with a conditional update of the booking row (still active,
enough committed), so on PostgreSQL two changes to one booking queue on its row lock; a
visit is cancelled by ``... WHERE status = 'scheduled'``, so two cancellations of one
visit release its money once, and the ledger's own guarded update
(``release_part_of_hold``) can never give back more than is held.

Notice: a visit starting within the council's ``notice_hours`` (``OrderingPolicy``)
cannot be cancelled here; the person is told to contact the provider.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import long_date, uk_time_words, uk_today, utcnow
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.ledger.holds import release_part_of_hold, void_hold
from core.ledger.models import Hold, HoldStatus
from core.marketplace.providers import EDITORS
from core.orders.access import (
    booking_for_person_side,
    booking_for_provider,
    session_for_person_side,
)
from core.orders.models import (
    Booking,
    BookingKind,
    BookingSession,
    BookingStatus,
    ChangeProposal,
    Order,
    OrderStatus,
    ProposalStatus,
    SessionStatus,
)
from core.orders.notices import provider_team, tell_member, tell_provider
from core.orders.policy import OrderingPolicy
from core.orders.recurrence import LONDON, Recurrence, RecurrenceError

MAX_REASON = 1_000
MAX_MESSAGE = 2_000
LIVE_ORDERS = (OrderStatus.PLACED, OrderStatus.ACCEPTED)
# Visits whose money stays committed when a booking is cancelled.
PAYABLE = (SessionStatus.DELIVERED, SessionStatus.CONFIRMED, SessionStatus.DISPUTED)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class TooLateToCancel(Conflict):
    """The visit starts within the council's notice period: only the provider can help."""


@dataclass
class CancelResult:
    booking: Booking
    cancelled_sessions: int
    released_pence: int


# --- cancelling --------------------------------------------------------------------------------


def notice_refusal(provider_name: str, notice_hours: int) -> str:
    """The plain words shown instead of a cancel button inside the notice period."""
    hours = f"{notice_hours} hour" if notice_hours == 1 else f"{notice_hours} hours"
    return (
        f"Visits need {hours}' notice to cancel. Please contact {provider_name} "
        "to talk about this visit."
    )


def may_cancel(session: BookingSession, ordering: OrderingPolicy, now: datetime) -> bool:
    """Whether the person's side may cancel this visit now (scheduled, outside notice)."""
    return session.status == SessionStatus.SCHEDULED and session.starts_at >= now + timedelta(
        hours=ordering.notice_hours
    )


async def cancel_session(
    actor: Actor, session_id: Any, reason: str, *, ordering: OrderingPolicy
) -> CancelResult:
    """Cancel one future visit and give its money back to the budget.

    Raises NotFound (unseen), PermissionDenied (may see, may not spend), TooLateToCancel
    (inside the notice period) or Conflict (already cancelled, delivered or started).
    """
    found = await session_for_person_side(actor, session_id, Permission.SPEND_BUDGET)
    booking = found.booking
    order, store = booking.order, booking.order.store
    reason = _reason(reason)
    now = utcnow()
    _check_live(booking)
    if found.status != SessionStatus.SCHEDULED:
        raise Conflict(f"This visit cannot be cancelled: it is {found.status.value}.")
    if found.starts_at <= now:
        raise Conflict("This visit has already started, so it cannot be cancelled.")
    if not may_cancel(found, ordering, now):
        raise TooLateToCancel(notice_refusal(store.name, ordering.notice_hours))
    amount = found.amount_pence
    async with in_transaction():
        # The booking row first: it queues this change behind any other on the booking.
        locked = await Booking.filter(
            id=booking.id, status=BookingStatus.ACTIVE, committed_pence__gte=amount
        ).update(committed_pence=F("committed_pence") - amount, updated_at=now)
        if not locked:
            raise Conflict("This booking has changed. Please look at it again.")
        claimed = await BookingSession.filter(id=found.id, status=SessionStatus.SCHEDULED).update(
            status=SessionStatus.CANCELLED, cancelled_at=now, cancel_reason=reason or None
        )
        if not claimed:
            raise Conflict("This visit has already been cancelled.")
        await ChangeProposal.filter(session_id=found.id, status=ProposalStatus.PROPOSED).update(
            status=ProposalStatus.WITHDRAWN, decided_at=now
        )
        released = 0
        if booking.hold_id is not None and amount > 0:  # type: ignore[attr-defined]
            await release_part_of_hold(
                booking.hold_id,  # type: ignore[attr-defined]
                booking.tenant_id,
                amount,
                f"visit on {long_date(found.local_date)} cancelled",
                actor.audit_label,
            )
            released = amount
        if booking.kind == BookingKind.ONE_OFF:
            await Booking.filter(id=booking.id, status=BookingStatus.ACTIVE).update(
                status=BookingStatus.CANCELLED,
                cancelled_at=now,
                cancel_reason=reason or None,
                updated_at=now,
            )
            await _close_order_if_all_cancelled(order, now)
        when = uk_time_words(found.starts_at)
        person = order.person
        await tell_provider(
            booking.tenant_id,
            store,
            "session_cancelled",
            f"{person.user.display_name} has cancelled a visit",
            f"The visit for {booking.service.title} at {when} has been cancelled"
            + (f": {reason}." if reason else "."),
            f"/provider/bookings/{booking.id}",
        )
        await record(
            booking.tenant_id,
            AuditAction.SESSION_CANCELLED,
            actor,
            target_type="session",
            target_id=found.id,
            target_label=f"{booking.service.title} at {when} for {person.user.display_name}",
            details={
                "booking_id": booking.id,
                "person_id": person.id,
                "reason": reason,
                "released_pence": released,
            },
        )
    fresh = await Booking.get(id=booking.id)
    return CancelResult(booking=fresh, cancelled_sessions=1, released_pence=released)


@dataclass
class CancelPreview:
    """What cancelling the whole booking now would do, for the confirmation page."""

    cancelled_sessions: int
    kept_sessions: int
    released_pence: int


async def preview_cancel_booking(
    actor: Actor, booking_id: Any, *, ordering: OrderingPolicy
) -> CancelPreview:
    """How many visits would be cancelled and how much returned (writes nothing)."""
    booking = await booking_for_person_side(actor, booking_id, Permission.SPEND_BUDGET)
    _check_live(booking)
    sessions = list(await BookingSession.filter(booking_id=booking.id))
    cancel, kept = _split(sessions, utcnow() + timedelta(hours=ordering.notice_hours))
    kept_pence = sum(s.amount_pence for s in kept)
    return CancelPreview(len(cancel), len(kept), max(booking.committed_pence - kept_pence, 0))


async def cancel_booking(
    actor: Actor, booking_id: Any, reason: str, *, ordering: OrderingPolicy
) -> CancelResult:
    """Cancel every visit not yet delivered that starts after the notice period, including
    recurring visits not yet made, and give back all the money not still payable."""
    booking = await booking_for_person_side(actor, booking_id, Permission.SPEND_BUDGET)
    order, store, person = booking.order, booking.order.store, booking.order.person
    reason = _reason(reason)
    _check_live(booking)
    now = utcnow()
    cutoff = now + timedelta(hours=ordering.notice_hours)
    async with in_transaction():
        claimed = await Booking.filter(id=booking.id, status=BookingStatus.ACTIVE).update(
            status=BookingStatus.CANCELLED,
            cancelled_at=now,
            cancel_reason=reason or None,
            updated_at=now,
        )
        if not claimed:
            raise Conflict("This booking has already been cancelled.")
        current = await Booking.get(id=booking.id)  # read after the row lock
        sessions = list(await BookingSession.filter(booking_id=booking.id))
        cancel, kept = _split(sessions, cutoff)
        cancelled = 0
        if cancel:
            cancelled = await BookingSession.filter(
                id__in=[s.id for s in cancel], status=SessionStatus.SCHEDULED
            ).update(status=SessionStatus.CANCELLED, cancelled_at=now, cancel_reason=reason or None)
        await ChangeProposal.filter(booking_id=booking.id, status=ProposalStatus.PROPOSED).update(
            status=ProposalStatus.WITHDRAWN, decided_at=now
        )
        kept_pence = sum(s.amount_pence for s in kept)
        released = max(current.committed_pence - kept_pence, 0)
        why = "booking cancelled"
        hold = (
            await Hold.get_or_none(id=current.hold_id)  # type: ignore[attr-defined]
            if current.hold_id is not None  # type: ignore[attr-defined]
            else None
        )
        if hold is None or hold.status != HoldStatus.PENDING:
            released = 0  # free, or every visit was cancelled one by one already
        elif not kept:
            await void_hold(hold.id, current.tenant_id, why, actor.audit_label)
            released = hold.amount_pence
        elif released > 0:
            await release_part_of_hold(hold.id, current.tenant_id, released, why, actor.audit_label)
        last_kept = max((s.local_date for s in kept), default=None)
        await Booking.filter(id=booking.id).update(
            committed_pence=kept_pence if current.hold_id is not None else 0,  # type: ignore[attr-defined]
            ends_on=last_kept if last_kept is not None else current.ends_on,
        )
        await _close_order_if_all_cancelled(order, now)
        kept_words = (
            f" {len(kept)} visit{'s' if len(kept) != 1 else ''} already done or too soon to "
            "cancel still go ahead."
            if kept
            else ""
        )
        await tell_provider(
            booking.tenant_id,
            store,
            "booking_cancelled",
            f"{person.user.display_name} has cancelled a booking",
            f"The booking for {booking.service.title} has been cancelled"
            + (f": {reason}." if reason else ".")
            + kept_words,
            f"/provider/bookings/{booking.id}",
        )
        await record(
            booking.tenant_id,
            AuditAction.BOOKING_CANCELLED,
            actor,
            target_type="booking",
            target_id=booking.id,
            target_label=f"{booking.service.title} for {person.user.display_name}",
            details={
                "person_id": person.id,
                "reason": reason,
                "released_pence": released,
                "cancelled_sessions": cancelled,
                "kept_sessions": len(kept),
            },
        )
    fresh = await Booking.get(id=booking.id)
    return CancelResult(booking=fresh, cancelled_sessions=cancelled, released_pence=released)


def _split(
    sessions: list[BookingSession], cutoff: datetime
) -> tuple[list[BookingSession], list[BookingSession]]:
    """(to cancel, still payable): scheduled visits after the cutoff are cancelled;
    delivered, confirmed, disputed and too-soon or started scheduled visits are kept."""
    cancel = [s for s in sessions if s.status == SessionStatus.SCHEDULED and s.starts_at >= cutoff]
    kept = [
        s
        for s in sessions
        if s.status in PAYABLE or (s.status == SessionStatus.SCHEDULED and s.starts_at < cutoff)
    ]
    return cancel, kept


async def _close_order_if_all_cancelled(order: Order, now: datetime) -> None:
    """An order whose bookings are all cancelled, with no visit left to pay for, is
    cancelled too. Visits kept (done, or too soon to cancel) keep the order live so they
    can still be delivered and paid."""
    bookings = list(await Booking.filter(order_id=order.id))
    live = [b for b in bookings if b.status != BookingStatus.CANCELLED or b.committed_pence > 0]
    if not live:
        await Order.filter(id=order.id, status__in=LIVE_ORDERS).update(
            status=OrderStatus.CANCELLED, updated_at=now
        )


def _check_live(booking: Booking) -> None:
    if booking.order.status not in LIVE_ORDERS:
        raise Conflict(f"This order is {booking.order.status.value}, so it cannot be changed.")
    if booking.status != BookingStatus.ACTIVE:
        raise Conflict(f"This booking is {booking.status.value}, so it cannot be changed.")


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            "the reason is too long",
            [FieldProblem("reason", f"Keep the reason to {MAX_REASON} characters or fewer")],
        )
    return reason


# --- change proposals ----------------------------------------------------------------------------


async def propose_change(
    actor: Actor,
    booking_id: Any,
    *,
    session_id: Any = None,
    new_date: date | None = None,
    new_start_time: str | None = None,
    new_end_time: str | None = None,
    message: str = "",
) -> ChangeProposal:
    """The provider suggests a new date or times for one visit, or new times for every
    future visit of the booking. Nothing changes until the person accepts."""
    booking = await booking_for_provider(actor, booking_id, EDITORS)
    _check_live(booking)
    problems: list[FieldProblem] = []
    start = _hhmm(new_start_time, "new_start_time", "start", problems)
    end = _hhmm(new_end_time, "new_end_time", "finish", problems)
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        problems.append(
            FieldProblem("message", f"Keep the message to {MAX_MESSAGE} characters or fewer")
        )
    session: BookingSession | None = None
    if session_id not in (None, ""):
        uid = parse_uuid(session_id)
        session = await BookingSession.get_or_none(id=uid, booking_id=booking.id) if uid else None
        if session is None:
            problems.append(FieldProblem("session_id", "Choose one of this booking's visits"))
        elif session.status != SessionStatus.SCHEDULED or session.starts_at <= utcnow():
            problems.append(FieldProblem("session_id", "Choose a visit that has not happened yet"))
    elif new_date is not None:
        problems.append(FieldProblem("session_id", "Choose the visit to move to another date"))
    if new_date is None and start is None and end is None and not problems:
        problems.append(FieldProblem("new_start_time", "Enter a new date or new times"))
    await booking.order.fetch_related("budget")
    if new_date is not None:
        if new_date < uk_today():
            problems.append(FieldProblem("new_date", "The new date cannot be in the past"))
        elif new_date > booking.order.budget.period_end:
            problems.append(
                FieldProblem(
                    "new_date",
                    "The new date must be by "
                    f"{long_date(booking.order.budget.period_end)}, when the budget ends",
                )
            )
    if not problems:
        old_start, old_end = _current_times(booking, session)
        final_start, final_end = start or old_start, end or old_end
        if (final_start is None) != (final_end is None) or (
            session is None and final_start is None
        ):
            problems.append(FieldProblem("new_end_time", "Enter both a start and a finish time"))
        elif final_start is not None and final_end is not None and final_end <= final_start:
            problems.append(
                FieldProblem("new_end_time", "The finish time must be after the start time")
            )
        if session is not None and not problems:
            day = new_date or session.local_date
            if final_start is not None and _at(day, final_start) <= utcnow():
                problems.append(FieldProblem("new_date", "The new time has already passed"))
    if problems:
        raise InvalidInput("some details of the change need looking at", problems)
    person = booking.order.person
    async with in_transaction():
        # Lock the booking so two proposals at once cannot both be open.
        await Booking.filter(id=booking.id).select_for_update().first()
        open_ones = ChangeProposal.filter(booking_id=booking.id, status=ProposalStatus.PROPOSED)
        open_ones = (
            open_ones.filter(session_id=session.id)
            if session is not None
            else open_ones.filter(session_id__isnull=True)
        )
        if await open_ones.exists():
            raise Conflict(
                "There is already a change waiting for an answer. Wait for the answer first."
            )
        proposal = await ChangeProposal.create(
            tenant_id=booking.tenant_id,
            booking=booking,
            session=session,
            proposed_by_id=await _proposer_id(actor, booking),
            new_date=new_date,
            new_start_time=_fmt(start),
            new_end_time=_fmt(end),
            message=message,
        )
        words = await proposal_words(proposal, booking, session)
        title = f"{booking.order.store.name} would like to change a booking"
        body = (
            f"{booking.order.store.name} would like to change {booking.service.title}: "
            f"{words}."
            + (f' They say: "{message}"' if message else "")
            + " Please accept or turn down the change."
        )
        await tell_member(
            booking.tenant_id, person, "change_proposed", title, body, f"/bookings/{booking.id}"
        )
        await record(
            booking.tenant_id,
            AuditAction.CHANGE_PROPOSED,
            actor,
            target_type="booking",
            target_id=booking.id,
            target_label=f"{booking.service.title} for {person.user.display_name}",
            details={
                "proposal_id": proposal.id,
                "session_id": session.id if session else None,
                "new_date": new_date.isoformat() if new_date else None,
                "new_start_time": proposal.new_start_time,
                "new_end_time": proposal.new_end_time,
            },
        )
    return proposal


async def accept_proposal(actor: Actor, proposal_id: Any) -> ChangeProposal:
    """The person's side agrees: the visit (or every future visit) moves. The price per
    visit, and so the money set aside, stays the same."""
    proposal, booking = await _proposal_for_person(actor, proposal_id)
    _check_live(booking)
    now = utcnow()
    session = (
        await BookingSession.get_or_none(id=proposal.session_id)  # type: ignore[attr-defined]
        if proposal.session_id is not None  # type: ignore[attr-defined]
        else None
    )
    try:
        async with in_transaction():
            await _decide(proposal, actor, ProposalStatus.ACCEPTED, now)
            if session is not None:
                await _move_session(proposal, session, now)
            else:
                await _change_times(proposal, booking, now)
            words = await proposal_words(proposal, booking, session)
            person = booking.order.person
            await tell_provider(
                booking.tenant_id,
                booking.order.store,
                "change_accepted",
                f"{person.user.display_name} has accepted your change",
                f"The change to {booking.service.title} is agreed: {words}.",
                f"/provider/bookings/{booking.id}",
            )
            await record(
                booking.tenant_id,
                AuditAction.CHANGE_ACCEPTED,
                actor,
                target_type="booking",
                target_id=booking.id,
                target_label=f"{booking.service.title} for {person.user.display_name}",
                details={"proposal_id": proposal.id, "session_id": proposal.session_id},  # type: ignore[attr-defined]
            )
    except IntegrityError as clash:
        raise Conflict(
            "There is already a visit at that time, so the change cannot be made."
        ) from clash
    return await ChangeProposal.get(id=proposal.id)


async def reject_proposal(actor: Actor, proposal_id: Any, reason: str = "") -> ChangeProposal:
    """The person's side turns the change down; the booking stays as it was."""
    proposal, booking = await _proposal_for_person(actor, proposal_id)
    reason = _reason(reason)
    now = utcnow()
    session = (
        await BookingSession.get_or_none(id=proposal.session_id)  # type: ignore[attr-defined]
        if proposal.session_id is not None  # type: ignore[attr-defined]
        else None
    )
    async with in_transaction():
        await _decide(proposal, actor, ProposalStatus.REJECTED, now)
        words = await proposal_words(proposal, booking, session)
        person = booking.order.person
        await tell_provider(
            booking.tenant_id,
            booking.order.store,
            "change_rejected",
            f"{person.user.display_name} has turned down your change",
            f"The change to {booking.service.title} ({words}) was turned down"
            + (f": {reason}." if reason else ".")
            + " The booking stays as it was.",
            f"/provider/bookings/{booking.id}",
        )
        await record(
            booking.tenant_id,
            AuditAction.CHANGE_REJECTED,
            actor,
            target_type="booking",
            target_id=booking.id,
            target_label=f"{booking.service.title} for {person.user.display_name}",
            details={"proposal_id": proposal.id, "reason": reason},
        )
    return await ChangeProposal.get(id=proposal.id)


async def _proposer_id(actor: Actor, booking: Booking) -> Any:
    """Who proposed it: the signed-in team member, or for the provider's own system (an
    API client, with no membership) the first of the store's team here."""
    if actor.membership is not None:
        return actor.membership.id
    team = await provider_team(booking.tenant_id, booking.order.store)
    if not team:
        raise Conflict("This provider has nobody in its team here to send the change from.")
    return sorted(team, key=lambda member: str(member.id))[0].id


async def open_proposals(booking: Booking) -> list[ChangeProposal]:
    """Changes waiting for the person's answer, oldest first, with their visit."""
    return list(
        await ChangeProposal.filter(booking_id=booking.id, status=ProposalStatus.PROPOSED)
        .order_by("created_at")
        .prefetch_related("session")
    )


async def proposal_words(
    proposal: ChangeProposal, booking: Booking, session: BookingSession | None
) -> str:
    """The change in plain words: "the visit on 3 March 2026 moves to 4 March 2026, 11:00
    to 13:00" or "every visit from now on will be 11:00 to 13:00"."""
    if session is not None:
        old_start, old_end = _current_times(booking, session)
        start = _parse(proposal.new_start_time) or old_start
        end = _parse(proposal.new_end_time) or old_end
        day = proposal.new_date or session.local_date
        times = f", {_fmt(start)} to {_fmt(end)}" if start and end else ""
        return f"the visit on {long_date(session.local_date)} moves to {long_date(day)}{times}"
    start = _parse(proposal.new_start_time) or _parse(booking.start_time)
    end = _parse(proposal.new_end_time) or _parse(booking.end_time)
    return f"every visit from now on will be {_fmt(start)} to {_fmt(end)}"


async def _proposal_for_person(actor: Actor, proposal_id: Any) -> tuple[ChangeProposal, Booking]:
    uid = parse_uuid(proposal_id)
    if actor.tenant is None or uid is None:
        raise NotFound("no such change")
    proposal = await ChangeProposal.get_or_none(id=uid, tenant_id=actor.tenant.id)
    if proposal is None:
        raise NotFound("no such change")
    booking = await booking_for_person_side(
        actor,
        proposal.booking_id,  # type: ignore[attr-defined]
        Permission.SPEND_BUDGET,
    )
    return proposal, booking


async def _decide(
    proposal: ChangeProposal, actor: Actor, status: ProposalStatus, now: datetime
) -> None:
    changed = await ChangeProposal.filter(id=proposal.id, status=ProposalStatus.PROPOSED).update(
        status=status,
        decided_at=now,
        decided_by_id=actor.membership.id if actor.membership else None,
    )
    if not changed:
        current = await ChangeProposal.get(id=proposal.id)
        raise Conflict(f"This change has already been {current.status.value}.")


async def _move_session(proposal: ChangeProposal, session: BookingSession, now: datetime) -> None:
    booking = await Booking.get(id=session.booking_id)  # type: ignore[attr-defined]
    old_start, old_end = _current_times(booking, session)
    day = proposal.new_date or session.local_date
    start = _parse(proposal.new_start_time) or old_start
    end = _parse(proposal.new_end_time) or old_end
    if start is None or end is None:  # a whole-day visit moves day
        starts_at = datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)
        ends_at = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)
    else:
        starts_at, ends_at = _at(day, start), _at(day, end)
    moved = await BookingSession.filter(
        id=session.id, status=SessionStatus.SCHEDULED, starts_at__gt=now
    ).update(local_date=day, starts_at=starts_at, ends_at=ends_at)
    if not moved:
        raise Conflict("This visit has changed since the change was proposed.")
    if booking.kind == BookingKind.ONE_OFF:
        await Booking.filter(id=booking.id).update(
            starts_on=day, ends_on=day, start_time=_fmt(start), end_time=_fmt(end), updated_at=now
        )


async def _change_times(proposal: ChangeProposal, booking: Booking, now: datetime) -> None:
    """New times for the booking, its rule and every visit still to come."""
    start = _parse(proposal.new_start_time) or _parse(booking.start_time)
    end = _parse(proposal.new_end_time) or _parse(booking.end_time)
    if start is None or end is None or end <= start:
        raise Conflict("The new times do not fit this booking.")
    rule = booking.rule
    if booking.kind == BookingKind.RECURRING and rule:
        try:
            recurrence = Recurrence.from_rfc5545(rule)
            rule = dataclasses.replace(recurrence, start_time=start, end_time=end).to_rfc5545()
        except RecurrenceError as unreadable:
            raise Conflict("This booking's pattern cannot be changed here.") from unreadable
    await Booking.filter(id=booking.id).update(
        start_time=_fmt(start), end_time=_fmt(end), rule=rule, updated_at=now
    )
    for session in await BookingSession.filter(
        booking_id=booking.id, status=SessionStatus.SCHEDULED, starts_at__gt=now
    ):
        await BookingSession.filter(id=session.id, status=SessionStatus.SCHEDULED).update(
            starts_at=_at(session.local_date, start), ends_at=_at(session.local_date, end)
        )


def _current_times(
    booking: Booking, session: BookingSession | None
) -> tuple[time | None, time | None]:
    """The local start and finish of the visit (or the booking), as it is now."""
    if session is not None:
        if booking.start_time is None and booking.end_time is None:
            return None, None
        start = session.starts_at.astimezone(LONDON)
        end = session.ends_at.astimezone(LONDON)
        return time(start.hour, start.minute), time(end.hour, end.minute)
    return _parse(booking.start_time), _parse(booking.end_time)


def _at(day: date, at: time) -> datetime:
    """London wall time to UTC; a time that happens twice means the first (BST)."""
    return datetime.combine(day, at, tzinfo=LONDON).replace(fold=0).astimezone(UTC)


def _hhmm(value: str | None, field: str, which: str, problems: list[FieldProblem]) -> time | None:
    if value is None or not str(value).strip():
        return None
    match = _TIME.match(str(value).strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        problems.append(FieldProblem(field, f"Enter the {which} time like 09:30"))
        return None
    return time(int(match[1]), int(match[2]))


def _parse(value: str | None) -> time | None:
    if not value:
        return None
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes))


def _fmt(value: time | None) -> str | None:
    return None if value is None else f"{value.hour:02d}:{value.minute:02d}"
