"""The orders baseline: raw Starlette + asyncpg answering a provider's poll for new orders.

``GET /orders?status=placed&since=...`` runs the statements Carepurse's
``GET /api/v1/orders`` runs for a provider's own system (``core.orders.queries.list_orders``
with its prefetches): the provider's stores in the council, a page of 50 of their orders
by id, then the page's stores, placing API clients, bookings and the bookings' services.
It answers the same JSON (``OrdersPage``: the same keys, values and time format), built
from plain dicts with the standard ``json`` module.

No middleware, no bearer token check, no tenant lookup (the council and provider come from
``BENCH_ORDERS_TENANT_ID`` and ``BENCH_ORDERS_PROVIDER_ID``), no ORM, no pydantic: the
ratio to Carepurse's endpoint is what those cost. ``BENCH_ORDERS_DATABASE_URL`` is the
benchmark's scratch PostgreSQL database.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

POOL_SIZE = int(os.environ.get("BENCH_ORDERS_POOL_SIZE", "10"))  # as Carepurse's (maxsize)
PAGE = 50

ORDERS_SQL = (
    "SELECT id, person_id, store_id, status, acting_as, api_client_id, respond_by, "
    "decided_at, decline_reason, total_pence, currency, created_at FROM service_order "
    "WHERE tenant_id = $1 AND store_id = ANY($2::uuid[]) AND status = $3 "
    "AND created_at >= $4 ORDER BY id LIMIT $5"
)
BOOKINGS_SQL = (
    "SELECT id, order_id, service_id, kind, quantity, unit, unit_price_pence, "
    "committed_pence, currency, district, starts_on, ends_on, start_time, end_time, rule, "
    "stream_id, status, cancelled_at, cancel_reason, created_at FROM booking "
    "WHERE order_id = ANY($1::uuid[])"
)


def when(moment: datetime | None) -> str | None:
    """As pydantic writes an aware time in JSON: UTC with a ``Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def text(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


def booking_json(row: Any, titles: dict[UUID, str]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "order_id": str(row["order_id"]),
        "service_id": str(row["service_id"]),
        "service_title": titles[row["service_id"]],
        "kind": row["kind"],
        "quantity": row["quantity"],
        "unit": row["unit"],
        "unit_price_pence": row["unit_price_pence"],
        "committed_pence": row["committed_pence"],
        "currency": row["currency"],
        "district": row["district"],
        "starts_on": row["starts_on"].isoformat(),
        "ends_on": row["ends_on"].isoformat() if row["ends_on"] else None,
        "start_time": row["start_time"],
        "end_time": row["end_time"],
        "rule": row["rule"],
        "stream_id": text(row["stream_id"]),
        "status": row["status"],
        "cancelled_at": when(row["cancelled_at"]),
        "cancel_reason": row["cancel_reason"],
        "created_at": when(row["created_at"]),
        "sessions": None,
    }


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


async def orders(request: Request) -> Response:
    state = request.app.state
    status = request.query_params.get("status", "placed")
    since = datetime.fromisoformat(request.query_params["since"].replace(" ", "+"))
    async with state.pool.acquire() as connection:
        stores = [
            row["id"]
            for row in await connection.fetch(
                "SELECT id FROM store WHERE tenant_id = $1 AND provider_id = $2",
                state.tenant_id,
                state.provider_id,
            )
        ]
        rows = await connection.fetch(ORDERS_SQL, state.tenant_id, stores, status, since, PAGE)
        order_ids = [row["id"] for row in rows]
        names = {
            row["id"]: row["name"]
            for row in await connection.fetch(
                "SELECT id, name FROM store WHERE id = ANY($1::uuid[])",
                list({row["store_id"] for row in rows}),
            )
        }
        client_ids = list({row["api_client_id"] for row in rows} - {None})
        clients = (
            {
                row["id"]: {"client_id": row["client_id"], "name": row["name"]}
                for row in await connection.fetch(
                    "SELECT id, client_id, name FROM api_client WHERE id = ANY($1::uuid[])",
                    client_ids,
                )
            }
            if client_ids
            else {}
        )
        bookings = await connection.fetch(BOOKINGS_SQL, order_ids)
        titles = {
            row["id"]: row["title"]
            for row in await connection.fetch(
                "SELECT id, title FROM service WHERE id = ANY($1::uuid[])",
                list({row["service_id"] for row in bookings}),
            )
        }
    by_order: dict[UUID, list[Any]] = {}
    for booking in bookings:
        by_order.setdefault(booking["order_id"], []).append(booking)
    items = []
    for row in rows:
        mine = sorted(by_order.get(row["id"], []), key=lambda b: (b["created_at"], str(b["id"])))
        items.append(
            {
                "id": str(row["id"]),
                "person_id": str(row["person_id"]),
                "store_id": str(row["store_id"]),
                "store_name": names[row["store_id"]],
                "status": row["status"],
                "acting_as": row["acting_as"],
                "placed_by_client": clients.get(row["api_client_id"]),
                "respond_by": when(row["respond_by"]),
                "decided_at": when(row["decided_at"]),
                "decline_reason": row["decline_reason"],
                "total_pence": row["total_pence"],
                "currency": row["currency"],
                "created_at": when(row["created_at"]),
                "bookings": [booking_json(b, titles) for b in mine],
            }
        )
    following = (
        str(request.url.include_query_params(cursor=items[-1]["id"]))
        if len(items) == PAGE
        else None
    )
    body = json.dumps({"items": items, "next": following}, separators=(",", ":"))
    return Response(body, media_type="application/json")


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.tenant_id = int(os.environ["BENCH_ORDERS_TENANT_ID"])
    app.state.provider_id = UUID(os.environ["BENCH_ORDERS_PROVIDER_ID"])
    app.state.pool = await asyncpg.create_pool(
        os.environ["BENCH_ORDERS_DATABASE_URL"], min_size=1, max_size=POOL_SIZE
    )
    try:
        yield
    finally:
        await app.state.pool.close()


app = Starlette(
    routes=[Route("/healthz", healthz), Route("/orders", orders)],
    lifespan=lifespan,
)
