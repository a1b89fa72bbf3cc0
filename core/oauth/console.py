"""Council console pages for API clients: list, create (secret shown once) and revoke.

Permission is checked by the services (council admins hold MANAGE_API_CLIENTS);
these handlers only read forms and pick pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.api.scopes import SCOPES
from core.errors import InvalidInput
from core.marketplace.models import Provider
from core.oauth import services
from core.oauth.models import ApiClient
from core.oauth.tokens import council_origin
from core.settings import UK_TIMEZONE
from core.web.forms import actor_of, field_errors, see_other, signed_in
from core.web.responses import render

BASE = "/council/api-clients"


def uk_datetime(moment: datetime | None) -> str:
    """``4 March 2026 at 2:05pm`` in UK time, as GOV.UK writes it."""
    if moment is None:
        return ""
    local = moment.astimezone(UK_TIMEZONE)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


@dataclass(frozen=True)
class ClientRow:
    """What the list shows for one client (never its secret, which is not kept)."""

    name: str
    client_id: str
    scopes: list[str]
    created: str
    last_used: str
    revoked: str
    revoke_href: str
    # The provider whose own system this is; empty for the council's partner systems.
    provider: str = ""

    @classmethod
    def of(cls, client: ApiClient, provider: str = "") -> ClientRow:
        return cls(
            name=client.name,
            client_id=client.client_id,
            scopes=list(client.scopes),
            created=uk_datetime(client.created_at),
            last_used=uk_datetime(client.last_used_at) or "Never",
            revoked=uk_datetime(client.revoked_at),
            revoke_href=f"{BASE}/{client.client_id}/revoke",
            provider=provider,
        )


async def provider_names(clients: list[ApiClient]) -> dict[UUID, str]:
    """Names of the providers owning these clients, so an admin can tell a provider's own
    system from the council's partner systems (one query, whatever the number of clients)."""
    ids = {client.provider_id for client in clients if client.provider_id}  # type: ignore[attr-defined]
    if not ids:
        return {}
    return dict(await Provider.filter(id__in=ids).values_list("id", "name"))


async def council_row(client: ApiClient) -> ClientRow:
    names = await provider_names([client])
    return ClientRow.of(client, names.get(client.provider_id, ""))  # type: ignore[attr-defined]


def token_url(request: Request) -> str:
    return council_origin(request.url.scheme, request.headers.get("host", "")) + "/oauth/token"


@signed_in
async def clients_page(request: Request) -> Response:
    clients = await services.list_clients(actor_of(request))
    names = await provider_names(clients)
    just_revoked = request.query_params.get("revoked")
    revoked = next(
        (c for c in clients if c.client_id == just_revoked and c.revoked_at is not None), None
    )
    return render(
        request,
        "council/api_clients/list.html",
        "API clients",
        clients=[ClientRow.of(c, names.get(c.provider_id, "")) for c in clients],  # type: ignore[attr-defined]
        revoked=revoked,
    )


def _new_client_page(
    request: Request,
    status: int = 200,
    errors: dict[str, str] | None = None,
    name: str = "",
    chosen: list[str] | None = None,
) -> Response:
    return render(
        request,
        "council/api_clients/new.html",
        "Create an API client" if not errors else "Error: Create an API client",
        status_code=status,
        errors=errors or {},
        name=name,
        chosen=chosen or [],
        scopes=SCOPES,
    )


@signed_in
async def new_client_form(request: Request) -> Response:
    await services.require_manager(actor_of(request))
    return _new_client_page(request)


@signed_in
async def create_client(request: Request) -> Response:
    """Create, then show the secret in this response only: it is never stored to show again."""
    form = await request.form()
    name = str(form.get("name") or "").strip()
    chosen = [str(value) for value in form.getlist("scopes")]
    try:
        client, secret = await services.create_client(actor_of(request), name, chosen)
    except InvalidInput as error:
        return _new_client_page(request, 400, field_errors(error.problems), name, chosen)
    response = render(
        request,
        "council/api_clients/created.html",
        "API client created",
        client=ClientRow.of(client),
        secret=secret,
        token_url=token_url(request),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@signed_in
async def revoke_form(request: Request) -> Response:
    client = await services.get_client(actor_of(request), request.path_params["client_id"])
    return render(
        request,
        "council/api_clients/revoke.html",
        f"Revoke {client.name}",
        client=await council_row(client),
    )


@signed_in
async def revoke(request: Request) -> Response:
    client = await services.revoke_client(actor_of(request), request.path_params["client_id"])
    return see_other(f"{BASE}?revoked={client.client_id}")


routes = [
    Route(BASE, clients_page, methods=["GET"], name="console:api-clients"),
    Route(f"{BASE}/new", new_client_form, methods=["GET"], name="console:api-client-new"),
    Route(f"{BASE}/new", create_client, methods=["POST"], name="console:api-client-create"),
    Route(
        BASE + "/{client_id}/revoke",
        revoke_form,
        methods=["GET"],
        name="console:api-client-revoke-form",
    ),
    Route(BASE + "/{client_id}/revoke", revoke, methods=["POST"], name="console:api-client-revoke"),
]
