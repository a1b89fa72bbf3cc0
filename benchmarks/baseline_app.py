"""The baseline: raw Starlette doing the least work each Carepurse endpoint has to do.

No middleware, no tenant resolution, no plugins, no ORM. Served by uvicorn with the same
options as Carepurse in the same benchmark run, so the ratio between the two is the cost
of what Carepurse adds, on this machine, today.

    /healthz                 tiny JSON (Carepurse's /healthz does the same)
    /page                    a ~5 KB Jinja2 page: layout inheritance, a macro, loops, escaping
    /council?slug=moorfield  one indexed SELECT through aiosqlite on a small table, as JSON

``BENCH_BASELINE_DB`` is the SQLite file (created and filled at start-up if missing).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

import aiosqlite
from jinja2 import DictLoader, Environment
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

TEMPLATES = {
    "layout.html": """<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>{{ page_title }} – {{ site_name }}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="theme-color" content="{{ brand_colour }}">
  <link rel="stylesheet" href="/static/carepurse.css?v=0123456789abcdef">
  <link rel="stylesheet" href="/theme.css?v={{ config_version }}">
</head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
  <header class="govuk-header" role="banner" data-module="govuk-header">
    <div class="govuk-header__container govuk-width-container">
      <div class="govuk-header__logo">
        <a href="/" class="govuk-header__link govuk-header__link--homepage">
          <img src="{{ logo_url }}" alt="{{ site_name }}" class="carepurse-logo" height="40">
        </a>
      </div>
      <div class="govuk-header__content">
        <a href="/" class="govuk-header__link govuk-header__service-name">{{ service_name }}</a>
      </div>
    </div>
  </header>
  <div class="govuk-width-container">
    {% for notice in notices %}
    <div class="govuk-notification-banner" role="region" aria-labelledby="notice-{{ loop.index }}">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="notice-{{ loop.index }}">{{ notice.title }}</h2>
      </div>
      <div class="govuk-notification-banner__content"><p class="govuk-body">{{ notice.text }}</p></div>
    </div>
    {% endfor %}
    <main class="govuk-main-wrapper" id="main-content" role="main">
      {% block content %}{% endblock %}
    </main>
  </div>
  <footer class="govuk-footer" role="contentinfo">
    <div class="govuk-width-container">
      <div class="govuk-footer__meta">
        <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
          <h2 class="govuk-visually-hidden">Support links</h2>
          <ul class="govuk-footer__inline-list">
            {% for link in footer_links %}
            <li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="{{ link.href }}">{{ link.text }}</a></li>
            {% endfor %}
          </ul>
          <span class="govuk-footer__licence-description">{{ footer_note }}</span>
        </div>
      </div>
    </div>
  </footer>
  <script type="module" src="/static/carepurse.mjs?v=0123456789abcdef"></script>
</body>
</html>
""",
    "contact.html": """{% macro contact_details(contact) %}
<dl class="govuk-summary-list">
  {% for label, value in [("Phone", contact.phone), ("Email", contact.email),
                          ("Address", contact.address), ("Opening hours", contact.opening_hours)] %}
  {% if value %}
  <div class="govuk-summary-list__row">
    <dt class="govuk-summary-list__key">{{ label }}</dt>
    <dd class="govuk-summary-list__value">{{ value }}</dd>
  </div>
  {% endif %}
  {% endfor %}
</dl>
{% endmacro %}
""",
    "page.html": """{% extends "layout.html" %}
{% from "contact.html" import contact_details %}
{% block content %}
<div class="govuk-grid-row">
  <div class="govuk-grid-column-two-thirds">
    <span class="govuk-caption-xl">{{ site_name }}</span>
    <h1 class="govuk-heading-xl">{{ service_name }}</h1>
    <p class="govuk-body-l">{{ site_name }} runs this website for people who have a personal budget for their care and support, their families and friends, and the organisations that help them.</p>
    <h2 class="govuk-heading-m">Get help</h2>
    <p class="govuk-body">If you need help or want to talk to someone about your care, contact {{ site_name }}.</p>
    {{ contact_details(contact) }}
    <h2 class="govuk-heading-m">Services near you</h2>
    <ul class="govuk-list govuk-list--bullet">
      {% for service in services %}
      <li><a class="govuk-link" href="/services/{{ service.slug }}">{{ service.name }}</a> – {{ service.summary }}</li>
      {% endfor %}
    </ul>
    <p class="govuk-body"><a class="govuk-link" href="/contact">All the ways to contact us</a></p>
  </div>
</div>
{% endblock %}
""",
}

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

templates = Jinja2Templates(
    env=Environment(loader=DictLoader(TEMPLATES), autoescape=True, auto_reload=False)
)


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
    routes=[Route("/healthz", healthz), Route("/page", page), Route("/council", council)],
    lifespan=lifespan,
)
