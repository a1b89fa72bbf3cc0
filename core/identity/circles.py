"""A person's circle of support: family, friends and brokers with review or manage access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import uk_today, utcnow
from core.errors import FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.invitations import check_expiry
from core.identity.models import (
    AccessKind,
    AccessLevel,
    Invitation,
    Membership,
    MembershipStatus,
    PersonAccess,
    Role,
)
from core.identity.permissions import require_council, require_person
from core.identity.roles import Permission
from core.ids import parse_uuid


@dataclass(frozen=True)
class Circle:
    person: Membership
    members: list[PersonAccess]
    pending: list[Invitation]


def is_live(access: PersonAccess, today: date | None = None) -> bool:
    today = today or uk_today()
    return access.revoked_at is None and (access.expires_on is None or access.expires_on >= today)


async def circle_of(actor: Actor, person: Membership) -> Circle:
    """Everyone with live access to ``person``, and invitations not yet answered."""
    await require_person(actor, person, Permission.VIEW_PERSON)
    accesses = (
        await PersonAccess.filter(
            tenant_id=person.tenant_id, person_id=person.id, revoked_at__isnull=True
        )
        .prefetch_related("grantee__user")
        .order_by("created_at")
    )
    pending = await Invitation.filter(
        tenant_id=person.tenant_id,
        person_id=person.id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=utcnow(),
    ).order_by("created_at")
    today = uk_today()
    return Circle(person, [a for a in accesses if is_live(a, today)], list(pending))


async def remove_access(actor: Actor, person: Membership, access_id: object) -> PersonAccess:
    await require_person(actor, person, Permission.MANAGE_CIRCLE)
    access = await PersonAccess.get_or_none(
        id=parse_uuid(access_id),
        tenant_id=person.tenant_id,
        person_id=person.id,
        revoked_at__isnull=True,
    ).prefetch_related("grantee__user")
    if access is None:
        raise NotFound("no such member of this circle")
    await PersonAccess.filter(id=access.id).update(revoked_at=utcnow())
    await record(
        person.tenant_id,
        AuditAction.ACCESS_REMOVED,
        actor,
        target_type="person",
        target_id=person.id,
        details={
            "removed": str(access.grantee_id),
            "kind": access.kind.value,
            "access": access.access.value,
        },
    )
    return access


async def grant_broker(
    actor: Actor,
    person: Membership,
    broker_id: object,
    access: AccessLevel,
    expires_on: date | None,
) -> PersonAccess:
    """Council staff appoint a broker to manage or review a person's budget, maybe until a date."""
    await require_council(actor, Permission.MANAGE_CIRCLE)
    await require_person(actor, person, Permission.MANAGE_CIRCLE)
    expires_on = check_expiry(expires_on)
    broker = await Membership.get_or_none(
        id=parse_uuid(broker_id), tenant_id=person.tenant_id, status=MembershipStatus.ACTIVE
    ).prefetch_related("user")
    if broker is None or Role.BROKER.value not in broker.roles:
        raise InvalidInput("choose a broker", [FieldProblem("broker", "Choose a broker")])
    existing = await PersonAccess.filter(
        tenant_id=person.tenant_id,
        person_id=person.id,
        grantee_id=broker.id,
        revoked_at__isnull=True,
    )
    if any(is_live(a) for a in existing):
        raise InvalidInput(
            "already appointed",
            [FieldProblem("broker", f"{broker.user.display_name} already supports this person")],
        )
    grant = await PersonAccess.create(
        tenant_id=person.tenant_id,
        person=person,
        grantee=broker,
        kind=AccessKind.BROKER,
        access=access,
        expires_on=expires_on,
        created_by=actor.user,
    )
    await record(
        person.tenant_id,
        AuditAction.ACCESS_GRANTED,
        actor,
        target_type="person",
        target_id=person.id,
        details={
            "broker": str(broker.id),
            "access": access.value,
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )
    return grant


async def people_supported_by(membership: Membership) -> list[PersonAccess]:
    """The people a member supports (circle or broker), with live access, for their account."""
    accesses = await PersonAccess.filter(
        tenant_id=membership.tenant_id, grantee_id=membership.id, revoked_at__isnull=True
    ).prefetch_related("person__user")
    today = uk_today()
    return [a for a in accesses if is_live(a, today)]
