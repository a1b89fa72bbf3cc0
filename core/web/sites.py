"""Send each request to the platform's site or a council's site, by host name only.

The tenant and its plugins are put on ``request.state`` here, before any route
runs; a route never decides the tenant itself.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from core.api.problem import problem, wants_problem_json
from core.web.responses import render, runtime_of
from tenants.resolution import SiteKind, resolve_host


class SiteDispatcher:
    def __init__(self, platform_app: ASGIApp, tenant_app: ASGIApp) -> None:
        self.platform_app = platform_app
        self.tenant_app = tenant_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.platform_app(scope, receive, send)
            return
        request = Request(scope, receive)
        runtime = runtime_of(request)
        host = Headers(scope=scope).get("host", "")
        match = await resolve_host(host, runtime.settings.base_domain)
        state = scope.setdefault("state", {})
        state["site"] = match.kind
        if match.kind == SiteKind.PLATFORM:
            await self.platform_app(scope, receive, send)
            return
        if match.kind == SiteKind.UNKNOWN or match.tenant is None:
            response = (
                problem(404, f"there is no council at {host!r}", slug="unknown-site")
                if wants_problem_json(request.url.path)
                else render(
                    request,
                    "errors/unknown_site.html",
                    "Council not found",
                    status_code=404,
                    host=host.split(":")[0],
                )
            )
            await response(scope, receive, send)
            return
        tenant = match.tenant
        if not tenant.is_active:
            reason = tenant.suspended_reason or "The council has closed this website for now."
            response = (
                problem(503, f"{tenant.name} is suspended: {reason}", slug="tenant-suspended")
                if wants_problem_json(request.url.path)
                else render(
                    request,
                    "errors/suspended.html",
                    f"{tenant.name} – closed for now",
                    status_code=503,
                    council_name=tenant.name,
                    reason=reason,
                )
            )
            await response(scope, receive, send)
            return
        state["tenant"] = tenant
        state["plugins"] = runtime.plugins_for(tenant)
        await self.tenant_app(scope, receive, send)
