"""The baseline: raw Starlette doing the least work each Carepurse endpoint has to do.

No middleware, no tenant resolution, no plugins, no ORM. Served by uvicorn with the same
options as Carepurse in the same benchmark run, so the ratio between the two is the cost
of what Carepurse adds, on this machine, today.

    /healthz                 tiny JSON (Carepurse's /healthz does the same)
    /page                    a ~5 KB Jinja2 page: layout inheritance, a macro, loops, escaping
    /council?slug=moorfield  one indexed SELECT through aiosqlite on a small table, as JSON
    /statement?budget=1      50 of a budget's 5,000 statement rows (one indexed SELECT,
                             newest first), as a Jinja2 page like Carepurse's statement

``BENCH_BASELINE_DB`` is the SQLite file (created and filled at start-up if missing).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

COUNCILS = [
    ("riverbend", "Riverbend Borough Council"),
    ("moorfield", "Moorfield District Council"),
    *((f"council{n}", f"Council number {n}") for n in range(3, 21)),
]

TEMPLATES_DIR = Path(__file__).parent / "baseline_templates"

PAGE_CONTEXT: dict[str, Any] = {
    "page_title": "Care and support marketplace",
    "site_name": "Riverbend Borough Council",
    "service_name": "Care and support marketplace",
    "brand_colour": "#00594f",
    "config_version": 3,
    "logo_url": "/media/branding/logo-fece33e54fd23b70.svg",
    "notices": [{"title": "New website", "text": "Your budget & bookings have moved with it."}],
    "contact": {
        "phone": "01632 960 111",
        "email": "adultcare@riverbend.example",
        "address": "Civic Centre, Station Road, Riverbend RB1 1AA",
        "opening_hours": "Monday to Friday, 9am to 5pm",
    },
    "services": [
        {
            "slug": f"service-{n}",
            "name": f"Home care & support service {n}",
            "summary": "Help at home with washing, dressing, meals and getting out and about.",
        }
        for n in range(1, 6)
    ],
    "footer_links": [
        {"text": "Riverbend Council website", "href": "https://www.riverbend.example/"},
        {"text": "Privacy notice", "href": "https://www.riverbend.example/privacy"},
        {"text": "Contact us", "href": "/contact"},
        {"text": "Accessibility statement", "href": "/accessibility"},
    ],
    "footer_note": "Run by Riverbend Borough Council with Carepurse",
}

STATEMENT_ENTRIES = 5_000  # per budget; two budgets, so the index has to do its job
STATEMENT_PAGE = 50
STATEMENT_KINDS = ("Committed", "Released")


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, auto_reload=False
)
environment.filters["pounds"] = pounds
templates = Jinja2Templates(env=environment)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


async def page(request: Request) -> Response:
    return templates.TemplateResponse(request, "page.html", PAGE_CONTEXT)


async def council(request: Request) -> Response:
    database: aiosqlite.Connection = request.app.state.database
    slug = request.query_params.get("slug", "")
    async with database.execute(
        "SELECT id, slug, name, status, config_version FROM council WHERE slug = ?", (slug,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return JSONResponse({"title": "not found"}, status_code=404)
    id_, slug, name, status, version = row
    return JSONResponse(
        {"id": id_, "slug": slug, "name": name, "status": status, "config_version": version}
    )


async def statement(request: Request) -> Response:
    """Like Carepurse's statement page without the session, tenant, permission checks,
    ledger lines or figures: one query for a page of rows, rendered."""
    database: aiosqlite.Connection = request.app.state.database
    budget = int(request.query_params.get("budget", "1") or 1)
    before = request.query_params.get("before", "")
    limit = int(request.query_params.get("limit", STATEMENT_PAGE) or STATEMENT_PAGE)
    async with database.execute(
        "SELECT id, effective_on, kind, description, stream_name, received, committed, spent, "
        "available_change FROM statement_entry WHERE budget_id = ? AND id < ? "
        "ORDER BY id DESC LIMIT ?",
        (budget, int(before) if before.isdigit() else 2**62, limit),
    ) as cursor:
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in await cursor.fetchall()]
    context = PAGE_CONTEXT | {
        "page_title": "Your statement",
        "person_name": "Stella Statement",
        "budget": budget,
        "rows": rows,
        "older": rows[-1]["id"] if len(rows) == limit else None,
    }
    return templates.TemplateResponse(request, "statement.html", context)


def _statement_rows(budget: int) -> list[tuple[Any, ...]]:
    rows = []
    for n in range(STATEMENT_ENTRIES):
        amount = 100 + n % 5_000
        sign = 1 if n % 2 else -1
        rows.append(
            (budget, "2026-04-01", STATEMENT_KINDS[n % 2], f"Statement bench entry {n}",
             "Council care", 0, sign * amount, 0, -sign * amount)
        )  # fmt: skip
    return rows


async def _open_database(path: str) -> aiosqlite.Connection:
    database = await aiosqlite.connect(path)
    await database.execute(
        "CREATE TABLE IF NOT EXISTS council (id INTEGER PRIMARY KEY, slug TEXT UNIQUE NOT NULL, "
        "name TEXT NOT NULL, status TEXT NOT NULL, config_version INTEGER NOT NULL)"
    )
    await database.executemany(
        "INSERT OR IGNORE INTO council (slug, name, status, config_version) "
        "VALUES (?, ?, 'active', 1)",
        COUNCILS,
    )
    await database.execute(
        "CREATE TABLE IF NOT EXISTS statement_entry (id INTEGER PRIMARY KEY, "
        "budget_id INTEGER NOT NULL, effective_on TEXT NOT NULL, kind TEXT NOT NULL, "
        "description TEXT NOT NULL, stream_name TEXT NOT NULL, received INTEGER NOT NULL, "
        "committed INTEGER NOT NULL, spent INTEGER NOT NULL, available_change INTEGER NOT NULL)"
    )
    await database.execute(
        "CREATE INDEX IF NOT EXISTS statement_entry_budget ON statement_entry (budget_id, id)"
    )
    async with database.execute("SELECT count(*) FROM statement_entry") as cursor:
        (count,) = await cursor.fetchone() or (0,)
    if not count:
        for budget in (2, 1):  # budget 1's rows are the newest, as in Carepurse's database
            await database.executemany(
                "INSERT INTO statement_entry (budget_id, effective_on, kind, description, "
                "stream_name, received, committed, spent, available_change) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _statement_rows(budget),
            )
    await database.commit()
    return database


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.database = await _open_database(os.environ.get("BENCH_BASELINE_DB", ":memory:"))
    try:
        yield
    finally:
        await app.state.database.close()


app = Starlette(
    routes=[
        Route("/healthz", healthz),
        Route("/page", page),
        Route("/council", council),
        Route("/statement", statement),
    ],
    lifespan=lifespan,
)
