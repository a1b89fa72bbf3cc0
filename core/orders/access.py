"""Finding an order, booking or visit for the person's side or the provider's side.

Every lookup is scoped to the actor's council. On the person's side the actor needs a
permission for the order's person (self, circle, broker or council role, see
``core.identity.permissions``); on the provider's side a place in the team of the
order's store, or to be that provider's own system (an API client tied to the
provider). Anything the actor may not see is a :class:`NotFound`, so ids never leak;
seeing but not being allowed to act is a :class:`PermissionDenied` (audited).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.errors import NotFound
from core.identity.actor import Actor
from core.identity.models import Membership, Role
from core.identity.permissions import PermissionDenied, person_permissions, refuse
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.marketplace.models import ProviderRole, Store
from core.marketplace.providers import EVERYONE, require_provider
from core.orders.models import Booking, BookingSession, Order


async def person_side(actor: Actor, person: Membership, permission: Permission) -> Membership:
    """The person, if ``actor`` has ``permission`` for them; unseen people are NotFound."""
    if (
        actor.tenant is None
        or person.tenant_id != actor.tenant.id  # type: ignore[attr-defined]
        or Role.PERSON.value not in person.roles
    ):
        raise NotFound("no such person")
    allowed = await person_permissions(actor, person)
    if Permission.VIEW_PERSON not in allowed and permission not in allowed:
        await refuse(actor, permission, f"person {person.id}")
        raise NotFound("no such person")
    if permission not in allowed:
        raise await refuse(actor, permission, f"person {person.id}")
    await person.fetch_related("user")
    return person


async def require_store(
    actor: Actor, store: Store, roles: Sequence[ProviderRole] = EVERYONE
) -> None:
    """The actor works for ``store``'s provider with one of ``roles``, or is its system."""
    if actor.tenant is None or store.tenant_id != actor.tenant.id:  # type: ignore[attr-defined]
        raise NotFound("no such store")
    if actor.is_provider_system:
        if actor.api_provider_id != store.provider_id:  # type: ignore[attr-defined]
            raise NotFound("no such store")
        return
    if actor.is_api_client:
        raise PermissionDenied("only the provider's own system may do this")
    await require_provider(actor, store, roles)


async def order_for_person_side(
    actor: Actor, order_id: Any, permission: Permission = Permission.VIEW_BUDGET
) -> Order:
    """The order (with its store and person) if the actor has ``permission`` for its person."""
    order = await _order(actor, order_id)
    await person_side(actor, order.person, permission)
    return order


async def order_for_provider(
    actor: Actor, order_id: Any, roles: Sequence[ProviderRole] = EVERYONE
) -> Order:
    """The order (with its store and person) if the actor works for its store."""
    order = await _order(actor, order_id)
    await _provider_side(actor, order.store, roles, "no such order")
    return order


async def booking_for_person_side(
    actor: Actor, booking_id: Any, permission: Permission = Permission.VIEW_BUDGET
) -> Booking:
    """The booking (with order, store, person and service) for the person's side."""
    booking = await _booking(actor, booking_id)
    await person_side(actor, booking.order.person, permission)
    return booking


async def booking_for_provider(
    actor: Actor, booking_id: Any, roles: Sequence[ProviderRole] = EVERYONE
) -> Booking:
    """The booking (with order, store, person and service) for the provider's side."""
    booking = await _booking(actor, booking_id)
    await _provider_side(actor, booking.order.store, roles, "no such booking")
    return booking


async def session_for_person_side(
    actor: Actor, session_id: Any, permission: Permission = Permission.VIEW_BUDGET
) -> BookingSession:
    """The visit (with its booking, order, store, person and service) for the person's side."""
    session = await _session(actor, session_id)
    await person_side(actor, session.booking.order.person, permission)
    return session


async def session_for_provider(
    actor: Actor, session_id: Any, roles: Sequence[ProviderRole] = EVERYONE
) -> BookingSession:
    """The visit (with its booking, order, store, person and service) for the provider."""
    session = await _session(actor, session_id)
    await _provider_side(actor, session.booking.order.store, roles, "no such visit")
    return session


async def _provider_side(
    actor: Actor, store: Store, roles: Sequence[ProviderRole], missing: str
) -> None:
    try:
        await require_store(actor, store, roles)
    except PermissionDenied:
        if actor.is_api_client:
            raise NotFound(missing) from None
        raise


async def _order(actor: Actor, order_id: Any) -> Order:
    uid = parse_uuid(order_id)
    if actor.tenant is None or uid is None:
        raise NotFound("no such order")
    order = await Order.get_or_none(id=uid, tenant_id=actor.tenant.id).prefetch_related(
        "store", "person__user", "placed_by__user"
    )
    if order is None:
        raise NotFound("no such order")
    return order


async def _booking(actor: Actor, booking_id: Any) -> Booking:
    uid = parse_uuid(booking_id)
    if actor.tenant is None or uid is None:
        raise NotFound("no such booking")
    booking = await Booking.get_or_none(id=uid, tenant_id=actor.tenant.id).prefetch_related(
        "order__store", "order__person__user", "service"
    )
    if booking is None:
        raise NotFound("no such booking")
    return booking


async def _session(actor: Actor, session_id: Any) -> BookingSession:
    uid = parse_uuid(session_id)
    if actor.tenant is None or uid is None:
        raise NotFound("no such visit")
    session = await BookingSession.get_or_none(id=uid, tenant_id=actor.tenant.id).prefetch_related(
        "booking__order__store", "booking__order__person__user", "booking__service"
    )
    if session is None:
        raise NotFound("no such visit")
    return session
