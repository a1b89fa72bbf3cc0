"""Permission checks used by services. A refusal is audited and raised as PermissionDenied.

Things a member may not even see (another council's rows, a person they do not
support) are reported as NotFound, so existence never leaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import uk_today
from core.errors import CarepurseError, NotFound
from core.identity.actor import Actor
from core.identity.models import AccessLevel, Membership, MembershipStatus, PersonAccess, Role
from core.identity.roles import PERSON_LEVEL, SCOPE_FOR, Permission
from core.ids import parse_uuid


class PermissionDenied(CarepurseError):
    """Signed in, allowed to see the thing, but not to do this to it."""


class SignInRequired(CarepurseError):
    """The action needs a signed-in member of this council."""


def require_member(actor: Actor) -> Membership:
    if actor.membership is None or actor.membership.status != MembershipStatus.ACTIVE:
        raise SignInRequired("sign in to do this")
    return actor.membership


async def refuse(actor: Actor, permission: Permission, target: str) -> PermissionDenied:
    await record(
        actor.tenant.id if actor.tenant else None,
        AuditAction.PERMISSION_REFUSED,
        actor,
        target_type="permission",
        target_id=permission.value,
        target_label=target,
    )
    return PermissionDenied(f"you do not have permission to do this ({permission.value})")


async def require_council(actor: Actor, permission: Permission) -> Membership | None:
    """A council-wide permission (manage users, view audit...).

    A partner API client holds it through the matching OAuth scope instead of a
    role; it has no membership, so ``None`` is returned for it.
    """
    if actor.is_api_client:
        # A provider's own system never holds a council-wide permission (ADR 0018).
        if not actor.is_provider_system and SCOPE_FOR.get(permission) in actor.scopes:
            return None
        raise await refuse(actor, permission, "API scope")
    membership = require_member(actor)
    if permission not in actor.council_permissions:
        raise await refuse(actor, permission, "council")
    return membership


async def active_access(person: Membership, grantee: Membership) -> PersonAccess | None:
    today = uk_today()
    grants = await PersonAccess.filter(
        tenant_id=person.tenant_id,
        person_id=person.id,
        grantee_id=grantee.id,
        revoked_at__isnull=True,
    )
    live = [g for g in grants if g.expires_on is None or g.expires_on >= today]
    # Manage beats review when a member holds both.
    return max(live, key=lambda g: g.access == AccessLevel.MANAGE, default=None)


async def person_permissions(actor: Actor, person: Membership) -> frozenset[Permission]:
    """What ``actor`` may do for ``person``: council role, self, or circle/broker access."""
    return (await people_permissions(actor, [person]))[person.id]


async def people_permissions(
    actor: Actor, people: Sequence[Membership]
) -> dict[Any, frozenset[Permission]]:
    """:func:`person_permissions` for many people, by person id, with one query for the
    actor's grants from all of them (a broker's lists name many people)."""
    if actor.tenant is None:
        return {person.id: frozenset() for person in people}
    here = [person for person in people if person.tenant_id == actor.tenant.id]  # type: ignore[attr-defined]
    found: dict[Any, frozenset[Permission]] = {person.id: frozenset() for person in people}
    if actor.is_provider_system:
        return found  # a provider's system acts for its stores, not for people
    if actor.is_api_client:
        scoped = frozenset(
            p
            for p, scope in SCOPE_FOR.items()
            if scope in actor.scopes and p in PERSON_LEVEL[AccessLevel.MANAGE]
        )
        return found | {person.id: scoped for person in here}
    member = actor.membership
    if member is None or member.status != MembershipStatus.ACTIVE:
        return found
    today = uk_today()
    grants: dict[Any, list[PersonAccess]] = {}
    for grant in await PersonAccess.filter(
        tenant_id=actor.tenant.id,
        person_id__in=[person.id for person in here] or [None],
        grantee_id=member.id,
        revoked_at__isnull=True,
    ):
        if grant.expires_on is None or grant.expires_on >= today:
            grants.setdefault(grant.person_id, []).append(grant)  # type: ignore[attr-defined]
    council = set(actor.council_permissions) & set(PERSON_LEVEL[AccessLevel.MANAGE])
    for person in here:
        granted = set(council)
        if person.id == member.id and Role.PERSON in actor.roles:
            granted |= PERSON_LEVEL[AccessLevel.MANAGE]
        # Manage beats review when a member holds both.
        best = max(
            grants.get(person.id, []), key=lambda g: g.access == AccessLevel.MANAGE, default=None
        )
        if best is not None:
            granted |= PERSON_LEVEL[best.access]
        found[person.id] = frozenset(granted)
    return found


async def get_person(actor: Actor, person_id: object) -> Membership:
    """A person this actor may see; anything else (other council, no access) is NotFound."""
    key = parse_uuid(person_id)
    if actor.tenant is None or key is None:
        raise NotFound("no such person")
    person = await Membership.get_or_none(id=key, tenant_id=actor.tenant.id).prefetch_related(
        "user"
    )
    if person is None or Role.PERSON.value not in person.roles:
        raise NotFound("no such person")
    if Permission.VIEW_PERSON not in await person_permissions(actor, person):
        await refuse(actor, Permission.VIEW_PERSON, f"person {person.id}")
        raise NotFound("no such person")
    return person


async def require_person(actor: Actor, person: Membership, permission: Permission) -> None:
    if permission not in await person_permissions(actor, person):
        raise await refuse(actor, permission, f"person {person.id}")
