"""Starting and finishing a sign-in through a council's identity provider.

The web layer hands over the request's parts; everything that decides whether
someone is signed in happens here, with every refusal audited, so the routes
stay thin and this can be tested without a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from core.audit.actions import AuditAction
from core.audit.services import record
from core.errors import CarepurseError
from core.identity.accounts import SignedIn
from core.identity.actor import Actor
from core.oidc.accounts import ExternalSignInRefused, sign_in_with_identity
from core.oidc.discovery import Discovery, DiscoveryError
from core.oidc.discovery import discovery as shared_discovery
from core.oidc.flow import (
    PendingSignIn,
    ProviderUnavailable,
    authorization_url,
    exchange_code,
    fetch_userinfo,
    seal,
)
from core.oidc.providers import IdentityProvider
from core.oidc.tokens import IdentityClaims, IdTokenRefused, key_id, knows_key, verify_id_token
from tenants.models import Tenant


class FailureKind(StrEnum):
    """What the person is told; the precise reason goes to the audit log."""

    EXPIRED = "expired"  # no, stale or mismatched state: start again
    CANCELLED = "cancelled"  # the provider said no (the person cancelled, or was refused)
    REFUSED = "refused"  # the token or identity is not acceptable here
    UNAVAILABLE = "unavailable"  # the provider could not be reached


class SignInFailed(CarepurseError):
    def __init__(self, kind: FailureKind, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


async def start_sign_in(
    tenant: Tenant,
    provider: IdentityProvider,
    redirect_uri: str,
    next_url: str,
    secret_key: str,
    discovery: Discovery = shared_discovery,
) -> tuple[str, str]:
    """Return the provider's sign-in URL and the cookie value that remembers this attempt."""
    try:
        metadata = await discovery.metadata(provider.issuer)
    except DiscoveryError as error:
        await _audit_failure(tenant, provider, None, f"provider unavailable: {error}")
        raise SignInFailed(FailureKind.UNAVAILABLE, str(error)) from error
    pending = PendingSignIn.start(tenant.id, provider.name, redirect_uri, next_url)
    return authorization_url(metadata, provider, pending), seal(pending, secret_key)


async def _audit_failure(
    tenant: Tenant, provider: IdentityProvider, ip: str | None, reason: str
) -> None:
    await record(
        tenant.id,
        AuditAction.SIGN_IN_FAILED,
        Actor(tenant=tenant, ip=ip),
        target_type="identity_provider",
        target_label=provider.name,
        details={"method": "oidc", "issuer": provider.issuer, "reason": reason},
    )


async def _fail(
    tenant: Tenant, provider: IdentityProvider, ip: str | None, kind: FailureKind, reason: str
) -> SignInFailed:
    await _audit_failure(tenant, provider, ip, reason)
    return SignInFailed(kind, reason)


async def verified_identity(
    provider: IdentityProvider, pending: PendingSignIn, code: str, discovery: Discovery
) -> IdentityClaims:
    """Exchange the code and check the ID token against the issuer this council configured."""
    metadata = await discovery.metadata(provider.issuer)
    tokens = await exchange_code(metadata, provider, pending, code, transport=discovery.transport)
    keys = await discovery.keys(provider.issuer)
    if not knows_key(keys, key_id(tokens.id_token)):
        keys = await discovery.keys(provider.issuer, refresh=True)  # rotated keys
    claims = verify_id_token(
        tokens.id_token,
        keys,
        issuer=provider.issuer,
        client_id=provider.client_id,
        nonce=pending.nonce,
    )
    if (claims.email is None or claims.name is None) and tokens.access_token:
        userinfo = await fetch_userinfo(metadata, tokens.access_token, discovery.transport)
        claims = claims.with_profile(userinfo)
    return claims


async def finish_sign_in(
    tenant: Tenant,
    provider: IdentityProvider,
    pending: PendingSignIn | None,
    params: Mapping[str, str],
    ip: str | None,
    discovery: Discovery = shared_discovery,
) -> SignedIn:
    """Check the browser's return from the provider and sign the person in.

    ``pending`` is the attempt this browser started (``None`` if its cookie is
    missing, tampered with or expired); ``params`` the callback's query.
    Raises :class:`SignInFailed`, or ``AccountBarred`` for a barred member.
    """
    if pending is None or pending.tenant_id != tenant.id or pending.provider != provider.name:
        raise await _fail(tenant, provider, ip, FailureKind.EXPIRED, "no sign-in in progress")
    if not pending.matches_state(params.get("state")):
        raise await _fail(tenant, provider, ip, FailureKind.EXPIRED, "state does not match")
    if "error" in params:
        reason = f"provider returned {params['error'][:100]}"
        raise await _fail(tenant, provider, ip, FailureKind.CANCELLED, reason)
    code = params.get("code")
    if not code:
        raise await _fail(tenant, provider, ip, FailureKind.REFUSED, "no code returned")
    try:
        claims = await verified_identity(provider, pending, code, discovery)
    except (DiscoveryError, ProviderUnavailable) as error:
        reason = f"provider unavailable: {error}"
        raise await _fail(tenant, provider, ip, FailureKind.UNAVAILABLE, reason) from error
    except IdTokenRefused as refused:
        raise await _fail(tenant, provider, ip, FailureKind.REFUSED, refused.reason) from None
    try:
        return await sign_in_with_identity(tenant, provider, claims, ip)
    except ExternalSignInRefused as refused:  # already audited
        raise SignInFailed(FailureKind.REFUSED, refused.reason) from None
