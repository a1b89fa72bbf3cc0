"""Routes under ``/api/v1`` on a council's host, and their OpenAPI document."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.accreditation import api as accreditation_api
from core.api.openapi import Operation, build_document
from core.audit import api as audit_api
from core.budgets import api as budgets_api
from core.identity import api as identity_api
from core.marketplace import needs_routes, providers_api, services_api
from core.orders import bookings_api, deliveries_api, orders_api
from core.web.responses import render
from tenants import api as tenants_api

API_VERSION = "1.0.0"
API_MODULES = (
    tenants_api,
    identity_api,
    audit_api,
    budgets_api,
    providers_api,
    services_api,
    accreditation_api,
    needs_routes,
    orders_api,
    bookings_api,
    deliveries_api,
)
OPERATIONS: list[Operation] = [op for module in API_MODULES for op in module.operations]
ENDPOINTS = {name: fn for module in API_MODULES for name, fn in module.endpoints.items()}


def openapi_document() -> dict[str, object]:
    return build_document(OPERATIONS, title="Carepurse API", version=API_VERSION)


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi_document())


async def docs(request: Request) -> Response:
    """Readable API reference, rendered on the server (works without JavaScript)."""
    document = openapi_document()
    return render(request, "api/docs.html", "API reference", document=document)


def _route(op: Operation) -> BaseRoute:
    return Route(op.path, ENDPOINTS[op.operation_id], methods=[op.method], name=op.operation_id)


routes: list[BaseRoute] = [
    Route("/openapi.json", openapi_json, name="api:openapi"),
    Route("/docs", docs, name="api:docs"),
    *(_route(op) for op in OPERATIONS),
]
