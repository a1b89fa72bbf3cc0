"""Send each request to the platform's site or a council's site, by host name only.

The tenant and its plugins are put on ``request.state`` here, before any route
runs; a route never decides the tenant itself.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from core.api.problem import problem, wants_problem_json
from core.orders.inbox import unread_for_header
from core.web.identity import identify
from core.web.responses import render, runtime_of
from tenants.resolution import SiteKind, resolve_host


def refusal(
    request: Request,
    status: int,
    slug: str,
    detail: str,
    template: str,
    title: str,
    **page_values: Any,
) -> Response:
    """A problem for API paths, a friendly page for people."""
    if wants_problem_json(request.url.path):
        return problem(status, detail, slug=slug)
    return render(request, template, title, status_code=status, **page_values)


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
            state["actor"] = await identify(scope, None, runtime)
            await self.platform_app(scope, receive, send)
            return
        if match.kind == SiteKind.UNKNOWN or match.tenant is None:
            response = refusal(
                request,
                404,
                "unknown-site",
                f"there is no council at {host!r}",
                "errors/unknown_site.html",
                "Council not found",
                host=host.split(":")[0],
            )
            await response(scope, receive, send)
            return
        tenant = match.tenant
        if not tenant.is_active:
            reason = tenant.suspended_reason or "The council has closed this website for now."
            response = refusal(
                request,
                503,
                "tenant-suspended",
                f"{tenant.name} is suspended: {reason}",
                "errors/suspended.html",
                f"{tenant.name} – closed for now",
                council_name=tenant.name,
                reason=reason,
            )
            await response(scope, receive, send)
            return
        state["tenant"] = tenant
        state["plugins"] = runtime.plugins_for(tenant)
        state["actor"] = actor = await identify(scope, tenant, runtime)
        state["unread_notices"] = await unread_for_header(scope, actor)
        await self.tenant_app(scope, receive, send)
