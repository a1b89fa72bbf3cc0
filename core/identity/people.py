"""People (budget holders) for the API: listing with a cursor, one person, adding one."""

from __future__ import annotations

from uuid import UUID

from core.identity.actor import Actor
from core.identity.models import Membership, Role
from core.identity.permissions import require_council
from core.identity.roles import Permission

MAX_PAGE = 100
_BATCH = 500


async def list_people(actor: Actor, *, after: UUID | None, limit: int) -> list[Membership]:
    """People of this council in a stable order (by id), ``limit`` of them after the cursor."""
    await require_council(actor, Permission.VIEW_USERS)
    assert actor.tenant is not None
    people: list[Membership] = []
    cursor = after
    while len(people) < limit:
        query = Membership.filter(tenant_id=actor.tenant.id)
        if cursor is not None:
            query = query.filter(id__gt=cursor)
        batch = await query.order_by("id").limit(_BATCH).prefetch_related("user")
        # Roles live in a JSON list (portable across SQLite and PostgreSQL): filter here.
        people += [m for m in batch if Role.PERSON.value in m.roles]
        if len(batch) < _BATCH:
            break
        cursor = batch[-1].id
    return people[:limit]
