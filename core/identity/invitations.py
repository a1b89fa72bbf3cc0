"""Invitations: a one-time emailed link to join a person's circle or a council.

Only the token's hash is stored. Accepting needs the invited address's
password when that address already has one; otherwise the invitee sets one.
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import uk_today, utcnow
from core.email.services import queue_email
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.accounts import check_new_password, normalise_email
from core.identity.actor import Actor
from core.identity.models import (
    AccessKind,
    AccessLevel,
    Invitation,
    InvitationPurpose,
    Membership,
    MembershipStatus,
    PersonAccess,
    User,
)
from core.identity.permissions import require_person
from core.identity.roles import Permission
from core.identity.secrets import hash_password, new_token, token_digest, verify_password
from core.ids import parse_uuid
from tenants.models import Tenant

LIFETIME = timedelta(days=7)
EXPIRED = "This invitation has expired, been used or been withdrawn. Ask for a new one."


def check_email(email: str) -> str:
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 254:
        raise InvalidInput(
            "enter an email address",
            [FieldProblem("email", "Enter an email address, like name@example.com")],
        )
    return email


def check_expiry(expires_on: date | None) -> date | None:
    if expires_on is not None and expires_on < uk_today():
        raise InvalidInput(
            "the end date is in the past",
            [FieldProblem("expires_on", "The end date must be today or later")],
        )
    return expires_on


async def invite_to_circle(
    actor: Actor,
    person: Membership,
    email: str,
    access: AccessLevel,
    expires_on: date | None,
    site_url: str,
) -> Invitation:
    """Invite someone to support ``person`` with review or manage access."""
    await require_person(actor, person, Permission.MANAGE_CIRCLE)
    email = check_email(email)
    expires_on = check_expiry(expires_on)
    await person.fetch_related("user")
    if person.user.email == email:
        raise InvalidInput(
            "you cannot invite the person themselves",
            [FieldProblem("email", "Enter the email address of someone else")],
        )
    token = new_token()
    async with in_transaction():
        invitation = await Invitation.create(
            tenant_id=person.tenant_id,
            email=email,
            purpose=InvitationPurpose.CIRCLE,
            person=person,
            access=access,
            access_expires_on=expires_on,
            token_hash=token_digest(token),
            invited_by=actor.user,
            expires_at=utcnow() + LIFETIME,
        )
        who = actor.user.display_name if actor.user else "The council"
        level = "see" if access == AccessLevel.REVIEW else "see and manage"
        until = f" until {expires_on:%-d %B %Y}" if expires_on else ""
        await queue_email(
            person.tenant_id,
            email,
            f"{who} has invited you to help {person.user.display_name}",
            f"Hello,\n\n{who} has invited you to join {person.user.display_name}'s circle of "
            f"support. You will be able to {level} their care and support{until}.\n\n"
            f"To accept, open this link within 7 days:\n\n{site_url.rstrip('/')}/invitations/"
            f"{token}\n\nIf you were not expecting this, you can ignore this email.\n",
            purpose="invitation",
        )
        await record(
            person.tenant_id,
            AuditAction.INVITATION_SENT,
            actor,
            target_type="person",
            target_id=person.id,
            target_label=person.user.display_name,
            details={
                "email": email,
                "access": access.value,
                "expires_on": expires_on.isoformat() if expires_on else None,
            },
        )
    return invitation


async def open_invitation(tenant: Tenant, token: str) -> Invitation:
    invitation = await Invitation.get_or_none(
        tenant_id=tenant.id,
        token_hash=token_digest(token),
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=utcnow(),
    ).prefetch_related("person__user", "invited_by")
    if invitation is None:
        raise NotFound(EXPIRED)
    return invitation


async def invited_account(invitation: Invitation) -> User | None:
    return await User.get_or_none(email=invitation.email)


async def accept(
    tenant: Tenant,
    token: str,
    *,
    password: str,
    name: str | None = None,
    confirm: str | None = None,
    ip: str | None = None,
) -> User:
    """Accept as the invited address: check its password, or set one up; join; grant access."""
    invitation = await open_invitation(tenant, token)
    user = await invited_account(invitation)
    if user is not None and user.password_hash:
        if not verify_password(user.password_hash, password):
            raise InvalidInput(
                "wrong password",
                [FieldProblem("password", f"Enter the correct password for {invitation.email}")],
            )
    else:
        problems = []
        if not name or not name.strip():
            problems.append(FieldProblem("name", "Enter your name"))
        if password != confirm:
            problems.append(FieldProblem("confirm", "Enter the same password twice"))
        if problems:
            raise InvalidInput("check your details", problems)
        check_new_password(password, invitation.email)
    async with in_transaction():
        taken = await Invitation.filter(id=invitation.id, accepted_at__isnull=True).update(
            accepted_at=utcnow()
        )
        if not taken:
            raise NotFound(EXPIRED)
        if user is None:
            user = await User.create(
                email=invitation.email,
                display_name=name.strip(),  # type: ignore[union-attr]
                password_hash=hash_password(password),
                password_changed_at=utcnow(),
            )
        elif not user.password_hash:
            user.password_hash = hash_password(password)
            user.password_changed_at = utcnow()
            if name and name.strip():
                user.display_name = name.strip()
            await user.save(update_fields=["password_hash", "password_changed_at", "display_name"])
        membership = await _join(tenant, user, invitation)
        await Invitation.filter(id=invitation.id).update(accepted_by_id=user.id)
        actor = Actor(tenant=tenant, user=user, membership=membership, ip=ip)
        if invitation.purpose == InvitationPurpose.CIRCLE and invitation.person is not None:
            await PersonAccess.create(
                tenant_id=tenant.id,
                person=invitation.person,
                grantee=membership,
                kind=AccessKind.CIRCLE,
                access=invitation.access or AccessLevel.REVIEW,
                expires_on=invitation.access_expires_on,
                created_by=invitation.invited_by,
            )
        await record(
            tenant.id,
            AuditAction.INVITATION_ACCEPTED,
            actor,
            target_type="invitation",
            target_id=invitation.id,
            details={"purpose": invitation.purpose.value},
        )
    return user


async def _join(tenant: Tenant, user: User, invitation: Invitation) -> Membership:
    membership = await Membership.get_or_none(tenant_id=tenant.id, user_id=user.id)
    if membership is not None and membership.status == MembershipStatus.BARRED:
        raise Conflict("this account is barred by the council; contact the council")
    if membership is None:
        membership = await Membership.create(
            tenant_id=tenant.id, user=user, roles=list(invitation.roles)
        )
    elif invitation.roles:
        roles = sorted(set(membership.roles) | set(invitation.roles))
        await Membership.filter(id=membership.id).update(roles=roles)
        membership.roles = roles
    return membership


async def withdraw(actor: Actor, person: Membership, invitation_id: object) -> None:
    await require_person(actor, person, Permission.MANAGE_CIRCLE)
    invitation = await Invitation.get_or_none(
        id=parse_uuid(invitation_id),
        tenant_id=person.tenant_id,
        person_id=person.id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    if invitation is None:
        raise NotFound("no such invitation")
    await Invitation.filter(id=invitation.id).update(revoked_at=utcnow())
    await record(
        person.tenant_id,
        AuditAction.INVITATION_REVOKED,
        actor,
        target_type="invitation",
        target_id=invitation.id,
        details={"email": invitation.email},
    )
