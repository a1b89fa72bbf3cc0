"""Adding a funding stream to a budget after it was allocated (e.g. NHS funding agreed later).

One transaction for the stream, its accounts, its instalments and the audit event,
so a half-added stream never shows; then whatever is already due is credited.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import record
from core.budgets.allocation import StreamSpec, add_stream
from core.budgets.funding import credit_due_instalments
from core.budgets.models import Budget, BudgetStatus, FundingInstalment, FundingStream
from core.clock import uk_today, utcnow
from core.errors import Conflict, FieldProblem, InvalidInput
from core.identity.actor import Actor
from core.identity.permissions import require_council
from core.identity.roles import Permission


async def add_funding_stream(actor: Actor, budget: Budget, spec: StreamSpec) -> FundingStream:
    """Add ``spec`` as the budget's last stream (council staff, or scope budgets:write)."""
    await require_council(actor, Permission.MANAGE_BUDGETS)
    if budget.status != BudgetStatus.ACTIVE:
        raise Conflict("this budget has ended")
    async with in_transaction():
        position = await FundingStream.filter(budget_id=budget.id).count()
        try:
            stream = await add_stream(budget, spec, position)
        except InvalidInput as invalid:
            prefix = f"streams.{position}."
            raise InvalidInput(
                str(invalid),
                [FieldProblem(p.field.removeprefix(prefix), p.message) for p in invalid.problems],
            ) from None
        if budget.ended_on is not None:  # ending early already agreed: this stream stops too
            await FundingInstalment.filter(stream_id=stream.id, due_on__gt=budget.ended_on).update(
                cancelled_at=utcnow()
            )
            await FundingStream.filter(id=stream.id).update(ends_on=budget.ended_on)
        await record(
            budget.tenant_id,
            AuditAction.BUDGET_ADJUSTED,
            actor,
            target_type="budget",
            target_id=budget.id,
            details={
                "change": "stream_added",
                "stream": str(stream.id),
                "funding_type": stream.funding_type,
                "instalment_pence": stream.instalment_pence,
                "schedule": stream.schedule.value,
            },
        )
    await credit_due_instalments(budget.tenant_id, uk_today(), budget_id=budget.id)
    await stream.refresh_from_db()
    return stream
