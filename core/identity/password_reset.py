"""Forgotten passwords: a one-time link by email, valid for an hour."""

from __future__ import annotations

from datetime import timedelta

from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import utcnow
from core.email.services import queue_email
from core.errors import FieldProblem, InvalidInput
from core.identity import throttle
from core.identity.accounts import check_new_password, normalise_email, set_password
from core.identity.actor import Actor
from core.identity.models import Membership, PasswordResetToken, User
from core.identity.secrets import new_token, token_digest
from core.identity.sessions import end_all_sessions
from tenants.models import Tenant

LINK_LIFETIME = timedelta(hours=1)
EXPIRED = "This link has expired or has already been used. Ask for a new one."


async def request_reset(tenant: Tenant | None, email: str, site_url: str, ip: str | None) -> None:
    """Email a reset link if the address belongs to someone on this site; silent otherwise.

    The caller always shows the same message, so the form cannot be used to
    find out who has an account.
    """
    email = normalise_email(email)
    user = await User.get_or_none(email=email)
    if user is None:
        return
    if tenant is not None and not await Membership.exists(tenant_id=tenant.id, user_id=user.id):
        return
    if tenant is None and not user.is_platform_operator:
        return
    token = new_token()
    await PasswordResetToken.create(
        user=user, token_hash=token_digest(token), expires_at=utcnow() + LINK_LIFETIME
    )
    site_name = tenant.name if tenant else "Carepurse"
    await queue_email(
        tenant.id if tenant else None,
        email,
        f"Reset your password for {site_name}",
        f"Hello {user.display_name},\n\n"
        f"Someone asked to reset the password for your account on {site_name}.\n"
        f"If it was you, open this link within the next hour to choose a new password:\n\n"
        f"{site_url.rstrip('/')}/reset-password/{token}\n\n"
        "If it was not you, you can ignore this email: your password has not changed.\n",
        purpose="password_reset",
    )
    await record(
        tenant.id if tenant else None,
        AuditAction.PASSWORD_RESET_REQUESTED,
        Actor(tenant=tenant, user=user, ip=ip),
        target_type="user",
        target_id=user.id,
    )


async def valid_reset(token: str) -> PasswordResetToken:
    reset = await PasswordResetToken.get_or_none(
        token_hash=token_digest(token), used_at__isnull=True, expires_at__gt=utcnow()
    ).prefetch_related("user")
    if reset is None:
        raise InvalidInput(EXPIRED, [FieldProblem("token", EXPIRED)])
    return reset


async def complete_reset(
    tenant: Tenant | None, token: str, password: str, confirm: str, ip: str | None
) -> User:
    """Set the new password, spend the link, and sign the account out everywhere."""
    reset = await valid_reset(token)
    if password != confirm:
        raise InvalidInput(
            "the passwords do not match", [FieldProblem("confirm", "Enter the same password twice")]
        )
    user = reset.user
    check_new_password(password, user.email)
    # Spend the link first (conditionally): of two submissions, only one proceeds.
    spent = await PasswordResetToken.filter(id=reset.id, used_at__isnull=True).update(
        used_at=utcnow()
    )
    if not spent:
        raise InvalidInput(EXPIRED, [FieldProblem("token", EXPIRED)])
    await set_password(user, password)
    await end_all_sessions(user.id)
    if user.email:
        await throttle.clear(user.email)
    await record(
        tenant.id if tenant else None,
        AuditAction.PASSWORD_CHANGED,
        Actor(tenant=tenant, user=user, ip=ip),
        target_type="user",
        target_id=user.id,
        details={"via": "reset link"},
    )
    return user
