"""The search baseline: raw Starlette + asyncpg + Jinja2 running the same SQL as Carepurse.

``GET /search?q=...&postcode=...`` runs the statements ``core.marketplace.search.search``
runs for a results page with a postcode (the page itself, built by the same
``build_search_sql``, then the photos of the page's services) on an asyncpg pool the
size of Tortoise's default, and renders them with Jinja2. No middleware, no tenant
lookup (the council's id comes from ``BENCH_SEARCH_TENANT_ID``), no session, no kinds
of service, no plugins, no ORM: the ratio to Carepurse's page is what all of those, and
the GOV.UK templates, cost.

``BENCH_SEARCH_DATABASE_URL`` is the benchmark's scratch PostgreSQL database.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from benchmarks.baseline_app import PAGE_CONTEXT, templates
from core.marketplace.search import SearchPlan, SearchQuery, build_search_sql

UNITS = {"hour": "an hour", "session": "a session", "day": "a day", "week": "a week",
         "item": "each"}  # fmt: skip
PAGE = 20
POOL_SIZE = int(os.environ.get("BENCH_SEARCH_POOL_SIZE", "10"))  # as Carepurse's (maxsize)
DISTRICT = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*[0-9][A-Z]{2}$")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


async def search(request: Request) -> Response:
    pool: asyncpg.Pool = request.app.state.pool
    words = " ".join(request.query_params.get("q", "").split())
    postcode = request.query_params.get("postcode", "").strip().upper()
    found = DISTRICT.match(postcode)
    district = found.group(1) if found else postcode.replace(" ", "")
    sql, values = build_search_sql(
        SearchPlan(
            engine="postgres",
            tenant_id=request.app.state.tenant_id,
            membership_id=None,
            kitemark=False,
            today=date.today(),
            query=SearchQuery(words=words, postcode=postcode, district=district, per_page=PAGE),
        )
    )
    async with pool.acquire() as connection:
        rows = [dict(row) for row in await connection.fetch(sql, *values)]
        photos = {
            row["service_id"]: row
            for row in await connection.fetch(
                "SELECT service_id, thumbnail_key, alt_text FROM photo "
                "WHERE service_id = ANY($1::uuid[]) ORDER BY position DESC, created_at DESC",
                [row["id"] for row in rows],
            )
        }
    for row in rows:
        photo = photos.get(row["id"])
        row["thumbnail"] = photo["thumbnail_key"].removeprefix("public/") if photo else None
        row["alt_text"] = photo["alt_text"] if photo else ""
    context: dict[str, Any] = PAGE_CONTEXT | {
        "page_title": "Find care and support",
        "words": words,
        "postcode": postcode,
        "district": district,
        "results": rows,
        "total": rows[0]["total"] if rows else 0,
        "units": UNITS,
    }
    return templates.TemplateResponse(request, "search.html", context)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.tenant_id = int(os.environ["BENCH_SEARCH_TENANT_ID"])
    app.state.pool = await asyncpg.create_pool(
        os.environ["BENCH_SEARCH_DATABASE_URL"], min_size=1, max_size=POOL_SIZE
    )
    try:
        yield
    finally:
        await app.state.pool.close()


app = Starlette(
    routes=[Route("/healthz", healthz), Route("/search", search)],
    lifespan=lifespan,
)
