"""Booking pages: the person's side sees a booking and its visits, cancels a visit or the
whole booking (each after an "are you sure" page that says how much comes back), and
accepts or turns down the provider's proposed changes; the provider proposes a change.

The services in ``core.orders.changes`` decide who may do what and hold the money rules;
these handlers read forms, call them and show refusals in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.clock import long_date, utcnow
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.permissions import person_permissions
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.ledger.money import pounds
from core.marketplace.providers import EDITORS
from core.orders import changes
from core.orders.access import booking_for_person_side, booking_for_provider
from core.orders.models import (
    Booking,
    BookingKind,
    BookingSession,
    ChangeProposal,
    Delivery,
    SessionStatus,
)
from core.orders.policy import OrderingPolicy, ordering_policy
from core.orders.recurrence import DAY_NAMES, LONDON, Recurrence, RecurrenceError, describe
from core.web.dates import optional_date
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.responses import render

STATUS_WORDS = {
    SessionStatus.SCHEDULED: ("Booked", "govuk-tag--blue"),
    SessionStatus.CANCELLED: ("Cancelled", "govuk-tag--grey"),
    SessionStatus.DELIVERED: ("Done, please check", "govuk-tag--yellow"),
    SessionStatus.CONFIRMED: ("Done", "govuk-tag--green"),
    SessionStatus.DISPUTED: ("Questioned", "govuk-tag--red"),
}
DONE = {
    "visit-cancelled": "The visit has been cancelled.",
    "booking-cancelled": "The booking has been cancelled.",
    "accepted": "You have accepted the change.",
    "rejected": "You have turned down the change. The booking stays as it was.",
}


@dataclass
class VisitRow:
    session: BookingSession
    when: str
    status: str
    tag: str
    may_cancel: bool
    refusal: str | None
    delivery_id: Any


@dataclass
class ProposalRow:
    proposal: ChangeProposal
    words: str


def _ordering(request: Request) -> OrderingPolicy:
    return ordering_policy(request.state.plugins)


def visit_words(session: BookingSession, with_times: bool = True) -> str:
    """``Tuesday 3 March 2026, 10:00 to 12:00`` in London time."""
    start = session.starts_at.astimezone(LONDON)
    end = session.ends_at.astimezone(LONDON)
    day = f"{DAY_NAMES[session.local_date.weekday()]} {long_date(session.local_date)}"
    if not with_times or (start.time() == end.time() and start.hour == 0):
        return day
    return f"{day}, {start:%H:%M} to {end:%H:%M}"


def pattern_words(booking: Booking) -> str:
    """How often and when, in plain English."""
    if booking.kind == BookingKind.RECURRING and booking.rule:
        try:
            return describe(Recurrence.from_rfc5545(booking.rule))
        except RecurrenceError:
            return "A repeating booking"
    day = f"{DAY_NAMES[booking.starts_on.weekday()]} {long_date(booking.starts_on)}"
    if booking.start_time and booking.end_time:
        return f"Once, on {day}, {booking.start_time} to {booking.end_time}"
    return f"Once, on {day}"


async def _booking_context(request: Request, booking: Booking) -> dict[str, Any]:
    actor = actor_of(request)
    ordering = _ordering(request)
    now = utcnow()
    may_act = Permission.SPEND_BUDGET in await person_permissions(actor, booking.order.person)
    sessions = list(await BookingSession.filter(booking_id=booking.id).order_by("starts_at"))
    deliveries = dict(
        await Delivery.filter(session_id__in=[s.id for s in sessions] or [None]).values_list(
            "session_id", "id"
        )
    )
    live = booking.status == "active" and booking.order.status in changes.LIVE_ORDERS
    upcoming: list[VisitRow] = []
    past: list[VisitRow] = []
    refusal = changes.notice_refusal(booking.order.store.name, ordering.notice_hours)
    for session in sessions:
        words, tag = STATUS_WORDS[session.status]
        allowed = live and changes.may_cancel(session, ordering, now)
        row = VisitRow(
            session=session,
            when=visit_words(session),
            status=words,
            tag=tag,
            may_cancel=allowed,
            refusal=(
                refusal
                if live and session.status == SessionStatus.SCHEDULED and not allowed
                else None
            ),
            delivery_id=deliveries.get(session.id),
        )
        is_upcoming = session.status == SessionStatus.SCHEDULED and session.starts_at > now
        (upcoming if is_upcoming else past).append(row)
    proposals = [
        ProposalRow(p, await changes.proposal_words(p, booking, p.session))
        for p in await changes.open_proposals(booking)
    ]
    return {
        "booking": booking,
        "order": booking.order,
        "store": booking.order.store,
        "person": booking.order.person,
        "service": booking.service,
        "pattern": pattern_words(booking),
        "per_visit": pounds(booking.quantity * booking.unit_price_pence),
        "committed": pounds(booking.committed_pence),
        "upcoming": upcoming,
        "past": list(reversed(past)),
        "proposals": proposals,
        "may_act": may_act,
        "live": live,
        "is_self": actor.membership is not None and actor.membership.id == booking.order.person.id,
        "done": DONE.get(request.query_params.get("done", "")),
        "notice_hours": ordering.notice_hours,
    }


@signed_in
async def booking_page(request: Request) -> Response:
    booking = await booking_for_person_side(actor_of(request), request.path_params["booking_id"])
    context = await _booking_context(request, booking)
    return render(request, "orders/booking.html", booking.service.title, **context)


async def _session_of(request: Request, booking: Booking) -> BookingSession:
    uid = parse_uuid(request.path_params["session_id"])
    session = await BookingSession.get_or_none(id=uid, booking_id=booking.id) if uid else None
    if session is None:
        raise NotFound("no such visit")
    return session


@signed_in
async def cancel_visit_form(request: Request) -> Response:
    actor = actor_of(request)
    booking = await booking_for_person_side(
        actor, request.path_params["booking_id"], Permission.SPEND_BUDGET
    )
    session = await _session_of(request, booking)
    return _cancel_visit_page(request, booking, session)


def _cancel_visit_page(
    request: Request,
    booking: Booking,
    session: BookingSession,
    status: int = 200,
    refusal: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    ordering = _ordering(request)
    live = booking.status == "active" and booking.order.status in changes.LIVE_ORDERS
    allowed = live and changes.may_cancel(session, ordering, utcnow())
    if refusal is None and not allowed:
        if not live or session.status != SessionStatus.SCHEDULED:
            refusal = "This visit cannot be cancelled any more."
        elif session.starts_at <= utcnow():
            refusal = "This visit has already started, so it cannot be cancelled."
        else:
            refusal = changes.notice_refusal(booking.order.store.name, ordering.notice_hours)
    return render(
        request,
        "orders/booking_cancel_visit.html",
        "Cancel this visit",
        status_code=status,
        booking=booking,
        service=booking.service,
        store=booking.order.store,
        when=visit_words(session),
        amount=pounds(session.amount_pence),
        refusal=refusal,
        errors=errors or {},
        values=values or {},
        action=f"/bookings/{booking.id}/sessions/{session.id}/cancel",
    )


@signed_in
async def cancel_visit(request: Request) -> Response:
    actor = actor_of(request)
    booking = await booking_for_person_side(
        actor, request.path_params["booking_id"], Permission.SPEND_BUDGET
    )
    session = await _session_of(request, booking)
    values = await form_values(request)
    try:
        await changes.cancel_session(
            actor, session.id, values.get("reason", ""), ordering=_ordering(request)
        )
    except InvalidInput as refused:
        return _cancel_visit_page(
            request, booking, session, 400, errors=field_errors(refused.problems), values=values
        )
    except Conflict as refused:
        return _cancel_visit_page(request, booking, session, 409, refusal=str(refused))
    return see_other(f"/bookings/{booking.id}?done=visit-cancelled")


async def _cancel_booking_page(
    request: Request,
    booking: Booking,
    status: int = 200,
    refusal: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    preview = None
    if refusal is None:
        try:
            preview = await changes.preview_cancel_booking(
                actor_of(request), booking.id, ordering=_ordering(request)
            )
        except Conflict as stopped:
            refusal = str(stopped)
    return render(
        request,
        "orders/booking_cancel.html",
        "Cancel the whole booking",
        status_code=status,
        booking=booking,
        service=booking.service,
        store=booking.order.store,
        pattern=pattern_words(booking),
        preview=preview,
        returned=pounds(preview.released_pence) if preview else None,
        refusal=refusal,
        errors=errors or {},
        values=values or {},
        action=f"/bookings/{booking.id}/cancel",
    )


@signed_in
async def cancel_booking_form(request: Request) -> Response:
    booking = await booking_for_person_side(
        actor_of(request), request.path_params["booking_id"], Permission.SPEND_BUDGET
    )
    return await _cancel_booking_page(request, booking)


@signed_in
async def cancel_booking(request: Request) -> Response:
    actor = actor_of(request)
    booking = await booking_for_person_side(
        actor, request.path_params["booking_id"], Permission.SPEND_BUDGET
    )
    values = await form_values(request)
    try:
        await changes.cancel_booking(
            actor, booking.id, values.get("reason", ""), ordering=_ordering(request)
        )
    except InvalidInput as refused:
        return await _cancel_booking_page(
            request, booking, 400, errors=field_errors(refused.problems), values=values
        )
    except Conflict as refused:
        return await _cancel_booking_page(request, booking, 409, refusal=str(refused))
    return see_other(f"/bookings/{booking.id}?done=booking-cancelled")


async def _answer(request: Request, accept: bool) -> Response:
    actor = actor_of(request)
    values = await form_values(request)
    try:
        if accept:
            proposal = await changes.accept_proposal(actor, request.path_params["proposal_id"])
        else:
            proposal = await changes.reject_proposal(
                actor, request.path_params["proposal_id"], values.get("reason", "")
            )
    except (Conflict, InvalidInput) as refused:
        found = await ChangeProposal.get_or_none(
            id=parse_uuid(request.path_params["proposal_id"]),
            tenant_id=actor.tenant.id,  # type: ignore[union-attr]
        )
        if found is None:
            raise NotFound("no such change") from refused
        booking = await booking_for_person_side(actor, found.booking_id)  # type: ignore[attr-defined]
        context = await _booking_context(request, booking)
        message = (
            refused.problems[0].message
            if isinstance(refused, InvalidInput) and refused.problems
            else str(refused)
        )
        context["refusal"] = message
        return render(
            request, "orders/booking.html", booking.service.title, status_code=409, **context
        )
    done = "accepted" if accept else "rejected"
    return see_other(f"/bookings/{proposal.booking_id}?done={done}")  # type: ignore[attr-defined]


@signed_in
async def accept(request: Request) -> Response:
    return await _answer(request, True)


@signed_in
async def reject(request: Request) -> Response:
    return await _answer(request, False)


# --- the provider's side ---------------------------------------------------------------------


async def _propose_page(
    request: Request,
    booking: Booking,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    refusal: str | None = None,
) -> Response:
    now = utcnow()
    upcoming = await BookingSession.filter(
        booking_id=booking.id, status=SessionStatus.SCHEDULED, starts_at__gt=now
    ).order_by("starts_at")
    choices = [("", "Every visit from now on (new times only)")] + [
        (str(s.id), visit_words(s)) for s in upcoming
    ]
    return render(
        request,
        "orders/booking_propose.html",
        "Propose a change",
        status_code=status,
        booking=booking,
        service=booking.service,
        store=booking.order.store,
        person=booking.order.person,
        pattern=pattern_words(booking),
        choices=choices,
        errors=errors or {},
        values=values or {},
        refusal=refusal,
    )


@signed_in
async def propose_form(request: Request) -> Response:
    booking = await booking_for_provider(
        actor_of(request), request.path_params["booking_id"], EDITORS
    )
    values = {"session_id": request.query_params.get("session_id", "")}
    return await _propose_page(request, booking, values=values)


@signed_in
async def propose(request: Request) -> Response:
    actor = actor_of(request)
    booking = await booking_for_provider(actor, request.path_params["booking_id"], EDITORS)
    values = await form_values(request)
    try:
        new_date: date | None = optional_date(values, "new_date", "The new date")
        await changes.propose_change(
            actor,
            booking.id,
            session_id=values.get("session_id") or None,
            new_date=new_date,
            new_start_time=values.get("new_start_time") or None,
            new_end_time=values.get("new_end_time") or None,
            message=values.get("message", ""),
        )
    except InvalidInput as refused:
        problems: list[FieldProblem] = refused.problems
        return await _propose_page(
            request, booking, 400, errors=field_errors(problems), values=values
        )
    except Conflict as refused:
        return await _propose_page(request, booking, 409, values=values, refusal=str(refused))
    return see_other(f"/provider/bookings/{booking.id}?proposed=1")


routes: list[BaseRoute] = [
    Route("/bookings/{booking_id}", booking_page, methods=["GET"]),
    Route(
        "/bookings/{booking_id}/sessions/{session_id}/cancel", cancel_visit_form, methods=["GET"]
    ),
    Route("/bookings/{booking_id}/sessions/{session_id}/cancel", cancel_visit, methods=["POST"]),
    Route("/bookings/{booking_id}/cancel", cancel_booking_form, methods=["GET"]),
    Route("/bookings/{booking_id}/cancel", cancel_booking, methods=["POST"]),
    Route("/proposals/{proposal_id}/accept", accept, methods=["POST"]),
    Route("/proposals/{proposal_id}/reject", reject, methods=["POST"]),
    Route("/provider/bookings/{booking_id}/propose", propose_form, methods=["GET"]),
    Route("/provider/bookings/{booking_id}/propose", propose, methods=["POST"]),
]
