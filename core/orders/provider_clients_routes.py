"""Provider console pages for the provider's own systems: list, create (secret shown once)
and revoke API clients tied to the provider (ADR 0018).

Only an owner of the provider's team may do this (checked by the services in
``core.oauth.services``); a client made here may only read its stores' orders, answer
them and push deliveries, never anything of the council's.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.api.scopes import SCOPES
from core.errors import InvalidInput, NotFound
from core.marketplace.provider_routes import console
from core.oauth import services
from core.oauth.console import ClientRow, token_url
from core.oauth.models import ApiClient
from core.web.forms import actor_of, field_errors, form_values, see_other
from core.web.responses import render

BASE = "/provider/api-clients"
TEMPLATES = "orders/provider_api_clients"
# What each scope lets a provider's system do, in the provider's own terms.
PROVIDER_SCOPE_WORDS = {
    "orders:read": "Read your new and past orders, their bookings, visits and timesheets",
    "orders:write": "Accept or decline your orders",
    "deliveries:write": "Record what was delivered (timesheets) for your visits",
}
assert set(PROVIDER_SCOPE_WORDS) == set(services.PROVIDER_SCOPES) <= set(SCOPES)


def _row(client: ApiClient) -> ClientRow:
    return replace(ClientRow.of(client), revoke_href=f"{BASE}/revoke?client={client.client_id}")


async def _list_page(
    request: Request,
    status: int = 200,
    errors: dict[str, str] | None = None,
    name: str = "",
    chosen: list[str] | None = None,
) -> Response:
    actor = actor_of(request)
    clients = await services.list_provider_clients(actor)
    store = await services.require_provider_owner(actor)
    await store.fetch_related("provider")
    just_revoked = request.query_params.get("revoked")
    revoked = next(
        (c for c in clients if c.client_id == just_revoked and c.revoked_at is not None), None
    )
    return render(
        request,
        f"{TEMPLATES}.html",
        "Error: Your systems" if errors else "Your systems",
        status_code=status,
        store=store,
        clients=[_row(c) for c in clients],
        revoked=revoked,
        errors=errors or {},
        name=name,
        chosen=chosen or [],
        scopes=PROVIDER_SCOPE_WORDS,
    )


@console
async def clients_page(request: Request) -> Response:
    return await _list_page(request)


@console
async def create_client(request: Request) -> Response:
    """Create, then show the secret in this response only: it is never stored to show again."""
    form = await request.form()
    name = str(form.get("name") or "").strip()
    chosen = [str(value) for value in form.getlist("scopes")]
    actor = actor_of(request)
    try:
        client, secret = await services.create_provider_client(actor, name, chosen)
    except InvalidInput as error:
        return await _list_page(request, 400, field_errors(error.problems), name, chosen)
    store = await services.require_provider_owner(actor)
    response = render(
        request,
        f"{TEMPLATES}_created.html",
        "System connected",
        store=store,
        client=_row(client),
        secret=secret,
        token_url=token_url(request),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def _client(request: Request, client_id: str) -> ApiClient:
    actor = actor_of(request)
    for client in await services.list_provider_clients(actor):
        if client.client_id == client_id:
            return client
    raise NotFound("no such API client")


@console
async def revoke_form(request: Request) -> Response:
    client = await _client(request, request.query_params.get("client", ""))
    store = await services.require_provider_owner(actor_of(request))
    return render(
        request,
        f"{TEMPLATES}_revoke.html",
        f"Revoke {client.name}",
        store=store,
        client=_row(client),
    )


@console
async def revoke(request: Request) -> Response:
    values = await form_values(request)
    client = await services.revoke_provider_client(actor_of(request), values.get("client", ""))
    return see_other(f"{BASE}?revoked={client.client_id}")


routes: list[BaseRoute] = [
    Route(BASE, clients_page, methods=["GET"], name="provider:api-clients"),
    Route(BASE, create_client, methods=["POST"], name="provider:api-client-create"),
    Route(f"{BASE}/revoke", revoke_form, methods=["GET"], name="provider:api-client-revoke-form"),
    Route(f"{BASE}/revoke", revoke, methods=["POST"], name="provider:api-client-revoke"),
]
