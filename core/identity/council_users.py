"""Council user management: add people and staff, change roles, bar and unbar accounts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import utcnow
from core.email.services import queue_email
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.invitations import check_email
from core.identity.models import (
    Invitation,
    InvitationPurpose,
    Membership,
    MembershipStatus,
    Role,
    User,
)
from core.identity.permissions import PermissionDenied, refuse, require_council
from core.identity.roles import STAFF_ROLES, Permission
from core.identity.secrets import new_token, token_digest
from core.identity.sessions import end_all_sessions
from core.ids import parse_uuid

SET_UP_LINK_LIFETIME = timedelta(days=14)


def check_roles(roles: Sequence[str]) -> list[str]:
    try:
        chosen = sorted({Role(role).value for role in roles})
    except ValueError:
        raise InvalidInput(
            "unknown role", [FieldProblem("roles", "Choose from the roles listed")]
        ) from None
    return chosen


async def _may_give(actor: Actor, roles: Sequence[str]) -> None:
    """Only council admins give (or take away) council staff roles."""
    if any(Role(role) in STAFF_ROLES for role in roles) and not actor.has_role(Role.COUNCIL_ADMIN):
        raise await refuse(actor, Permission.MANAGE_USERS, "staff roles")


async def list_members(
    actor: Actor, *, role: str | None = None, status: str | None = None, search: str | None = None
) -> list[Membership]:
    await require_council(actor, Permission.VIEW_USERS)
    query = Membership.filter(tenant_id=actor.tenant.id).prefetch_related("user")  # type: ignore[union-attr]
    if status in (MembershipStatus.ACTIVE.value, MembershipStatus.BARRED.value):
        query = query.filter(status=status)
    if search:
        query = query.filter(
            Q(user__display_name__icontains=search) | Q(user__email__icontains=search)
        )
    members = await query
    if role:
        members = [m for m in members if role in m.roles]
    return sorted(members, key=lambda m: m.user.display_name.lower())


async def get_member(actor: Actor, member_id: object) -> Membership:
    await require_council(actor, Permission.VIEW_USERS)
    member = await Membership.get_or_none(
        id=parse_uuid(member_id),
        tenant_id=actor.tenant.id,  # type: ignore[union-attr]
    ).prefetch_related("user", "barred_by")
    if member is None:
        raise NotFound("no such member")
    return member


async def add_member(
    actor: Actor, name: str, email: str | None, roles: Sequence[str], site_url: str
) -> Membership:
    """Add someone to the council. With an email, they get a link to set up their sign-in.

    Without one (a person whose family or broker acts for them) the record
    exists but cannot sign in.
    """
    await require_council(actor, Permission.MANAGE_USERS)
    tenant = actor.tenant
    assert tenant is not None
    problems = []
    name = " ".join((name or "").split())
    if not name:
        problems.append(FieldProblem("name", "Enter the person's full name"))
    roles = check_roles(roles)
    if not roles:
        problems.append(FieldProblem("roles", "Choose at least one role"))
    if problems:
        raise InvalidInput("check the details", problems)
    await _may_give(actor, roles)
    email = check_email(email) if email else None
    async with in_transaction():
        user = await User.get_or_none(email=email) if email else None
        if user is not None and await Membership.exists(tenant_id=tenant.id, user_id=user.id):
            raise Conflict(f"{email} is already a member of this council")
        if user is None:
            user = await User.create(email=email, display_name=name)
        member = await Membership.create(tenant_id=tenant.id, user=user, roles=roles)
        member.user = user
        if email:
            await send_welcome(actor, member, site_url)
        await record(
            tenant.id,
            AuditAction.MEMBER_ADDED,
            actor,
            target_type="membership",
            target_id=member.id,
            target_label=name,
            details={"roles": roles},
        )
    return member


async def send_welcome(actor: Actor, member: Membership, site_url: str) -> None:
    tenant = actor.tenant
    assert tenant is not None
    user = member.user
    if user.password_hash:
        body = (
            f"Hello {user.display_name},\n\n{tenant.name} has added you to its care and "
            f"support website. Sign in with your usual email and password at:\n\n"
            f"{site_url.rstrip('/')}/sign-in\n"
        )
    else:
        token = new_token()
        await Invitation.create(
            tenant_id=tenant.id,
            email=user.email,
            purpose=InvitationPurpose.COUNCIL,
            roles=[],
            token_hash=token_digest(token),
            invited_by=actor.user,
            expires_at=utcnow() + SET_UP_LINK_LIFETIME,
        )
        body = (
            f"Hello {user.display_name},\n\n{tenant.name} has given you an account on its "
            f"care and support website. Open this link within 14 days to choose your "
            f"password:\n\n{site_url.rstrip('/')}/invitations/{token}\n"
        )
    await queue_email(
        tenant.id, user.email or "", f"Your account with {tenant.name}", body, purpose="welcome"
    )


async def change_roles(actor: Actor, member: Membership, roles: Sequence[str]) -> Membership:
    await require_council(actor, Permission.MANAGE_USERS)
    roles = check_roles(roles)
    before = sorted(member.roles)
    changed = set(before) ^ set(roles)
    await _may_give(actor, list(changed))
    if Role.COUNCIL_ADMIN.value in before and Role.COUNCIL_ADMIN.value not in roles:
        admins = await Membership.filter(tenant_id=member.tenant_id, status=MembershipStatus.ACTIVE)
        if sum(Role.COUNCIL_ADMIN.value in m.roles for m in admins) <= 1:
            raise InvalidInput(
                "a council needs an administrator",
                [FieldProblem("roles", "Add another council administrator first")],
            )
    await Membership.filter(id=member.id).update(roles=roles)
    member.roles = roles
    await record(
        member.tenant_id,
        AuditAction.ROLE_CHANGED,
        actor,
        target_type="membership",
        target_id=member.id,
        target_label=member.user.display_name,
        details={"before": before, "after": roles},
    )
    return member


async def bar(actor: Actor, member: Membership, reason: str) -> Membership:
    """Stop an account signing in to this council, with a reason it will be shown."""
    await require_council(actor, Permission.MANAGE_USERS)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(
            "give a reason",
            [
                FieldProblem(
                    "reason", "Explain why, in words the person will understand: they will see it"
                )
            ],
        )
    if actor.membership is not None and member.id == actor.membership.id:
        raise PermissionDenied("you cannot bar your own account")
    if await _is_staff_target(member) and not actor.has_role(Role.COUNCIL_ADMIN):
        raise await refuse(actor, Permission.MANAGE_USERS, "bar staff")
    await Membership.filter(id=member.id).update(
        status=MembershipStatus.BARRED,
        barred_reason=reason,
        barred_at=utcnow(),
        barred_by_id=actor.user.id if actor.user else None,
    )
    ended = await end_all_sessions(member.user_id, member.tenant_id)
    await member.refresh_from_db()
    await record(
        member.tenant_id,
        AuditAction.BARRED,
        actor,
        target_type="membership",
        target_id=member.id,
        target_label=member.user.display_name,
        details={"reason": reason, "sessions_ended": ended},
    )
    return member


async def unbar(actor: Actor, member: Membership) -> Membership:
    await require_council(actor, Permission.MANAGE_USERS)
    if member.status != MembershipStatus.BARRED:
        raise Conflict("this account is not barred")
    await Membership.filter(id=member.id).update(
        status=MembershipStatus.ACTIVE, barred_reason=None, barred_at=None, barred_by_id=None
    )
    await member.refresh_from_db()
    await record(
        member.tenant_id,
        AuditAction.UNBARRED,
        actor,
        target_type="membership",
        target_id=member.id,
        target_label=member.user.display_name,
    )
    return member


async def _is_staff_target(member: Membership) -> bool:
    return any(Role(role) in STAFF_ROLES for role in member.roles)
