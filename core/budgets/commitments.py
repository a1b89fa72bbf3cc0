"""Planned regular spending (e.g. weekly home care) that the forecast counts on.

Recurring bookings will create these; until then people who manage a budget
record them by hand.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.budgets.models import Budget, BudgetStatus, RecurringCommitment, Schedule
from core.clock import utcnow
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.permissions import require_person
from core.identity.roles import Permission
from core.ids import parse_uuid


async def plan_spending(
    actor: Actor,
    budget: Budget,
    description: str,
    amount_pence: int,
    schedule: Schedule,
    starts_on: date,
    ends_on: date | None = None,
) -> RecurringCommitment:
    await require_person(actor, budget.person, Permission.SPEND_BUDGET)
    if budget.status != BudgetStatus.ACTIVE:
        raise Conflict("this budget has ended")
    problems = []
    description = " ".join((description or "").split())
    if not description:
        problems.append(FieldProblem("description", "Say what the money is for"))
    if not isinstance(amount_pence, int) or amount_pence <= 0:
        problems.append(FieldProblem("amount_pence", "Enter an amount above £0"))
    if not budget.period_start <= starts_on <= budget.period_end:
        problems.append(FieldProblem("starts_on", "The start must fall inside the budget period"))
    if ends_on is not None and ends_on < starts_on:
        problems.append(FieldProblem("ends_on", "The end must be on or after the start"))
    if problems:
        raise InvalidInput("check the planned spending", problems)
    return await RecurringCommitment.create(
        tenant_id=budget.tenant_id,
        budget=budget,
        description=description[:200],
        amount_pence=amount_pence,
        schedule=schedule,
        starts_on=starts_on,
        ends_on=ends_on,
    )


async def planned_spending(budget: Budget) -> list[RecurringCommitment]:
    return await RecurringCommitment.filter(
        budget_id=budget.id, cancelled_at__isnull=True
    ).order_by("starts_on")


async def stop_planned_spending(actor: Actor, budget: Budget, commitment_id: Any) -> None:
    await require_person(actor, budget.person, Permission.SPEND_BUDGET)
    stopped = await RecurringCommitment.filter(
        id=parse_uuid(commitment_id), budget_id=budget.id, cancelled_at__isnull=True
    ).update(cancelled_at=utcnow())
    if not stopped:
        raise NotFound("no such planned spending")
