"""Rendering pages and error pages with the right site's branding."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core.console.sections import sections_for
from core.runtime import Runtime
from core.theming.page import footer_links, page_notices, tenant_branding


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def page_context(request: Request, page_title: str) -> dict[str, Any]:
    """Layout variables for the site the request is on (a council or the platform)."""
    runtime = runtime_of(request)
    settings = runtime.settings
    plugins = getattr(request.state, "plugins", None)
    actor = getattr(request.state, "actor", None)
    if plugins is None:
        return {
            "actor": actor,
            "page_title": page_title,
            "site_name": settings.platform_name,
            "branding": None,
            "notices": [],
            "theme_css_url": None,
            "footer_links": [],
            "footer_note": f"{settings.platform_name}: personal budgets marketplace for councils",
            "platform_contact_email": settings.platform_contact_email,
        }
    tenant = request.state.tenant
    branding = tenant_branding(plugins)
    return {
        "actor": actor,
        "console_sections": sections_for(actor.council_permissions) if actor else [],
        "page_title": page_title,
        "site_name": branding.council_name,
        "branding": branding,
        "notices": page_notices(plugins, request.url.path),
        "theme_css_url": f"/theme.css?v={tenant.config_version}",
        "footer_links": footer_links(branding),
        "footer_note": f"Run by {branding.council_name} with {settings.platform_name}",
        "platform_contact_email": settings.platform_contact_email,
    }


def render(
    request: Request, template: str, page_title: str, status_code: int = 200, **values: Any
) -> Response:
    templates = request.app.state.templates
    context = page_context(request, page_title) | values
    return templates.TemplateResponse(request, template, context, status_code=status_code)
