"""The console's home page; each section has its own routes module."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.console.sections import sections_for
from core.identity.permissions import require_member
from core.web.forms import actor_of, signed_in
from core.web.responses import render


@signed_in
async def console_home(request: Request) -> Response:
    actor = actor_of(request)
    require_member(actor)
    sections = sections_for(actor.council_permissions)
    if not sections:
        return render(request, "council/no_access.html", "Council console", status_code=403)
    return render(request, "council/home.html", "Council console", sections=sections)


routes = [Route("/council", console_home, methods=["GET"], name="console:home")]
