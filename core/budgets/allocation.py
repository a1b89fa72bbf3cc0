"""Allocating a budget: a period and funding streams, each with its schedule of instalments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import record
from core.budgets.categories import check_categories
from core.budgets.funding import credit_due_instalments
from core.budgets.funding_types import funding_type
from core.budgets.models import Budget, FundingInstalment, FundingStream, Schedule
from core.budgets.schedule import occurrences, uk_financial_year
from core.clock import uk_today
from core.errors import FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.models import Membership, Role
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.ledger.accounts import open_accounts

MAX_PENCE = 10_000_000_00  # £10m: anything above is a typing mistake


@dataclass
class StreamSpec:
    """What an officer enters for one funding stream."""

    funding_type: str
    instalment_pence: int
    schedule: Schedule
    first_payment_on: date | None = None
    name: str | None = None
    allowed_categories: list[str] | None = field(default=None)
    use_type_restrictions: bool = True
    top_ups_allowed: bool = False


def check_period(start: date | None, end: date | None) -> tuple[date, date]:
    if start is None and end is None:
        return uk_financial_year(uk_today())
    if start is None or end is None or end <= start:
        raise InvalidInput(
            "check the dates",
            [FieldProblem("period_end", "The end date must be after the start date")],
        )
    if (end - start).days > 3 * 366:
        raise InvalidInput(
            "period too long",
            [FieldProblem("period_end", "A budget period can be at most three years")],
        )
    return start, end


async def _check_stream(
    tenant_id: int, spec: StreamSpec, index: int, period: tuple[date, date]
) -> tuple[str, list[str] | None]:
    prefix = f"streams.{index}."
    problems = []
    if not isinstance(spec.instalment_pence, int) or not 0 < spec.instalment_pence <= MAX_PENCE:
        problems.append(
            FieldProblem(
                prefix + "instalment_pence", "Enter an amount above £0 and up to £10,000,000"
            )
        )
    first = spec.first_payment_on or period[0]
    if not period[0] <= first <= period[1]:
        problems.append(
            FieldProblem(
                prefix + "first_payment_on", "The first payment must fall inside the budget period"
            )
        )
    try:
        kind = await funding_type(tenant_id, spec.funding_type)
    except InvalidInput:
        problems.append(FieldProblem(prefix + "funding_type", "Choose a funding type"))
        kind = None
    if problems:
        raise InvalidInput("check the funding", problems)
    assert kind is not None
    categories = spec.allowed_categories
    if categories is None and spec.use_type_restrictions and kind.default_categories:
        categories = list(kind.default_categories)
    return spec.name or kind.label, check_categories(categories)


async def add_stream(budget: Budget, spec: StreamSpec, position: int) -> FundingStream:
    period = (budget.period_start, budget.period_end)
    name, categories = await _check_stream(budget.tenant_id, spec, position, period)
    first = spec.first_payment_on or budget.period_start
    stream = await FundingStream.create(
        tenant_id=budget.tenant_id,
        budget=budget,
        funding_type=spec.funding_type,
        name=name[:120],
        instalment_pence=spec.instalment_pence,
        schedule=spec.schedule,
        first_payment_on=first,
        allowed_categories=categories,
        top_ups_allowed=spec.top_ups_allowed,
        position=position,
    )
    await open_accounts(budget.tenant_id, stream.id)
    await FundingInstalment.bulk_create(
        [
            FundingInstalment(
                tenant_id=budget.tenant_id,
                stream=stream,
                due_on=day,
                amount_pence=spec.instalment_pence,
            )
            for day in occurrences(spec.schedule, first, budget.period_end)
        ]
    )
    return stream


async def allocate_budget(
    actor: Actor,
    person: Membership,
    streams: list[StreamSpec],
    *,
    period_start: date | None = None,
    period_end: date | None = None,
) -> Budget:
    """Create the budget, its streams, their accounts and instalments; credit what is due."""
    await require_council(actor, Permission.MANAGE_BUDGETS)
    assert actor.tenant is not None
    if person.tenant_id != actor.tenant.id or Role.PERSON.value not in person.roles:
        raise InvalidInput("not a person", [FieldProblem("person", "Choose a person")])
    start, end = check_period(period_start, period_end)
    if not streams:
        raise InvalidInput(
            "add funding", [FieldProblem("streams", "Add at least one funding stream")]
        )
    async with in_transaction():
        budget = await Budget.create(
            tenant_id=actor.tenant.id,
            person=person,
            period_start=start,
            period_end=end,
            created_by=actor.audit_label[:300],
        )
        for position, spec in enumerate(streams):
            await add_stream(budget, spec, position)
        await person.fetch_related("user")
        await record(
            actor.tenant.id,
            AuditAction.BUDGET_ALLOCATED,
            actor,
            target_type="budget",
            target_id=budget.id,
            target_label=person.user.display_name,
            details={
                "period": [start.isoformat(), end.isoformat()],
                "streams": [s.funding_type for s in streams],
            },
        )
    await credit_due_instalments(actor.tenant.id, uk_today(), budget_id=budget.id)
    return budget


async def stream_in(budget: Budget, stream_id: Any) -> FundingStream:
    stream = await FundingStream.get_or_none(id=parse_uuid(stream_id), budget_id=budget.id)
    if stream is None:
        raise NotFound("no such funding stream")
    return stream
