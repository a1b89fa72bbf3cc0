"""Read-side queries for the orders API: who may read, and lists a page at a time.

Three kinds of caller read orders, bookings and deliveries:

- a council partner client (an API client with no provider) with the scope reads the
  whole council's;
- a provider's own system (``actor.is_provider_system``) with the scope reads only what
  concerns its provider's stores in this council, which is how it pulls new orders;
- a signed-in member reads the council's lists only with the council-wide
  ``VIEW_BUDGET`` permission (council staff); one order or booking they may see for the
  person (self, circle, broker) through ``core.orders.access``.

Lists are ordered by id and paged with the last id as the cursor, like every other list
in the API, and every query is scoped to the actor's council.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from core.api.access import require_scope
from core.errors import NotFound
from core.identity.actor import Actor
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.marketplace.models import Store
from core.orders import access
from core.orders.models import Booking, BookingSession, Delivery, Order

ORDER_RELATED = ("store", "api_client", "bookings__service")


@dataclass(frozen=True)
class Reader:
    """Who is reading: ``provider_id`` set means only that provider's stores."""

    actor: Actor
    provider_id: UUID | None

    @property
    def tenant_id(self) -> int:
        assert self.actor.tenant is not None
        return self.actor.tenant.id


async def reader(actor: Actor, scope: str) -> Reader:
    """The caller, if it may read council-wide lists (or its own stores', for a provider's
    system); a token without ``scope`` is a 403 naming it."""
    await require_scope(actor, scope)
    if not actor.is_api_client:
        await require_council(actor, Permission.VIEW_BUDGET)
    return Reader(actor, actor.api_provider_id)


async def provider_store_ids(tenant_id: int, provider_id: UUID) -> list[UUID]:
    return list(
        await Store.filter(tenant_id=tenant_id, provider_id=provider_id).values_list(
            "id", flat=True
        )
    )


@dataclass(frozen=True)
class ListQuery:
    """A list's filters, already checked by the API layer."""

    status: str | None = None
    person_id: UUID | None = None
    store_id: UUID | None = None
    order_id: UUID | None = None
    since: datetime | None = None
    after: UUID | None = None
    limit: int = 50


async def _store_scope(reader_: Reader, store_id: UUID | None) -> dict[str, Any]:
    """Filters limiting a list to the stores this reader may see (and to ``store_id``)."""
    if reader_.provider_id is None:
        return {"store_id": store_id} if store_id else {}
    mine = await provider_store_ids(reader_.tenant_id, reader_.provider_id)
    if store_id is not None:
        return {"store_id": store_id} if store_id in mine else {"store_id__in": [None]}
    return {"store_id__in": mine or [None]}


ORDER_COLUMNS = (
    "id",
    "person_id",
    "store_id",
    "status",
    "acting_as",
    "respond_by",
    "decided_at",
    "decline_reason",
    "total_pence",
    "created_at",
)
BOOKING_COLUMNS = (
    "id",
    "order_id",
    "service_id",
    "kind",
    "quantity",
    "unit",
    "unit_price_pence",
    "committed_pence",
    "district",
    "starts_on",
    "ends_on",
    "start_time",
    "end_time",
    "rule",
    "stream_id",
    "status",
    "cancelled_at",
    "cancel_reason",
    "created_at",
)


@dataclass(frozen=True)
class OrderRows:
    """A page of orders as plain rows (``.values()``): each order with its store's name
    and placing client's ``client_id``/``name`` (``None`` when a person placed it), and
    the page's bookings with their service's title. Plain rows, not models: a provider's
    system polls this list all day, and building ORM objects was most of each request's
    time."""

    orders: list[dict[str, Any]]
    bookings: list[dict[str, Any]]


async def list_orders(reader_: Reader, query: ListQuery) -> OrderRows:
    filters: dict[str, Any] = {"tenant_id": reader_.tenant_id}
    if query.store_id:
        filters["store_id"] = query.store_id
    if reader_.provider_id is not None:  # only its own stores: joined, not looked up first
        filters["store__tenant_id"] = reader_.tenant_id
        filters["store__provider_id"] = reader_.provider_id
    if query.status:
        filters["status"] = query.status
    if query.person_id:
        filters["person_id"] = query.person_id
    if query.since:
        filters["created_at__gte"] = query.since
    if query.after:
        filters["id__gt"] = query.after
    orders = list(
        await Order.filter(**filters)
        .order_by("id")
        .limit(query.limit)
        .values(
            *ORDER_COLUMNS,
            store_name="store__name",
            client_client_id="api_client__client_id",
            client_name="api_client__name",
        )
    )
    if not orders:
        return OrderRows([], [])
    bookings = list(
        await Booking.filter(
            tenant_id=reader_.tenant_id, order_id__in=[o["id"] for o in orders]
        ).values(*BOOKING_COLUMNS, service_title="service__title")
    )
    return OrderRows(orders, bookings)


async def list_bookings(reader_: Reader, query: ListQuery) -> list[Booking]:
    scope = await _store_scope(reader_, None)
    filters: dict[str, Any] = {
        "tenant_id": reader_.tenant_id,
        **{f"order__{name}": value for name, value in scope.items()},
    }
    if query.order_id:
        filters["order_id"] = query.order_id
    if query.status:
        filters["status"] = query.status
    if query.after:
        filters["id__gt"] = query.after
    return list(
        await Booking.filter(**filters)
        .order_by("id")
        .limit(query.limit)
        .prefetch_related("service")
    )


async def list_deliveries(reader_: Reader, query: ListQuery) -> list[Delivery]:
    scope = await _store_scope(reader_, query.store_id)
    filters: dict[str, Any] = {
        "tenant_id": reader_.tenant_id,
        **{f"session__booking__order__{name}": value for name, value in scope.items()},
    }
    if query.status:
        filters["status"] = query.status
    if query.since:
        filters["created_at__gte"] = query.since
    if query.after:
        filters["id__gt"] = query.after
    return list(
        await Delivery.filter(**filters)
        .order_by("id")
        .limit(query.limit)
        .prefetch_related("session__booking__order")
    )


# --- one thing --------------------------------------------------------------------------


async def order_for_reader(actor: Actor, order_id: Any) -> Order:
    """One order this caller may read (with its bookings); anything else is NotFound."""
    if actor.is_provider_system:
        order = await access.order_for_provider(actor, order_id)
    elif actor.is_api_client:
        order = await tenant_order(actor, order_id)
    else:
        order = await access.order_for_person_side(actor, order_id, Permission.VIEW_BUDGET)
    await order.fetch_related(*ORDER_RELATED)
    return order


async def tenant_order(actor: Actor, order_id: Any) -> Order:
    """The council's order by id, for callers already allowed to see it."""
    uid = parse_uuid(order_id)
    if actor.tenant is None or uid is None:
        raise NotFound("no such order")
    order = await Order.get_or_none(id=uid, tenant_id=actor.tenant.id)
    if order is None:
        raise NotFound("no such order")
    return order


async def booking_for_reader(actor: Actor, booking_id: Any) -> Booking:
    """One booking this caller may read, with its service; anything else is NotFound."""
    if actor.is_provider_system:
        return await access.booking_for_provider(actor, booking_id)
    if actor.is_api_client:
        uid = parse_uuid(booking_id)
        booking = (
            await Booking.get_or_none(id=uid, tenant_id=actor.tenant.id).prefetch_related("service")
            if uid is not None and actor.tenant is not None
            else None
        )
        if booking is None:
            raise NotFound("no such booking")
        return booking
    return await access.booking_for_person_side(actor, booking_id, Permission.VIEW_BUDGET)


async def sessions_of(booking: Booking) -> list[BookingSession]:
    return list(
        await BookingSession.filter(booking_id=booking.id, tenant_id=booking.tenant_id).order_by(
            "starts_at"
        )
    )


async def delivery_with_links(delivery: Delivery) -> Delivery:
    """The delivery as stored now, with its visit, booking and order loaded."""
    return await Delivery.get(id=delivery.id, tenant_id=delivery.tenant_id).prefetch_related(
        "session__booking__order"
    )
