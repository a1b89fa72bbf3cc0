"""Another directory's Open Referral UK API, served for real on loopback by uvicorn.

It serves the services it is given the way the profile's API does: ``/api/`` (the
index), ``/api/services`` in pages of at most two (one-to-one fields only, so the
importer must fetch each ``/api/services/{id}``), plus a few misbehaving addresses.
Every path asked for is logged in ``requests``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from core.directory.incoming import NESTED_KEYS
from tests.support.live_server import free_port

MOST_PER_PAGE = 2


@dataclass
class FeedServer:
    services: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    base: str = ""
    big_body_bytes: int = 0

    def app(self) -> Starlette:
        async def log(request: Request) -> None:
            self.requests.append(
                request.url.path + (f"?{request.url.query}" * bool(request.url.query))
            )

        async def index(request: Request) -> Response:
            await log(request)
            return JSONResponse({"version": "3.0", "profile": "https://example.org/profile"})

        async def services(request: Request) -> Response:
            await log(request)
            per_page = min(int(request.query_params.get("per_page", MOST_PER_PAGE)), MOST_PER_PAGE)
            page = int(request.query_params.get("page", 1))
            chosen = self.services[(page - 1) * per_page : page * per_page]
            pages = max(1, math.ceil(len(self.services) / per_page))
            return JSONResponse(
                {
                    "total_items": len(self.services),
                    "total_pages": pages,
                    "page_number": page,
                    "size": len(chosen),
                    "first_page": page == 1,
                    "last_page": page >= pages,
                    "empty": not chosen,
                    "contents": [
                        {k: v for k, v in item.items() if k not in NESTED_KEYS} for item in chosen
                    ],
                }
            )

        async def service(request: Request) -> Response:
            await log(request)
            wanted = request.path_params["service_id"]
            found = next((s for s in self.services if s["id"] == wanted), None)
            return JSONResponse(found) if found else JSONResponse({}, status_code=404)

        async def package(request: Request) -> Response:
            await log(request)
            return JSONResponse(self.services)

        async def text(request: Request) -> Response:
            await log(request)
            return PlainTextResponse("<html>Directory closed</html>")

        async def huge(request: Request) -> Response:
            await log(request)
            return PlainTextResponse("[" + " " * self.big_body_bytes + "]")

        async def elsewhere(request: Request) -> Response:
            await log(request)
            return RedirectResponse("ftp://files.example/feed.json", status_code=302)

        async def moved(request: Request) -> Response:
            await log(request)
            return RedirectResponse(f"{self.base}/api/", status_code=301)

        return Starlette(
            routes=[
                Route("/api/", index),
                Route("/api/services", services),
                Route("/api/services/{service_id}", service),
                Route("/feed.json", package),
                Route("/closed", text),
                Route("/huge.json", huge),
                Route("/elsewhere", elsewhere),
                Route("/moved", moved),
            ]
        )


@contextmanager
def serving(server: FeedServer, timeout: float = 10) -> Iterator[FeedServer]:
    """Serve on a free loopback port; ``server.base`` is ``http://127.0.0.1:<port>``."""
    port = free_port()
    server.base = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(
        server.app(),
        host="127.0.0.1",
        port=port,
        loop="asyncio",
        http="h11",
        lifespan="off",
        log_level="warning",
        access_log=False,
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, name=f"feed-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not running.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test feed server did not start on port {port}")
        time.sleep(0.02)
    try:
        yield server
    finally:
        running.should_exit = True
        thread.join(timeout)
