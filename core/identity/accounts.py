"""Signing in with a password. Every refusal reads the same, so accounts cannot be probed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.audit.actions import AuditAction
from core.audit.services import record
from core.errors import CarepurseError, FieldProblem, InvalidInput
from core.identity import throttle
from core.identity.actor import Actor
from core.identity.models import Membership, MembershipStatus, User
from core.identity.secrets import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from tenants.models import Tenant

GENERIC_REFUSAL = "Enter a correct email address and password"


class SignInRefused(CarepurseError):
    """Wrong email or password, said the same way whichever it was."""


class SignInThrottled(CarepurseError):
    def __init__(self, until: datetime) -> None:
        super().__init__("too many attempts")
        self.until = until


class AccountBarred(CarepurseError):
    """The password was right but this council has barred the account."""

    def __init__(self, membership: Membership) -> None:
        super().__init__(membership.barred_reason or "your account has been barred")
        self.membership = membership


class NotAMember(CarepurseError):
    """The password was right but the account has no place in this council."""

    def __init__(self, user: User, councils: list[Tenant]) -> None:
        super().__init__("this account does not belong to this council")
        self.user = user
        self.councils = councils


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str, email: str | None = None) -> None:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            FieldProblem("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
        )
    elif email and password.strip().lower() == email.lower():
        problems.append(FieldProblem("password", "must not be your email address"))
    if problems:
        raise InvalidInput("choose a different password", problems)


@dataclass(frozen=True)
class SignedIn:
    user: User
    membership: Membership | None


async def sign_in_with_password(
    tenant: Tenant | None, email: str, password: str, ip: str | None
) -> SignedIn:
    """Check the password for this council's site (``tenant=None``: the platform's).

    Raises :class:`SignInThrottled`, :class:`SignInRefused`, :class:`AccountBarred`
    or :class:`NotAMember`; every outcome is audited.
    """
    email = normalise_email(email)
    attempt = Actor(tenant=tenant, ip=ip)
    tenant_id = tenant.id if tenant else None
    until = await throttle.blocked_until(throttle.account_key(email), throttle.address_key(ip))
    if until is not None:
        await record(
            tenant_id,
            AuditAction.SIGN_IN_FAILED,
            attempt,
            target_label=email,
            details={"reason": "throttled"},
        )
        raise SignInThrottled(until)
    user = await User.get_or_none(email=email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        await throttle.record_sign_in_failure(email, ip)
        await record(
            tenant_id,
            AuditAction.SIGN_IN_FAILED,
            attempt,
            target_label=email,
            details={"reason": "wrong email or password"},
        )
        raise SignInRefused(GENERIC_REFUSAL)
    await throttle.clear(email)
    if user.password_hash and needs_rehash(user.password_hash):
        await User.filter(id=user.id).update(password_hash=hash_password(password))
    membership = None
    if tenant is None:
        if not user.is_platform_operator:
            raise NotAMember(user, await councils_of(user))
    else:
        membership = await Membership.get_or_none(tenant_id=tenant.id, user_id=user.id)
        if membership is None:
            raise NotAMember(user, await councils_of(user))
        if membership.status == MembershipStatus.BARRED:
            await record(
                tenant_id,
                AuditAction.SIGN_IN_FAILED,
                Actor(tenant=tenant, user=user, ip=ip),
                target_type="membership",
                target_id=membership.id,
                details={"reason": "barred"},
            )
            raise AccountBarred(membership)
    await record(
        tenant_id,
        AuditAction.SIGN_IN,
        Actor(tenant=tenant, user=user, ip=ip),
        target_type="user",
        target_id=user.id,
        details={"method": "password"},
    )
    return SignedIn(user, membership)


async def councils_of(user: User) -> list[Tenant]:
    memberships = await Membership.filter(
        user_id=user.id, status=MembershipStatus.ACTIVE
    ).prefetch_related("tenant")
    return sorted((m.tenant for m in memberships), key=lambda t: t.name)


async def set_password(user: User, password: str) -> None:
    check_new_password(password, user.email)
    from core.clock import utcnow

    await User.filter(id=user.id).update(
        password_hash=hash_password(password), password_changed_at=utcnow()
    )
