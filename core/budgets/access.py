"""Finding a budget a caller may see or act on; anything else is NotFound."""

from __future__ import annotations

from typing import Any

from core.budgets.models import Budget
from core.errors import NotFound
from core.identity.actor import Actor
from core.identity.permissions import person_permissions, refuse, require_person
from core.identity.roles import Permission
from core.ids import parse_uuid


async def get_budget(
    actor: Actor, budget_id: Any, permission: Permission = Permission.VIEW_BUDGET
) -> Budget:
    """The budget if ``actor`` may see it (and has ``permission`` on its person)."""
    key = parse_uuid(budget_id)
    if actor.tenant is None or key is None:
        raise NotFound("no such budget")
    budget = await Budget.get_or_none(id=key, tenant_id=actor.tenant.id).prefetch_related(
        "person__user"
    )
    if budget is None:
        raise NotFound("no such budget")
    allowed = await person_permissions(actor, budget.person)
    # Being allowed to act on a budget implies seeing it: a partner token with only
    # orders:write may hold money on a budget without the budgets:read scope.
    if Permission.VIEW_BUDGET not in allowed and permission not in allowed:
        await refuse(actor, Permission.VIEW_BUDGET, f"budget {budget.id}")
        raise NotFound("no such budget")
    if permission != Permission.VIEW_BUDGET:
        await require_person(actor, budget.person, permission)
    return budget


async def budgets_of(actor: Actor, person: Any) -> list[Budget]:
    """A person's budgets, newest period first (the caller already may see the person)."""
    allowed = await person_permissions(actor, person)
    if Permission.VIEW_BUDGET not in allowed:
        return []
    return await Budget.filter(tenant_id=person.tenant_id, person_id=person.id).order_by(
        "-period_start"
    )
