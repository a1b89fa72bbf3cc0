"""Finding what an API path or query names, by (council, id), then checking the caller may
see it. Anything another council owns, or the caller may not see, is NotFound."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from core.budgets.access import get_budget
from core.budgets.models import Budget, RecurringCommitment
from core.errors import NotFound
from core.identity.actor import Actor
from core.identity.models import Membership, Role
from core.identity.permissions import person_permissions, refuse, require_council
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.ledger.models import Hold


async def person_with_budgets(actor: Actor, person_id: Any) -> Membership:
    """A person whose budgets the caller may see (no need to be allowed to see their profile:
    a finance system reads budgets, not case notes)."""
    key = parse_uuid(person_id)
    if actor.tenant is None or key is None:
        raise NotFound("no such person")
    person = await Membership.get_or_none(id=key, tenant_id=actor.tenant.id)
    if person is None or Role.PERSON.value not in person.roles:
        raise NotFound("no such person")
    if Permission.VIEW_BUDGET not in await person_permissions(actor, person):
        await refuse(actor, Permission.VIEW_BUDGET, f"person {person.id}")
        raise NotFound("no such person")
    return person


async def list_budgets(
    actor: Actor, *, person: Membership | None, after: UUID | None, limit: int
) -> list[Budget]:
    """Budgets in id order after the cursor: one person's, or (council-wide) everyone's."""
    assert actor.tenant is not None
    query = Budget.filter(tenant_id=actor.tenant.id)
    if person is None:
        await require_council(actor, Permission.VIEW_BUDGET)
    else:
        query = query.filter(person_id=person.id)
    if after is not None:
        query = query.filter(id__gt=after)
    return await query.order_by("id").limit(limit)


async def managed_budget(actor: Actor, budget_id: Any) -> Budget:
    """A budget of this council for someone who manages every budget in it (council staff,
    or a token with budgets:write): checked council-wide first, so the answer for any id
    is the same 403 to anyone else."""
    await require_council(actor, Permission.MANAGE_BUDGETS)
    key = parse_uuid(budget_id)
    if actor.tenant is None or key is None:
        raise NotFound("no such budget")
    budget = await Budget.get_or_none(id=key, tenant_id=actor.tenant.id).prefetch_related(
        "person__user"
    )
    if budget is None:
        raise NotFound("no such budget")
    return budget


async def find_hold(
    actor: Actor, hold_id: Any, permission: Permission = Permission.VIEW_BUDGET
) -> tuple[Hold, Budget]:
    """A hold of this council, with its budget, if the caller has ``permission`` on it."""
    key = parse_uuid(hold_id)
    if actor.tenant is None or key is None:
        raise NotFound("no such commitment")
    hold = await Hold.get_or_none(id=key, tenant_id=actor.tenant.id)
    if hold is None:
        raise NotFound("no such commitment")
    try:
        budget = await get_budget(actor, hold.budget_id, permission)
    except NotFound:
        raise NotFound("no such commitment") from None
    return hold, budget


async def find_planned_spending(
    actor: Actor, commitment_id: Any, permission: Permission = Permission.VIEW_BUDGET
) -> tuple[RecurringCommitment, Budget]:
    key = parse_uuid(commitment_id)
    if actor.tenant is None or key is None:
        raise NotFound("no such planned spending")
    plan = await RecurringCommitment.get_or_none(id=key, tenant_id=actor.tenant.id)
    if plan is None:
        raise NotFound("no such planned spending")
    try:
        budget = await get_budget(actor, plan.budget_id, permission)
    except NotFound:
        raise NotFound("no such planned spending") from None
    return plan, budget
