"""Platform-level account work for operators: create members and operators from a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from core.audit.actions import AuditAction
from core.audit.services import SYSTEM, record
from core.errors import Conflict
from core.identity.accounts import check_new_password
from core.identity.council_users import check_roles
from core.identity.invitations import check_email
from core.identity.models import Membership, User
from core.identity.secrets import hash_password
from tenants.models import Tenant


async def ensure_user(email: str, name: str, password: str | None) -> User:
    """The account for ``email``, created if missing; a given password is (re)set."""
    email = check_email(email)
    user = await User.get_or_none(email=email)
    if password is not None:
        check_new_password(password, email)
    if user is None:
        user = await User.create(
            email=email,
            display_name=" ".join(name.split()) or email,
            password_hash=hash_password(password) if password else None,
        )
    elif password is not None:
        user.password_hash = hash_password(password)
        await user.save(update_fields=["password_hash"])
    return user


async def add_member_as_operator(
    tenant: Tenant, email: str, name: str, roles: Sequence[str], password: str | None
) -> Membership:
    """Bootstrap a council's first administrator (or anyone) without a console session."""
    roles = check_roles(roles)
    user = await ensure_user(email, name, password)
    if await Membership.exists(tenant_id=tenant.id, user_id=user.id):
        raise Conflict(f"{email} is already a member of {tenant.slug}")
    member = await Membership.create(tenant=tenant, user=user, roles=roles)
    await record(
        tenant.id,
        AuditAction.MEMBER_ADDED,
        SYSTEM,
        target_type="membership",
        target_id=member.id,
        target_label=user.display_name,
        details={"roles": roles},
    )
    return member


async def make_operator(email: str, name: str, password: str) -> User:
    user = await ensure_user(email, name, password)
    if not user.is_platform_operator:
        user.is_platform_operator = True
        await user.save(update_fields=["is_platform_operator"])
        await record(
            None,
            AuditAction.ROLE_CHANGED,
            SYSTEM,
            target_type="user",
            target_id=user.id,
            target_label=user.display_name,
            details={"after": ["platform_operator"]},
        )
    return user
