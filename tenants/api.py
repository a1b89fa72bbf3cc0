"""JSON endpoints about the council the request is for."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.api.openapi import Operation
from core.theming.page import tenant_branding
from tenants.schemas import CouncilOut


async def get_council(request: Request) -> Response:
    tenant = request.state.tenant
    body = CouncilOut.build(
        slug=tenant.slug,
        name=tenant.name,
        status=tenant.status.value,
        branding=tenant_branding(request.state.plugins),
        stylesheet_url=f"/theme.css?v={tenant.config_version}",
    )
    return JSONResponse(body.model_dump(mode="json"))


operations = [
    Operation(
        method="GET",
        path="/council",
        operation_id="getCouncil",
        summary="The council this host serves",
        description="Name, contact details and branding, as shown on every page of its site. "
        "No token needed: this is public information.",
        response_model=CouncilOut,
        tags=("council",),
        problems=(404, 503),
    )
]
endpoints = {"getCouncil": get_council}
