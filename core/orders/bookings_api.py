"""``/api/v1/bookings`` and ``/sessions``: read bookings and their visits, and cancel them.

Reading follows ``core.orders.queries`` (the council's for a partner client, only its own
stores' for a provider's system). Cancelling is for the person's side: a council partner
client with ``orders:write`` acts for the person, and the changes service
(``core.orders.changes``) applies the council's notice period and releases the money for
what will no longer be delivered.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core.api.access import require_scope
from core.api.bodies import read_body
from core.api.openapi import query_parameter
from core.orders import queries
from core.orders.models import Booking, BookingStatus
from core.orders.orders_api import (
    LIST_PROBLEMS,
    PAGING,
    READ,
    READ_PROBLEMS,
    WRITE,
    WRITE_PROBLEMS,
    Endpoint,
    booking_out,
    json_answer,
    list_query,
    next_link,
    op,
    ordering_of,
    read_endpoint,
    write_endpoint,
)
from core.orders.schemas import BookingOut, BookingsPage, CancelledOut, Reason
from core.web.forms import actor_of

BOOKING_STATUSES = frozenset(s.value for s in BookingStatus)
_TAGS = ("bookings",)


@read_endpoint
async def list_bookings_endpoint(request: Request) -> Response:
    reader = await queries.reader(actor_of(request), READ)
    query = list_query(request, statuses=BOOKING_STATUSES, filters=("order_id",))
    found = await queries.list_bookings(reader, query)
    page = BookingsPage(
        items=[booking_out(b) for b in found], next=next_link(request, found, query.limit)
    )
    return json_answer(page)


async def _with_sessions(booking: Booking) -> BookingOut:
    await booking.fetch_related("service")
    return booking_out(booking, await queries.sessions_of(booking))


@read_endpoint
async def get_booking_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    await require_scope(actor, READ)
    booking = await queries.booking_for_reader(actor, request.path_params["booking_id"])
    return json_answer(await _with_sessions(booking))


def _count(sessions: Any) -> int:
    """The cancelled visits, whether the service gives them or their number."""
    return sessions if isinstance(sessions, int) else len(sessions or ())


async def _cancelled(result: Any) -> Response:
    booking = await Booking.get(id=result.booking.id)
    out = CancelledOut(
        booking=await _with_sessions(booking),
        cancelled_sessions=_count(result.cancelled_sessions),
        released_pence=result.released_pence,
    )
    return json_answer(out)


@write_endpoint()
async def cancel_booking_endpoint(request: Request) -> Response:
    from core.orders.changes import cancel_booking  # written alongside this module

    actor = actor_of(request)
    await require_scope(actor, WRITE)
    body = await read_body(request, Reason)
    result = await cancel_booking(
        actor,
        request.path_params["booking_id"],
        body.reason,
        ordering=ordering_of(request, actor),
    )
    return await _cancelled(result)


@write_endpoint()
async def cancel_session_endpoint(request: Request) -> Response:
    from core.orders.changes import cancel_session  # written alongside this module

    actor = actor_of(request)
    await require_scope(actor, WRITE)
    body = await read_body(request, Reason)
    result = await cancel_session(
        actor,
        request.path_params["session_id"],
        body.reason,
        ordering=ordering_of(request, actor),
    )
    return await _cancelled(result)


operations = [
    op(
        "GET",
        "/bookings",
        "listBookings",
        "Bookings",
        "Scope orders:read. The council's bookings, or one order's with `order_id`; a "
        "provider's system sees only its own stores'. Ordered by id; follow `next`.",
        BookingsPage,
        LIST_PROBLEMS,
        _TAGS,
        parameters=(
            query_parameter("order_id", "Only this order's bookings"),
            query_parameter("status", "active, cancelled or ended"),
            *PAGING,
        ),
    ),
    op(
        "GET",
        "/bookings/{booking_id}",
        "getBooking",
        "One booking and its visits",
        "Scope orders:read. Every visit (session) with its status. Another council's "
        "booking, or another provider's, is a 404.",
        BookingOut,
        READ_PROBLEMS,
        _TAGS,
    ),
    op(
        "POST",
        "/bookings/{booking_id}/cancel",
        "cancelBooking",
        "Cancel a booking (for the person)",
        "Scope orders:write, acting for the person. Every future visit outside the "
        "council's notice period is cancelled and its money released; `reason` is kept.",
        CancelledOut,
        WRITE_PROBLEMS,
        _TAGS,
        request_model=Reason,
    ),
    op(
        "POST",
        "/sessions/{session_id}/cancel",
        "cancelSession",
        "Cancel one visit (for the person)",
        "Scope orders:write, acting for the person. Within the council's notice period, "
        "or a visit already delivered or cancelled, is refused; otherwise its money is "
        "released.",
        CancelledOut,
        WRITE_PROBLEMS,
        _TAGS,
        request_model=Reason,
    ),
]

endpoints: dict[str, Endpoint] = {
    "listBookings": list_bookings_endpoint,
    "getBooking": get_booking_endpoint,
    "cancelBooking": cancel_booking_endpoint,
    "cancelSession": cancel_session_endpoint,
}
