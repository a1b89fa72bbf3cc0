"""Who a verified ID token is: an existing identity, or a new account provisioned for it.

Identity is ``(issuer, subject)`` and nothing else. An email address in the
token is never used to find an account: anyone who controls an identity
provider (or an account at one) could otherwise claim a password account by
putting its email in a token. A new account gets the email only if no other
account uses it, and only if the provider did not say it is unverified.

An identity belongs to the council it was first used on; the same
``(issuer, subject)`` presented on another council's site is refused, so one
council's provider can never sign anyone in to another council.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import record
from core.errors import CarepurseError
from core.identity.accounts import AccountBarred, SignedIn, normalise_email
from core.identity.actor import Actor
from core.identity.models import ExternalIdentity, Membership, MembershipStatus, User
from core.oidc.providers import IdentityProvider
from core.oidc.tokens import IdentityClaims
from tenants.models import Tenant

NAME_LENGTH = 120


class ExternalSignInRefused(CarepurseError):
    """A valid token we still will not accept; ``reason`` is for the audit log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def display_name_from(claims: IdentityClaims) -> str:
    """``name``, else given + family name, else the email, else a neutral name."""
    full = " ".join(part for part in (claims.given_name, claims.family_name) if part)
    for candidate in (claims.name, full, claims.email):
        if candidate:
            return " ".join(candidate.split())[:NAME_LENGTH]
    return "Council staff member"


async def _usable_email(claims: IdentityClaims) -> str | None:
    """The token's email for a new account, unless unverified or another account has it."""
    if not claims.email or "@" not in claims.email or claims.email_verified is False:
        return None
    email = normalise_email(claims.email)
    if len(email) > 254 or await User.exists(email=email):
        return None
    return email


async def _create(tenant: Tenant, claims: IdentityClaims, email: str | None) -> User:
    async with in_transaction():
        user = await User.create(email=email, display_name=display_name_from(claims))
        await ExternalIdentity.create(
            user=user, tenant_id=tenant.id, issuer=claims.issuer, subject=claims.subject
        )
    return user


async def _new_user(tenant: Tenant, claims: IdentityClaims) -> User | None:
    """A new account and identity; ``None`` if another council's identity won a race."""
    try:
        return await _create(tenant, claims, await _usable_email(claims))
    except IntegrityError:
        # Another tab finished first (same identity), or the email was taken a moment ago.
        existing = await ExternalIdentity.get_or_none(
            issuer=claims.issuer, subject=claims.subject
        ).prefetch_related("user")
        if existing is not None:
            return existing.user if existing.tenant_id == tenant.id else None
        return await _create(tenant, claims, None)


async def _membership(tenant: Tenant, user: User, provider: IdentityProvider) -> Membership:
    """The user's place in this council, made with the provider's default roles if none."""
    membership = await Membership.get_or_none(tenant_id=tenant.id, user_id=user.id)
    if membership is not None:
        return membership
    roles = [role.value for role in provider.default_roles]
    try:
        membership = await Membership.create(tenant_id=tenant.id, user=user, roles=roles)
    except IntegrityError:
        return await Membership.get(tenant_id=tenant.id, user_id=user.id)
    await record(
        tenant.id,
        AuditAction.MEMBER_ADDED,
        Actor(tenant=tenant, user=user),
        target_type="membership",
        target_id=membership.id,
        target_label=user.display_name,
        details={"roles": roles, "method": "oidc", "issuer": provider.issuer},
    )
    return membership


async def sign_in_with_identity(
    tenant: Tenant, provider: IdentityProvider, claims: IdentityClaims, ip: str | None
) -> SignedIn:
    """Sign in (provisioning on first use) the person a *verified* ID token names.

    Raises :class:`ExternalSignInRefused` or :class:`AccountBarred`; both are
    audited, as is the sign-in itself.
    """
    attempt = Actor(tenant=tenant, ip=ip)
    details = {"method": "oidc", "issuer": provider.issuer}

    async def refuse(reason: str) -> ExternalSignInRefused:
        await record(
            tenant.id,
            AuditAction.SIGN_IN_FAILED,
            attempt,
            target_type="external_identity",
            target_label=f"{claims.issuer} {claims.subject}",
            details={**details, "reason": reason},
        )
        return ExternalSignInRefused(reason)

    if claims.issuer != provider.issuer:  # verify_id_token checked this; never trust callers
        raise await refuse("the token is from another issuer")
    if not provider.allows_email(claims.email if claims.email_verified is not False else None):
        raise await refuse("the email address is not in one of the council's domains")
    identity = await ExternalIdentity.get_or_none(
        issuer=claims.issuer, subject=claims.subject
    ).prefetch_related("user")
    if identity is not None and identity.tenant_id != tenant.id:
        raise await refuse("the identity belongs to another council")
    user = identity.user if identity is not None else await _new_user(tenant, claims)
    if user is None:
        raise await refuse("the identity belongs to another council")
    membership = await _membership(tenant, user, provider)
    actor = Actor(tenant=tenant, user=user, membership=membership, ip=ip)
    if membership.status == MembershipStatus.BARRED:
        await record(
            tenant.id,
            AuditAction.SIGN_IN_FAILED,
            actor,
            target_type="membership",
            target_id=membership.id,
            details={**details, "reason": "barred"},
        )
        raise AccountBarred(membership)
    await record(
        tenant.id,
        AuditAction.SIGN_IN,
        actor,
        target_type="user",
        target_id=user.id,
        details=details,
    )
    return SignedIn(user, membership)
