"""A council's public pages: home, contact, accessibility, its stylesheet and public files."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.storage.base import FileMissing, UnsafeKey
from core.theming.page import tenant_branding
from core.theming.stylesheet import stylesheet_for
from core.web.responses import render, runtime_of

ONE_YEAR = 31_536_000
# Files a council has made public (its logo, say) live under this storage prefix;
# nothing outside it is ever served by /media.
PUBLIC_PREFIX = "public/"


async def home(request: Request) -> Response:
    branding = tenant_branding(request.state.plugins)
    return render(request, "tenant/home.html", branding.service_name)


async def contact(request: Request) -> Response:
    return render(request, "tenant/contact.html", "Contact us")


async def accessibility(request: Request) -> Response:
    return render(request, "tenant/accessibility.html", "Accessibility statement")


async def theme_css(request: Request) -> Response:
    """The council's colours as CSS custom properties; cached for a year per config version."""
    tenant, plugins = request.state.tenant, request.state.plugins
    css = plugins.memo.get("stylesheet")
    if css is None:  # colour maths once per config version, not per request
        css = plugins.memo["stylesheet"] = stylesheet_for(tenant_branding(plugins))
    current = request.query_params.get("v") == str(tenant.config_version)
    cache = f"public, max-age={ONE_YEAR}, immutable" if current else "no-cache"
    return Response(css, media_type="text/css", headers={"Cache-Control": cache})


async def public_file(request: Request) -> Response:
    key = request.path_params["key"]
    runtime = runtime_of(request)
    try:
        stored = await runtime.storage.get(request.state.tenant.id, PUBLIC_PREFIX + key)
    except (FileMissing, UnsafeKey):
        raise HTTPException(404) from None
    return Response(
        stored.data,
        media_type=stored.content_type,
        headers={
            "Cache-Control": "public, max-age=86400",
            # Uploaded SVGs may carry script: never let a file act as a page.
            "Content-Security-Policy": (
                "default-src 'none'; style-src 'unsafe-inline'; object-src 'none'; "
                "base-uri 'none'; frame-ancestors 'none'; sandbox"
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )


routes = [
    Route("/", home, name="tenant:home"),
    Route("/contact", contact, name="tenant:contact"),
    Route("/accessibility", accessibility, name="tenant:accessibility"),
    Route("/theme.css", theme_css, name="tenant:theme-css"),
    Route("/media/{key:path}", public_file, name="tenant:media"),
]
