"""Who an ``Authorization: Bearer`` token speaks for: one API client of this council.

The token's signature and claims say what it was issued for; the database says
whether its client may still use it, so revoking a client stops its tokens at
once rather than when they expire.
"""

from __future__ import annotations

from core.identity.actor import Actor
from core.oauth.services import PROVIDER_SCOPES, note_use, usable_client
from core.oauth.tokens import InvalidToken, verify
from core.settings import Settings
from tenants.models import Tenant


async def authenticate_bearer(
    token: str,
    tenant: Tenant,
    request_origin: str,
    *,
    settings: Settings,
    ip: str | None = None,
    now: int | None = None,
) -> Actor:
    """The API client's actor, or InvalidToken (bad, expired, another council's, revoked)."""
    verified = verify(token, settings, origin=request_origin, tenant_id=tenant.id, now=now)
    client = await usable_client(tenant, verified.client_id)
    if client is None:
        raise InvalidToken("the client was revoked")
    await note_use(client)
    allowed = frozenset(client.scopes)
    if client.provider_id is not None:  # type: ignore[attr-defined]
        allowed &= frozenset(PROVIDER_SCOPES)  # never a council scope (ADR 0018)
    return Actor(
        tenant=tenant,
        api_client_name=client.name,
        api_client_id=client.id,
        api_provider_id=client.provider_id,  # type: ignore[attr-defined]
        # A token never carries more than its client is allowed now.
        scopes=verified.scopes & allowed,
        ip=ip,
    )
