"""Who may act on an accreditation: the provider's own people, or the council's officers.

A provider's people are members of this council with a provider role who are
linked to the provider (``ProviderUser``). Owners and managers may apply and add
evidence; staff may look. Officers and admins hold ``providers:accredit``.
Anything a caller may not see is NotFound, so another council's ids never leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.accreditation.models import Accreditation, Evidence
from core.audit.actions import AuditAction
from core.audit.services import record
from core.errors import NotFound
from core.identity.actor import Actor
from core.identity.models import Role
from core.identity.permissions import PermissionDenied, require_council, require_member
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.marketplace.models import Provider, ProviderRole, ProviderUser

PROVIDER_ROLES = (Role.PROVIDER_OWNER, Role.PROVIDER_MANAGER, Role.PROVIDER_STAFF)
MANAGING = (ProviderRole.OWNER, ProviderRole.MANAGER)


@dataclass(frozen=True)
class ProviderSeat:
    """One provider the signed-in member works for, and their part in it."""

    provider: Provider
    role: ProviderRole

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGING


async def provider_seats(actor: Actor) -> list[ProviderSeat]:
    """The providers this member works for here (none unless they hold a provider role)."""
    require_member(actor)
    if actor.user is None or not actor.has_role(*PROVIDER_ROLES):
        return []
    links = (
        await ProviderUser.filter(user_id=actor.user.id)
        .prefetch_related("provider")
        .order_by("provider__name")
    )
    return [ProviderSeat(link.provider, ProviderRole(link.role)) for link in links]


async def _refused(actor: Actor, what: str) -> PermissionDenied:
    await record(
        actor.tenant.id if actor.tenant else None,
        AuditAction.PERMISSION_REFUSED,
        actor,
        target_type="permission",
        target_id="provider",
        target_label=what,
    )
    return PermissionDenied(f"you cannot do this for a provider ({what})")


async def provider_seat(
    actor: Actor, provider_id: object | None = None, *, manage: bool = False
) -> ProviderSeat:
    """The provider named (or the member's first), if they work for it; ``manage``: as an
    owner or manager."""
    seats = await provider_seats(actor)
    if not seats:
        raise await _refused(actor, "not a provider's member")
    seat = seats[0]
    if provider_id:
        wanted = parse_uuid(provider_id)
        chosen = [s for s in seats if s.provider.id == wanted]
        if not chosen:
            raise NotFound("no such provider")
        seat = chosen[0]
    if manage and not seat.can_manage:
        raise await _refused(actor, "only owners and managers")
    return seat


async def council_accreditation(tenant_id: int, accreditation_id: object) -> Accreditation:
    """One of this council's accreditations, with its provider; the caller checks access."""
    key = parse_uuid(accreditation_id)
    found = (
        await Accreditation.get_or_none(id=key, tenant_id=tenant_id).prefetch_related("provider")
        if key is not None
        else None
    )
    if found is None:
        raise NotFound("no such accreditation")
    return found


async def officer_accreditation(actor: Actor, accreditation_id: object) -> Accreditation:
    """An accreditation of this council, for an officer (or a token with the write scope)."""
    await require_council(actor, Permission.ACCREDIT_PROVIDERS)
    if actor.tenant is None:
        raise NotFound("no such accreditation")
    return await council_accreditation(actor.tenant.id, accreditation_id)


async def _evidence(actor: Actor, evidence_id: object) -> tuple[Evidence, Accreditation]:
    key = parse_uuid(evidence_id)
    if actor.tenant is None or key is None:
        raise NotFound("no such evidence")
    evidence = await Evidence.get_or_none(id=key, tenant_id=actor.tenant.id)
    if evidence is None:
        raise NotFound("no such evidence")
    accreditation: Any = await Accreditation.get_or_none(
        id=evidence.accreditation_id,  # type: ignore[attr-defined]
        tenant_id=actor.tenant.id,
    ).prefetch_related("provider")
    if accreditation is None:
        raise NotFound("no such evidence")
    return evidence, accreditation


async def officer_evidence(
    actor: Actor, accreditation_id: object, evidence_id: object
) -> tuple[Evidence, Accreditation]:
    """Evidence of one of this council's accreditations, for an officer."""
    accreditation = await officer_accreditation(actor, accreditation_id)
    evidence, owner = await _evidence(actor, evidence_id)
    if owner.id != accreditation.id:
        raise NotFound("no such evidence")
    return evidence, accreditation


async def provider_evidence(actor: Actor, evidence_id: object) -> tuple[Evidence, Accreditation]:
    """Evidence the member's own provider sent to this council."""
    seats = await provider_seats(actor)
    if not seats:
        raise NotFound("no such evidence")
    evidence, accreditation = await _evidence(actor, evidence_id)
    if not any(seat.provider.id == accreditation.provider_id for seat in seats):
        raise NotFound("no such evidence")
    return evidence, accreditation
