"""Pages on the platform's own host (the base domain)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.web.responses import render, runtime_of
from tenants.services import list_tenants


def council_url(request: Request, slug: str) -> tuple[str, str]:
    """The council's address on this platform, keeping the scheme and port in use."""
    host = f"{slug}.{runtime_of(request).settings.base_domain}"
    port = request.url.port
    netloc = f"{host}:{port}" if port else host
    return f"{request.url.scheme}://{netloc}/", host


async def landing(request: Request) -> Response:
    councils = []
    for tenant in await list_tenants(active_only=True):
        url, host = council_url(request, tenant.slug)
        councils.append({"name": tenant.name, "url": url, "host": host})
    return render(
        request,
        "platform/landing.html",
        runtime_of(request).settings.platform_name,
        councils=councils,
    )


routes = [Route("/", landing, name="platform:landing")]
