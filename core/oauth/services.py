"""Creating, listing and revoking a council's API clients.

Council admins act through ``create_client`` & co (permission checked here, not
only in the pages); the platform operator's command line uses the
``*_as_operator`` variants, which take the council explicitly. Every change is
audited on the council's chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from tortoise.transactions import in_transaction

from core.api.scopes import SCOPES
from core.audit.actions import AuditAction
from core.audit.services import Auditable, SystemActor, record
from core.clock import utcnow
from core.errors import FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.models import User
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.oauth.credentials import (
    looks_like_client_id,
    new_client_id,
    new_secret,
    secret_digest,
)
from core.oauth.models import ApiClient
from tenants.models import Tenant

NAME_MAX_LENGTH = 120
# last_used_at is a hint for admins ("is anything still using this?"), not a log:
# written at most this often, not on every API call.
TOUCH_EVERY = timedelta(minutes=1)

# All a provider's own system may ever do (ADR 0018): never a council scope.
PROVIDER_SCOPES = ("orders:read", "orders:write", "deliveries:write")

# Who did it when the platform operator runs ``carepurse client ...``.
OPERATOR = SystemActor(audit_label="Platform operator (command line)")


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(
            "enter a name", [FieldProblem("name", "Enter a name for the API client")]
        )
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            "name too long",
            [FieldProblem("name", f"Name must be {NAME_MAX_LENGTH} characters or fewer")],
        )
    return name


def check_scopes(scopes: Iterable[str]) -> list[str]:
    """Known scopes only, at least one; returned without repeats in the catalogue's order."""
    wanted = {scope.strip() for scope in scopes if scope.strip()}
    unknown = sorted(wanted - SCOPES.keys())
    if unknown:
        listed = ", ".join(repr(scope) for scope in unknown)
        raise InvalidInput(
            "unknown scope",
            [FieldProblem("scopes", f"There is no scope called {listed}")],
        )
    if not wanted:
        raise InvalidInput(
            "choose a scope", [FieldProblem("scopes", "Select at least one thing it may do")]
        )
    return [scope for scope in SCOPES if scope in wanted]


def _check(
    name: str, scopes: Iterable[str], *, for_provider: bool = False
) -> tuple[str, list[str]]:
    """Both fields checked, so a form shows every problem at once. A provider's system may
    hold only :data:`PROVIDER_SCOPES`."""
    problems: list[FieldProblem] = []
    checked_name, checked_scopes = "", []
    try:
        checked_name = check_name(name)
    except InvalidInput as error:
        problems += error.problems
    try:
        checked_scopes = check_scopes(scopes)
    except InvalidInput as error:
        problems += error.problems
    if for_provider and (council := [s for s in checked_scopes if s not in PROVIDER_SCOPES]):
        listed = ", ".join(repr(scope) for scope in council)
        problems.append(FieldProblem("scopes", f"A provider's system may not have {listed}"))
    if problems:
        raise InvalidInput("the API client was not created", problems)
    return checked_name, checked_scopes


async def require_manager(actor: Actor) -> Tenant:
    """The actor's council, if they may manage its API clients (else refused and audited)."""
    await require_council(actor, Permission.MANAGE_API_CLIENTS)
    assert actor.tenant is not None  # a membership is always in this council
    return actor.tenant


async def _create(
    tenant: Tenant,
    name: str,
    scopes: Iterable[str],
    created_by: User | None,
    auditor: Auditable,
    provider: Any = None,
) -> tuple[ApiClient, str]:
    """``provider`` set: the provider's own system (ADR 0018), limited to its scopes."""
    checked_name, checked_scopes = _check(name, scopes, for_provider=provider is not None)
    secret = new_secret()
    async with in_transaction():
        client = await ApiClient.create(
            tenant=tenant,
            name=checked_name,
            client_id=new_client_id(),
            secret_hash=secret_digest(secret),
            scopes=checked_scopes,
            created_by=created_by,
            provider=provider,
        )
        details: dict[str, Any] = {"scopes": checked_scopes}
        if provider is not None:
            details["provider_id"] = str(provider.id)
        await record(
            tenant.id,
            AuditAction.API_CLIENT_CREATED,
            auditor,
            target_type="api_client",
            target_id=client.client_id,
            target_label=client.name,
            details=details,
        )
    return client, secret


async def create_client(actor: Actor, name: str, scopes: Iterable[str]) -> tuple[ApiClient, str]:
    """A new client for the actor's council; the plain secret is returned once, never stored."""
    tenant = await require_manager(actor)
    return await _create(tenant, name, scopes, actor.user, actor)


async def create_client_as_operator(
    tenant: Tenant, name: str, scopes: Iterable[str], provider: Any = None
) -> tuple[ApiClient, str]:
    """The platform operator's way in (``carepurse client create``): no member needed.
    ``provider``: make it that provider's own system instead of a council partner's."""
    return await _create(tenant, name, scopes, None, OPERATOR, provider)


# --- a provider's own systems (ADR 0018) ----------------------------------------------


async def require_provider_owner(actor: Actor) -> Any:
    """The store the actor owns here (an owner of its provider's team); else refused."""
    from core.marketplace.providers import OWNERS, console_store

    store, _ = await console_store(actor, OWNERS)
    return store


async def create_provider_client(
    actor: Actor, name: str, scopes: Iterable[str]
) -> tuple[ApiClient, str]:
    """A client for the owner's provider in this council; the secret is returned once."""
    store = await require_provider_owner(actor)
    assert actor.tenant is not None
    provider = await store.provider
    return await _create(actor.tenant, name, scopes, actor.user, actor, provider)


async def list_provider_clients(actor: Actor) -> list[ApiClient]:
    """The owner's provider's clients in this council (never the council's own)."""
    store = await require_provider_owner(actor)
    return _in_display_order(
        await ApiClient.filter(tenant_id=store.tenant_id, provider_id=store.provider_id)
    )


async def revoke_provider_client(actor: Actor, client_id: str) -> ApiClient:
    """Revoke one of the owner's provider's clients; any other is not found."""
    store = await require_provider_owner(actor)
    assert actor.tenant is not None
    client = await _find(actor.tenant, client_id)
    if client.provider_id != store.provider_id:  # type: ignore[attr-defined]
        raise NotFound("no such API client")
    return await _revoke(actor.tenant, client_id, actor)


def _in_display_order(clients: list[ApiClient]) -> list[ApiClient]:
    """Clients still in use first, then revoked ones; by name within each."""
    return sorted(clients, key=lambda c: (c.revoked_at is not None, c.name.lower()))


async def list_clients_as_operator(tenant: Tenant) -> list[ApiClient]:
    return _in_display_order(await ApiClient.filter(tenant_id=tenant.id))


async def list_clients(actor: Actor) -> list[ApiClient]:
    return await list_clients_as_operator(await require_manager(actor))


async def _find(tenant: Tenant, client_id: str) -> ApiClient:
    """One of this council's clients; another council's is simply not found."""
    client = (
        await ApiClient.get_or_none(tenant_id=tenant.id, client_id=client_id)
        if looks_like_client_id(client_id)
        else None
    )
    if client is None:
        raise NotFound("no such API client")
    return client


async def get_client(actor: Actor, client_id: str) -> ApiClient:
    return await _find(await require_manager(actor), client_id)


async def _revoke(tenant: Tenant, client_id: str, auditor: Auditable) -> ApiClient:
    client = await _find(tenant, client_id)
    async with in_transaction():
        # Conditional, so two revokes at once still make one change and one audit row.
        changed = await ApiClient.filter(id=client.id, revoked_at__isnull=True).update(
            revoked_at=utcnow()
        )
        if changed:
            await record(
                tenant.id,
                AuditAction.API_CLIENT_REVOKED,
                auditor,
                target_type="api_client",
                target_id=client.client_id,
                target_label=client.name,
            )
    await client.refresh_from_db()
    return client


async def revoke_client(actor: Actor, client_id: str) -> ApiClient:
    """Stop a client at once: new tokens are refused and tokens already issued stop working."""
    return await _revoke(await require_manager(actor), client_id, actor)


async def revoke_client_as_operator(tenant: Tenant, client_id: str) -> ApiClient:
    return await _revoke(tenant, client_id, OPERATOR)


async def usable_client(tenant: Tenant, client_id: str | None) -> ApiClient | None:
    """The client a token request or a bearer token names, if it may still be used here."""
    if client_id is None or not looks_like_client_id(client_id):
        return None
    return await ApiClient.get_or_none(
        tenant_id=tenant.id, client_id=client_id, revoked_at__isnull=True
    )


async def note_use(client: ApiClient) -> None:
    """Record that the client was used, at most once a minute."""
    now = utcnow()
    if client.last_used_at is not None and now - client.last_used_at < TOUCH_EVERY:
        return
    client.last_used_at = now
    await ApiClient.filter(id=client.id).update(last_used_at=now)
