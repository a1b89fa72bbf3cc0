"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise import connections

from workers.health import broker_problem

CHECK_TIMEOUT_SECONDS = 3.0


async def healthz(request: Request) -> JSONResponse:
    """The process is up and serving: no dependencies are touched."""
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


async def _database_problem() -> str | None:
    try:
        await asyncio.wait_for(
            connections.get("default").execute_query("SELECT 1"), CHECK_TIMEOUT_SECONDS
        )
    except Exception as error:
        return f"{type(error).__name__}: {error}"[:200]
    return None


async def readyz(request: Request) -> JSONResponse:
    """Ready for traffic only when the database and the job broker both answer."""
    broker = request.app.state.broker
    checks = {
        "database": await _database_problem(),
        "broker": await asyncio.to_thread(broker_problem, broker, CHECK_TIMEOUT_SECONDS),
    }
    ready = all(problem is None for problem in checks.values())
    body = {
        "status": "ready" if ready else "unavailable",
        "checks": {name: ("ok" if p is None else p) for name, p in checks.items()},
    }
    return JSONResponse(
        body, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"}
    )


routes = [Route("/healthz", healthz), Route("/readyz", readyz)]
