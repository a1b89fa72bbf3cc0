"""Switching council: carry a sign-in to another council's site, explicitly and once.

Cookies never cross sites (each council has its own host), so the account page
offers the member's other councils; choosing one issues a one-minute, one-use
ticket that the other site turns into a fresh session after the member says
"continue".
"""

from __future__ import annotations

from datetime import timedelta

from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import utcnow
from core.errors import NotFound
from core.identity.actor import Actor
from core.identity.models import Membership, MembershipStatus, SessionHandoff, User
from core.identity.permissions import require_member
from core.identity.secrets import new_token, token_digest
from tenants.models import Tenant, TenantStatus

TICKET_LIFETIME = timedelta(minutes=1)


async def other_councils(actor: Actor) -> list[Tenant]:
    if actor.user is None:
        return []
    memberships = await Membership.filter(
        user_id=actor.user.id, status=MembershipStatus.ACTIVE
    ).prefetch_related("tenant")
    here = actor.tenant.id if actor.tenant else None
    return sorted(
        (
            m.tenant
            for m in memberships
            if m.tenant_id != here and m.tenant.status == TenantStatus.ACTIVE
        ),
        key=lambda t: t.name,
    )


async def issue_ticket(actor: Actor, slug: str) -> tuple[Tenant, str]:
    require_member(actor)
    target = next((t for t in await other_councils(actor) if t.slug == slug), None)
    if target is None or actor.user is None:
        raise NotFound("you are not a member of that council")
    token = new_token()
    await SessionHandoff.create(
        id=token_digest(token),
        user=actor.user,
        tenant=target,
        expires_at=utcnow() + TICKET_LIFETIME,
    )
    await record(
        actor.tenant.id if actor.tenant else None,
        AuditAction.COUNCIL_SWITCHED,
        actor,
        target_type="tenant",
        target_id=target.id,
        target_label=target.name,
    )
    return target, token


async def open_ticket(tenant: Tenant, token: str) -> SessionHandoff:
    """A live ticket for this council, or NotFound; looking does not spend it."""
    ticket = await SessionHandoff.get_or_none(
        id=token_digest(token),
        tenant_id=tenant.id,
        used_at__isnull=True,
        expires_at__gt=utcnow(),
    )
    if ticket is None:
        raise NotFound("this link has expired; go back and choose the council again")
    return ticket


async def redeem_ticket(tenant: Tenant, token: str) -> User:
    """Spend a ticket on the council it was issued for; anything else is NotFound."""
    ticket = await open_ticket(tenant, token)
    spent = await SessionHandoff.filter(id=ticket.id, used_at__isnull=True).update(used_at=utcnow())
    membership = await Membership.get_or_none(
        tenant_id=tenant.id, user_id=ticket.user_id, status=MembershipStatus.ACTIVE
    )
    if not spent or membership is None:
        raise NotFound("this link has expired; go back and choose the council again")
    return await User.get(id=ticket.user_id)
