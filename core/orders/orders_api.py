"""``/api/v1/orders``: partners place orders for people; providers' systems pull and answer them.

A council partner client (scope ``orders:write``) places orders through the one placement
service, for a person of the council, exactly as the basket does: one click, the money
held at once, or a 422 naming what is wrong with each line and nothing held. The
``Idempotency-Key`` is honoured twice over: the API stores the first answer
(``core.api.idempotency``), and placement is given a key derived from it, so even a lost
answer can never place the order again.

A provider's own system (an API client tied to a provider, ADR 0018) pulls its stores'
orders (``GET /orders?status=placed&since=``) and accepts or declines them; it may never
place one. Everything it cannot see is a 404.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pydantic_core
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from core.api import idempotency
from core.api.access import require_scope
from core.api.bodies import MalformedBody, read_body
from core.api.errors import answer
from core.api.openapi import query_parameter
from core.errors import FieldProblem, InvalidInput
from core.identity.actor import Actor
from core.identity.models import Membership, Role
from core.identity.permissions import PermissionDenied
from core.ids import parse_uuid
from core.orders import decisions, queries
from core.orders.models import Booking, BookingSession, Delivery, Order, OrderStatus
from core.orders.placement import OrderLine, place_order
from core.orders.policy import ordering_policy_for
from core.orders.recurrence import Recurrence, recurrence_from_form
from core.orders.schemas import (
    BookingOut,
    ClientRef,
    DeliveryOut,
    NewOrder,
    NewOrderLine,
    OrderOut,
    OrdersPage,
    PlacedOrdersOut,
    Reason,
    SessionOut,
    WeeklyPattern,
)
from core.web.forms import actor_of
from core.web.responses import runtime_of

READ, WRITE, DELIVERIES = "orders:read", "orders:write", "deliveries:write"
MAX_PAGE = 100
JSON = "application/json"
Endpoint = Callable[[Request], Awaitable[Response]]

# --- shapes ---------------------------------------------------------------------------


def utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def session_out(session: BookingSession) -> SessionOut:
    return SessionOut(
        id=session.id,
        booking_id=session.booking_id,  # type: ignore[attr-defined]
        local_date=session.local_date,
        starts_at=utc(session.starts_at),  # type: ignore[arg-type]
        ends_at=utc(session.ends_at),  # type: ignore[arg-type]
        amount_pence=session.amount_pence,
        status=session.status.value,
        cancelled_at=utc(session.cancelled_at),
        cancel_reason=session.cancel_reason,
    )


def booking_out(booking: Booking, sessions: list[BookingSession] | None = None) -> BookingOut:
    """``booking`` with its service loaded; ``sessions`` only for a single booking."""
    return BookingOut(
        id=booking.id,
        order_id=booking.order_id,  # type: ignore[attr-defined]
        service_id=booking.service_id,  # type: ignore[attr-defined]
        service_title=booking.service.title,
        kind=booking.kind.value,
        quantity=booking.quantity,
        unit=booking.unit.value,
        unit_price_pence=booking.unit_price_pence,
        committed_pence=booking.committed_pence,
        district=booking.district,
        starts_on=booking.starts_on,
        ends_on=booking.ends_on,
        start_time=booking.start_time,
        end_time=booking.end_time,
        rule=booking.rule,
        stream_id=booking.stream_id,  # type: ignore[attr-defined]
        status=booking.status.value,
        cancelled_at=utc(booking.cancelled_at),
        cancel_reason=booking.cancel_reason,
        created_at=utc(booking.created_at),  # type: ignore[arg-type]
        sessions=[session_out(s) for s in sessions] if sessions is not None else None,
    )


def order_out(order: Order) -> OrderOut:
    """``order`` with its store, API client and bookings (with services) loaded."""
    client = order.api_client
    bookings = sorted(order.bookings, key=lambda b: (b.created_at, str(b.id)))
    return OrderOut(
        id=order.id,
        person_id=order.person_id,  # type: ignore[attr-defined]
        store_id=order.store_id,  # type: ignore[attr-defined]
        store_name=order.store.name,
        status=order.status.value,
        acting_as=order.acting_as.value,
        placed_by_client=ClientRef(client_id=client.client_id, name=client.name)
        if client is not None
        else None,
        respond_by=utc(order.respond_by),  # type: ignore[arg-type]
        decided_at=utc(order.decided_at),
        decline_reason=order.decline_reason,
        total_pence=order.total_pence,
        created_at=utc(order.created_at),  # type: ignore[arg-type]
        bookings=[booking_out(b) for b in bookings],
    )


def delivery_out(delivery: Delivery) -> DeliveryOut:
    """``delivery`` with its visit, booking and order loaded."""
    session = delivery.session
    order = session.booking.order
    return DeliveryOut(
        id=delivery.id,
        session_id=session.id,
        booking_id=session.booking_id,  # type: ignore[attr-defined]
        order_id=order.id,
        store_id=order.store_id,  # type: ignore[attr-defined]
        worker_name=delivery.worker_name,
        started_at=utc(delivery.started_at),  # type: ignore[arg-type]
        ended_at=utc(delivery.ended_at),  # type: ignore[arg-type]
        status=delivery.status.value,
        confirmed_at=utc(delivery.confirmed_at),
        dispute_reason=delivery.dispute_reason,
        created_at=utc(delivery.created_at),  # type: ignore[arg-type]
    )


def order_rows_json(rows: queries.OrderRows) -> list[dict[str, Any]]:
    """The page's orders as ``OrderOut`` writes them, built straight from plain rows
    (``queries.list_orders``).

    Same keys in the same order, same values: pydantic's JSON serialiser
    (``pydantic_core.to_json``) writes the dates and UTC times exactly as
    ``OrderOut.model_dump_json`` would, without building and validating a model for every
    order and booking (a test holds the two equal, on SQLite and PostgreSQL). Ids and enums
    are made text here: pydantic serialises the driver's own UUID type and enum members
    several times slower."""
    by_order: dict[str, list[dict[str, Any]]] = {}
    for row in rows.bookings:
        by_order.setdefault(str(row["order_id"]), []).append(row)
    return [
        {
            "id": str(order["id"]),
            "person_id": str(order["person_id"]),
            "store_id": str(order["store_id"]),
            "store_name": order["store_name"],
            "status": order["status"].value,
            "acting_as": order["acting_as"].value,
            "placed_by_client": {
                "client_id": order["client_client_id"],
                "name": order["client_name"],
            }
            if order["client_client_id"] is not None
            else None,
            "respond_by": utc(order["respond_by"]),
            "decided_at": utc(order["decided_at"]),
            "decline_reason": order["decline_reason"],
            "total_pence": order["total_pence"],
            "currency": "GBP",
            "created_at": utc(order["created_at"]),
            "bookings": sorted(
                (_booking_row_json(b) for b in by_order.get(str(order["id"]), ())),
                key=lambda b: (b["created_at"], b["id"]),  # as order_out sorts them
            ),
        }
        for order in rows.orders
    ]


def _text(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


def _booking_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """One booking row as ``BookingOut`` writes it (no visits, as in every list)."""
    return {
        "id": str(row["id"]),
        "order_id": str(row["order_id"]),
        "service_id": str(row["service_id"]),
        "service_title": row["service_title"],
        "kind": row["kind"].value,
        "quantity": row["quantity"],
        "unit": row["unit"].value,
        "unit_price_pence": row["unit_price_pence"],
        "committed_pence": row["committed_pence"],
        "currency": "GBP",
        "district": row["district"],
        "starts_on": row["starts_on"],
        "ends_on": row["ends_on"],
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "rule": row["rule"],
        "stream_id": _text(row["stream_id"]),
        "status": row["status"].value,
        "cancelled_at": utc(row["cancelled_at"]),
        "cancel_reason": row["cancel_reason"],
        "created_at": utc(row["created_at"]),
        "sessions": None,
    }


def json_answer(model: BaseModel, status: int = 200, location: str | None = None) -> Response:
    """``model`` as JSON, serialised once by pydantic (no dict of it in between)."""
    headers = {"Location": location} if location else None
    return Response(model.model_dump_json(), status_code=status, headers=headers, media_type=JSON)


def plain_json_answer(content: Any) -> Response:
    """Plain data (ids, dates and aware times left as they are) written as pydantic writes
    them, for lists built without models."""
    return Response(pydantic_core.to_json(content), media_type=JSON)


# --- wiring (shared with bookings_api and deliveries_api) -----------------------------


def read_endpoint(handler: Endpoint) -> Endpoint:
    """A GET: domain errors (a bad query included) become problems."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        return await answer(request, lambda: handler(request))

    return endpoint


def write_endpoint(
    location: idempotency.Location | None = None,
) -> Callable[[Endpoint], Endpoint]:
    """A POST that honours ``Idempotency-Key``; ``location`` rebuilds a replay's Location."""

    def decorate(handler: Endpoint) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            return await idempotency.idempotent(
                request, lambda: handler(request), location=location
            )

        return endpoint

    return decorate


def list_query(
    request: Request, *, statuses: frozenset[str], filters: tuple[str, ...]
) -> queries.ListQuery:
    """The list's query string, every bad parameter named in one 400."""
    params = request.query_params
    problems: list[FieldProblem] = []
    raw_limit = params.get("limit", "50")
    limit = 50
    if raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_PAGE:
        limit = int(raw_limit)
    else:
        problems.append(FieldProblem("limit", f"must be a whole number from 1 to {MAX_PAGE}"))
    ids: dict[str, UUID | None] = {}
    for name in ("cursor", *(f for f in filters if f.endswith("_id"))):
        text = params.get(name)
        ids[name] = parse_uuid(text) if text else None
        if text and ids[name] is None:
            problems.append(
                FieldProblem(
                    name,
                    "is not a cursor this API gave you"
                    if name == "cursor"
                    else f"is not {'an' if name[0] in 'aeiou' else 'a'} {name[:-3]} id",
                )
            )
    status = params.get("status") or None
    if status is not None and status not in statuses:
        problems.append(FieldProblem("status", f"must be one of {', '.join(sorted(statuses))}"))
    since: datetime | None = None
    if (since_text := params.get("since")) and "since" in filters:
        try:
            since = datetime.fromisoformat(since_text.replace(" ", "+"))
        except ValueError:
            since = None
        if since is None or since.tzinfo is None:
            problems.append(
                FieldProblem("since", "must be an ISO 8601 time with an offset, e.g. ...T09:00Z")
            )
            since = None
    if problems:
        raise MalformedBody("the query is not valid", problems)
    return queries.ListQuery(
        status=status,
        person_id=ids.get("person_id"),
        store_id=ids.get("store_id"),
        order_id=ids.get("order_id"),
        since=since,
        after=ids["cursor"],
        limit=limit,
    )


def next_link(request: Request, found: list[Any], limit: int) -> str | None:
    return page_link(request, found[-1].id if found else None, len(found), limit)


def page_link(request: Request, last_id: UUID | None, count: int, limit: int) -> str | None:
    """The next page's URL: a full page has one, from its last id."""
    if count < limit or last_id is None:
        return None
    return str(request.url.include_query_params(cursor=str(last_id)))


def ordering_of(request: Request, actor: Actor) -> Any:
    assert actor.tenant is not None
    return ordering_policy_for(runtime_of(request), actor.tenant)


# --- placing --------------------------------------------------------------------------


def _weekly(index: int, weekly: WeeklyPattern) -> Recurrence:
    """The pattern, checked by the same rules as the booking form's."""
    values = {
        "days": ",".join(weekly.days),
        "start_time": weekly.start_time.strftime("%H:%M"),
        "end_time": weekly.end_time.strftime("%H:%M"),
        "first_date": weekly.first_date.isoformat(),
        "until_date": weekly.until.isoformat() if weekly.until else "",
        "skip_bank_holidays": "yes" if weekly.skip_bank_holidays else "",
    }
    try:
        return recurrence_from_form(values)
    except InvalidInput as error:
        names = {"until_date": "until"}
        raise InvalidInput(
            str(error),
            [
                FieldProblem(f"lines.{index}.weekly.{names.get(p.field, p.field)}", p.message)
                for p in error.problems
            ],
        ) from None


def _line(index: int, line: NewOrderLine) -> OrderLine:
    if line.weekly is not None and line.on_date is not None:
        raise InvalidInput(
            "a line is either one visit or a weekly pattern",
            [FieldProblem(f"lines.{index}.weekly", "Give on_date or weekly, not both")],
        )
    return OrderLine(
        service_id=line.service_id,
        quantity=line.quantity,
        district=line.postcode,
        on_date=line.on_date,
        start_time=line.start_time,
        end_time=line.end_time,
        recurrence=_weekly(index, line.weekly) if line.weekly is not None else None,
        stream_id=line.stream_id,
    )


def placement_key(actor: Actor, key: str | None) -> str | None:
    """Placement's own key for this caller's ``Idempotency-Key``: keys are per caller in the
    API but per council in placement, and may hold characters placement refuses, so the
    caller and key are hashed together (the same request always gives the same key)."""
    caller = idempotency.caller_of(actor)
    if key is None or caller is None:
        return None
    return "api-" + hashlib.sha256(f"{caller}\n{key}".encode()).hexdigest()


def _placed_location(request: Request, body: Any) -> str | None:
    orders = body.get("orders") if isinstance(body, dict) else None
    return f"/api/v1/orders/{orders[0]['id']}" if orders else None


@write_endpoint(location=_placed_location)
async def place_order_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    if actor.is_provider_system:
        raise PermissionDenied("a provider's system may not place orders")
    await require_scope(actor, WRITE)
    assert actor.tenant is not None
    body = await read_body(request, NewOrder)
    lines = [_line(i, line) for i, line in enumerate(body.lines)]
    person = await Membership.get_or_none(id=body.person_id, tenant_id=actor.tenant.id)
    if person is None or Role.PERSON.value not in person.roles:
        raise InvalidInput(
            "no such person", [FieldProblem("person_id", "is not a person in this council")]
        )
    placed = await place_order(
        actor,
        person,
        lines,
        idempotency_key=placement_key(actor, request.headers.get(idempotency.HEADER)),
        ordering=ordering_of(request, actor),
    )
    orders = []
    for order in placed.orders:
        await order.fetch_related(*queries.ORDER_RELATED)
        orders.append(order_out(order))
    out = PlacedOrdersOut(orders=orders, total_pence=placed.total_pence)
    response = json_answer(out, 201, f"/api/v1/orders/{orders[0].id}")
    if placed.replayed:
        response.headers[idempotency.REPLAYED_HEADER] = "true"
    return response


# --- reading --------------------------------------------------------------------------

ORDER_STATUSES = frozenset(s.value for s in OrderStatus)


@read_endpoint
async def list_orders_endpoint(request: Request) -> Response:
    reader = await queries.reader(actor_of(request), READ)
    query = list_query(request, statuses=ORDER_STATUSES, filters=("person_id", "store_id", "since"))
    rows = await queries.list_orders(reader, query)
    last = rows.orders[-1]["id"] if rows.orders else None
    link = page_link(request, last, len(rows.orders), query.limit)
    return plain_json_answer({"items": order_rows_json(rows), "next": link})


@read_endpoint
async def get_order_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    await require_scope(actor, READ)
    order = await queries.order_for_reader(actor, request.path_params["order_id"])
    return json_answer(order_out(order))


# --- the provider's answer ------------------------------------------------------------


async def _decided(actor: Actor, order: Order) -> Response:
    fresh = await queries.tenant_order(actor, order.id)
    await fresh.fetch_related(*queries.ORDER_RELATED)
    return json_answer(order_out(fresh))


@write_endpoint()
async def accept_order_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    await require_scope(actor, WRITE)
    order = await decisions.accept_order(actor, request.path_params["order_id"])
    return await _decided(actor, order)


@write_endpoint()
async def decline_order_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    await require_scope(actor, WRITE)
    body = await read_body(request, Reason)
    order = await decisions.decline_order(actor, request.path_params["order_id"], body.reason)
    return await _decided(actor, order)


# --- the document ---------------------------------------------------------------------

PAGING = (
    query_parameter("limit", f"How many (1-{MAX_PAGE}, default 50)", type="integer"),
    query_parameter("cursor", "From the previous page's `next`"),
)
READ_PROBLEMS = (401, 403, 404)
LIST_PROBLEMS = (400, 401, 403)
WRITE_PROBLEMS = (400, 401, 403, 404, 409, 422)
_TAGS = ("orders",)


op = idempotency.operation


operations = [
    op(
        "GET",
        "/orders",
        "listOrders",
        "Orders",
        "Scope orders:read. The council's orders; a provider's system sees only its own "
        "stores' (pull new ones with `status=placed&since=`). Ordered by id; follow `next`.",
        OrdersPage,
        LIST_PROBLEMS,
        _TAGS,
        parameters=(
            query_parameter("status", "placed, accepted, declined, expired, cancelled, completed"),
            query_parameter("person_id", "Only this person's orders"),
            query_parameter("store_id", "Only this store's orders"),
            query_parameter("since", "Only orders placed at or after this time (ISO 8601)"),
            *PAGING,
        ),
    ),
    op(
        "POST",
        "/orders",
        "placeOrder",
        "Place an order for a person",
        "Scope orders:write (a council partner client; a provider's system may not). One "
        "order per provider store, each line's whole commitment held at once. A line that "
        "cannot be ordered is a 422 `order-refused` with `lines: [{line, kind, reason}]` and "
        "nothing held. Answers 201 with a Location (the first order).",
        PlacedOrdersOut,
        WRITE_PROBLEMS,
        _TAGS,
        request_model=NewOrder,
        success_status=201,
    ),
    op(
        "GET",
        "/orders/{order_id}",
        "getOrder",
        "One order and its bookings",
        "Scope orders:read. Another council's order, or another provider's, is a 404.",
        OrderOut,
        READ_PROBLEMS,
        _TAGS,
    ),
    op(
        "POST",
        "/orders/{order_id}/accept",
        "acceptOrder",
        "Accept an order (the provider)",
        "Scope orders:write, the store's provider's system (or its owner or manager). The "
        "money stays held. Already decided, or too late, is a 409.",
        OrderOut,
        WRITE_PROBLEMS,
        _TAGS,
    ),
    op(
        "POST",
        "/orders/{order_id}/decline",
        "declineOrder",
        "Decline an order (the provider)",
        "Scope orders:write, the store's provider's system (or its owner or manager), with a "
        "`reason` the person is told. Every hold is released at once. Already decided, or "
        "too late, is a 409.",
        OrderOut,
        WRITE_PROBLEMS,
        _TAGS,
        request_model=Reason,
    ),
]

endpoints: dict[str, Endpoint] = {
    "listOrders": list_orders_endpoint,
    "placeOrder": place_order_endpoint,
    "getOrder": get_order_endpoint,
    "acceptOrder": accept_order_endpoint,
    "declineOrder": decline_order_endpoint,
}
