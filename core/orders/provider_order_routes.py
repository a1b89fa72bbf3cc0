"""The provider console's orders pages: the inbox (``/provider/orders``), one order with
Accept and Decline, one booking's visits (``/provider/bookings/{booking_id}``) and the
phone-friendly timesheet (``/provider/visits``) where any team member records what was
delivered. Thin: the services in ``core.orders`` decide who may do what.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.clock import long_date, uk_time_words, uk_today
from core.errors import Conflict, FieldProblem, InvalidInput
from core.ledger.money import pounds
from core.marketplace import providers
from core.marketplace.provider_routes import console
from core.orders import provider_orders
from core.orders.access import session_for_provider
from core.orders.decisions import accept_order, decline_order
from core.orders.deliveries import BILLABLE_ORDERS, may_record_now, record_delivery, visit_words
from core.orders.models import OrderStatus, SessionStatus
from core.settings import UK_TIMEZONE
from core.web.forms import actor_of, field_errors, form_values, see_other
from core.web.responses import render

STATUS_WORDS = {
    OrderStatus.PLACED: ("Waiting for your answer", "govuk-tag--blue"),
    OrderStatus.ACCEPTED: ("Accepted", "govuk-tag--green"),
    OrderStatus.DECLINED: ("Declined", "govuk-tag--red"),
    OrderStatus.EXPIRED: ("Lapsed", "govuk-tag--grey"),
    OrderStatus.CANCELLED: ("Cancelled", "govuk-tag--grey"),
    OrderStatus.COMPLETED: ("Completed", "govuk-tag--green"),
}
VISIT_WORDS = {
    SessionStatus.SCHEDULED: ("Booked", "govuk-tag--blue"),
    SessionStatus.CANCELLED: ("Cancelled", "govuk-tag--grey"),
    SessionStatus.DELIVERED: ("Recorded, waiting for the person", "govuk-tag--yellow"),
    SessionStatus.CONFIRMED: ("Confirmed", "govuk-tag--green"),
    SessionStatus.DISPUTED: ("Disputed", "govuk-tag--red"),
}
# Where a service problem about the times is shown on the timesheet form.
FORM_FIELD = {"started_at": "start_time", "ended_at": "end_time", "worker_name": "worker_name"}
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _common(**values: Any) -> dict[str, Any]:
    values.setdefault("errors", {})
    values.setdefault("values", {})
    return {
        "status_words": STATUS_WORDS,
        "visit_words": VISIT_WORDS,
        "pounds": pounds,
        "long_date": long_date,
        "uk_time_words": uk_time_words,
        "time_left": provider_orders.time_left_words,
        "answer_soon": provider_orders.answer_soon,
        "still_open": provider_orders.still_open,
        **values,
    }


async def _store_and_me(request: Request) -> tuple[Any, Any]:
    return await providers.console_store(actor_of(request))


# --- The inbox --------------------------------------------------------------------------------


@console
async def orders_inbox(request: Request) -> Response:
    box = await provider_orders.inbox(actor_of(request))
    return render(
        request,
        "orders/provider_orders.html",
        "Orders",
        **_common(store=box.store, me=box.me, inbox=box),
    )


async def _order_page(request: Request, status: int = 200, **values: Any) -> Response:
    actor = actor_of(request)
    store, me = await _store_and_me(request)
    order, lines = await provider_orders.order_detail(actor, request.path_params["order_id"])
    return render(
        request,
        "orders/provider_order.html",
        "Order",
        status_code=status,
        **_common(
            store=order.store,
            me=me,
            order=order,
            lines=lines,
            can_decide=me.role in providers.EDITORS and order.store.id == store.id,
            saved=request.query_params.get("saved"),
            **values,
        ),
    )


@console
async def order_page(request: Request) -> Response:
    return await _order_page(request)


@console
async def accept(request: Request) -> Response:
    order_id = request.path_params["order_id"]
    try:
        order = await accept_order(actor_of(request), order_id)
    except Conflict as refused:
        return await _order_page(request, 409, errors={"decision": str(refused).capitalize()})
    return see_other(f"/provider/orders/{order.id}?saved=accepted")


@console
async def decline(request: Request) -> Response:
    order_id = request.path_params["order_id"]
    values = await form_values(request)
    try:
        order = await decline_order(actor_of(request), order_id, values.get("reason", ""))
    except InvalidInput as refused:
        return await _order_page(
            request,
            400,
            errors={"reason": "Say why you cannot take this order"}
            | {k: v for k, v in field_errors(refused.problems).items() if k != "reason"},
            values=values,
        )
    except Conflict as refused:
        return await _order_page(request, 409, errors={"decision": str(refused).capitalize()})
    return see_other(f"/provider/orders/{order.id}?saved=declined")


# --- One booking's visits ---------------------------------------------------------------------


@console
async def booking_page(request: Request) -> Response:
    actor = actor_of(request)
    _, me = await _store_and_me(request)
    visits = await provider_orders.booking_visits(actor, request.path_params["booking_id"])
    return render(
        request,
        "orders/provider_booking.html",
        "Booking",
        **_common(
            store=visits.booking.order.store,
            me=me,
            visits=visits,
            booking=visits.booking,
            billable=visits.booking.order.status in BILLABLE_ORDERS,
            local_times=provider_orders.local_times,
        ),
    )


# --- The timesheet ----------------------------------------------------------------------------


@console
async def visits_page(request: Request) -> Response:
    store, sessions = await provider_orders.visits_to_record(actor_of(request))
    _, me = await _store_and_me(request)
    return render(
        request,
        "orders/provider_visits.html",
        "Visits and timesheets",
        **_common(
            store=store,
            me=me,
            sessions=sessions,
            today=uk_today(),
            local_times=provider_orders.local_times,
            recorded=request.query_params.get("recorded"),
        ),
    )


def _form_defaults(request: Request, session: Any) -> dict[str, str]:
    start, end = provider_orders.local_times(session)
    actor = actor_of(request)
    day = session.local_date
    return {
        "worker_name": actor.user.display_name if actor.user else "",
        "date-day": str(day.day),
        "date-month": str(day.month),
        "date-year": str(day.year),
        "start_time": start,
        "end_time": end,
    }


async def _delivery_form(
    request: Request, session: Any, status: int = 200, **values: Any
) -> Response:
    _, me = await _store_and_me(request)
    values.setdefault("values", _form_defaults(request, session))
    return render(
        request,
        "orders/provider_visit_delivery.html",
        "Record what was delivered",
        status_code=status,
        **_common(
            store=session.booking.order.store,
            me=me,
            session=session,
            visit=visit_words(session),
            person=session.booking.order.person,
            can_record=session.status == SessionStatus.SCHEDULED
            and session.booking.order.status in BILLABLE_ORDERS
            and may_record_now(session),
            **values,
        ),
    )


@console
async def delivery_form(request: Request) -> Response:
    session = await session_for_provider(actor_of(request), request.path_params["session_id"])
    return await _delivery_form(request, session)


@console
async def record(request: Request) -> Response:
    actor = actor_of(request)
    session = await session_for_provider(actor, request.path_params["session_id"])
    values = await form_values(request)
    problems: list[FieldProblem] = []
    day = _form_date(values, problems)
    start = _form_time(values, "start_time", "the time the visit started", problems)
    end = _form_time(values, "end_time", "the time the visit finished", problems)
    if not (values.get("worker_name") or "").strip():
        problems.insert(0, FieldProblem("worker_name", "Enter who did the visit"))
    if problems or day is None or start is None or end is None:
        return await _delivery_form(
            request, session, 400, values=values, errors=field_errors(problems)
        )
    try:
        await record_delivery(
            actor,
            session.id,
            worker_name=values.get("worker_name", ""),
            started_at=_aware(day, start),
            ended_at=_aware(day, end),
        )
    except InvalidInput as refused:
        errors = {FORM_FIELD.get(p.field, p.field): p.message for p in reversed(refused.problems)}
        return await _delivery_form(request, session, 400, values=values, errors=errors)
    except Conflict as refused:
        return await _delivery_form(
            request, session, 409, values=values, errors={"visit": str(refused).capitalize()}
        )
    return see_other(f"/provider/visits?recorded={session.id}")


def _aware(day: date, at: time) -> datetime:
    """A UK wall time on ``day`` as an aware UTC instant."""
    return datetime.combine(day, at, tzinfo=UK_TIMEZONE).astimezone(UTC)


def _form_date(values: dict[str, str], problems: list[FieldProblem]) -> date | None:
    try:
        return date(
            int(values.get("date-year", "")),
            int(values.get("date-month", "")),
            int(values.get("date-day", "")),
        )
    except ValueError:
        problems.append(FieldProblem("date", "Enter the date of the visit, like 27 3 2027"))
        return None


def _form_time(
    values: dict[str, str], name: str, words: str, problems: list[FieldProblem]
) -> time | None:
    found = TIME_PATTERN.match(values.get(name, "").strip())
    if found is None:
        problems.append(FieldProblem(name, f"Enter {words}, like 09:30 or 14:00"))
        return None
    return time(int(found.group(1)), int(found.group(2)))


routes: list[BaseRoute] = [
    Route("/provider/orders", orders_inbox, methods=["GET"]),
    Route("/provider/orders/{order_id}", order_page, methods=["GET"]),
    Route("/provider/orders/{order_id}/accept", accept, methods=["POST"]),
    Route("/provider/orders/{order_id}/decline", decline, methods=["POST"]),
    Route("/provider/bookings/{booking_id}", booking_page, methods=["GET"]),
    Route("/provider/visits", visits_page, methods=["GET"]),
    Route("/provider/visits/{session_id}/delivery", delivery_form, methods=["GET"]),
    Route("/provider/visits/{session_id}/delivery", record, methods=["POST"]),
]
