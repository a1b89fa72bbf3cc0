"""Changing a budget after allocation: increase, reduce, end early, and top-ups.

Every change is a new journal entry with a reason, never an edit, and audited.
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import record
from core.budgets.models import Budget, BudgetStatus, FundingInstalment, FundingStream
from core.clock import uk_today, utcnow
from core.errors import Conflict, FieldProblem, InvalidInput
from core.identity.actor import Actor
from core.identity.permissions import require_council, require_person
from core.identity.roles import Permission
from core.ledger.accounts import accounts_for
from core.ledger.errors import FundingRestricted, NotEnoughMoney
from core.ledger.models import AccountKind, EntryKind, JournalEntry
from core.ledger.money import pounds
from core.ledger.posting import Leg, WouldGoNegative, record_entry


def _check_amount(amount_pence: int) -> None:
    if not isinstance(amount_pence, int) or amount_pence <= 0:
        raise InvalidInput(
            "enter an amount", [FieldProblem("amount_pence", "Enter an amount above £0")]
        )


def _check_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("give a reason", [FieldProblem("reason", "Say why, for the record")])
    return reason[:200]


def _active(budget: Budget) -> None:
    if budget.status != BudgetStatus.ACTIVE:
        raise Conflict("this budget has ended")


async def increase(
    actor: Actor, budget: Budget, stream: FundingStream, amount_pence: int, reason: str
) -> JournalEntry:
    """Add money to a stream now (a one-off increase)."""
    await require_council(actor, Permission.MANAGE_BUDGETS)
    _check_amount(amount_pence)
    reason = _check_reason(reason)
    _active(budget)
    accounts = (await accounts_for([stream.id]))[stream.id]
    async with in_transaction():
        entry = await record_entry(
            tenant_id=budget.tenant_id,
            budget_id=budget.id,
            kind=EntryKind.INCREASE,
            description=f"Increase to {stream.name}: {reason}",
            effective_on=uk_today(),
            legs=[
                Leg(accounts[AccountKind.AVAILABLE], amount_pence),
                Leg(accounts[AccountKind.FUNDING], -amount_pence),
            ],
            actor_label=actor.audit_label,
        )
        await record(
            budget.tenant_id,
            AuditAction.BUDGET_ADJUSTED,
            actor,
            target_type="budget",
            target_id=budget.id,
            details={
                "change": "increase",
                "stream": str(stream.id),
                "amount_pence": amount_pence,
                "reason": reason,
            },
        )
    return entry


async def reduce(
    actor: Actor, budget: Budget, stream: FundingStream, amount_pence: int, reason: str
) -> JournalEntry:
    """Take unspent, uncommitted money back from a stream; never more than is available."""
    await require_council(actor, Permission.MANAGE_BUDGETS)
    _check_amount(amount_pence)
    reason = _check_reason(reason)
    _active(budget)
    accounts = (await accounts_for([stream.id]))[stream.id]
    try:
        async with in_transaction():
            entry = await record_entry(
                tenant_id=budget.tenant_id,
                budget_id=budget.id,
                kind=EntryKind.REDUCTION,
                description=f"Reduction to {stream.name}: {reason}",
                effective_on=uk_today(),
                legs=[
                    Leg(accounts[AccountKind.AVAILABLE], -amount_pence),
                    Leg(accounts[AccountKind.FUNDING], amount_pence),
                ],
                actor_label=actor.audit_label,
            )
            await record(
                budget.tenant_id,
                AuditAction.BUDGET_ADJUSTED,
                actor,
                target_type="budget",
                target_id=budget.id,
                details={
                    "change": "reduction",
                    "stream": str(stream.id),
                    "amount_pence": amount_pence,
                    "reason": reason,
                },
            )
    except WouldGoNegative:
        available = (await accounts_for([stream.id]))[stream.id][AccountKind.AVAILABLE]
        raise NotEnoughMoney(
            f"Only {pounds(available.balance_pence)} of {stream.name} is not yet spent or "
            f"committed, so it cannot be reduced by {pounds(amount_pence)}.",
            available_pence=available.balance_pence,
            needed_pence=amount_pence,
        ) from None
    return entry


async def end_early(actor: Actor, budget: Budget, on: date, reason: str) -> int:
    """Stop payments after ``on``: later instalments are cancelled. Returns how many."""
    await require_council(actor, Permission.MANAGE_BUDGETS)
    reason = _check_reason(reason)
    _active(budget)
    if not budget.period_start <= on <= budget.period_end:
        raise InvalidInput(
            "pick a date in the period",
            [FieldProblem("ends_on", "The end date must fall inside the budget period")],
        )
    async with in_transaction():
        cancelled = await FundingInstalment.filter(
            stream__budget_id=budget.id,
            due_on__gt=on,
            credited_at__isnull=True,
            cancelled_at__isnull=True,
        ).update(cancelled_at=utcnow())
        await FundingStream.filter(budget_id=budget.id).update(ends_on=on)
        changes = {"ended_on": on}
        if on <= uk_today():
            changes["status"] = BudgetStatus.ENDED
        await Budget.filter(id=budget.id).update(**changes)
        await record(
            budget.tenant_id,
            AuditAction.BUDGET_ENDED,
            actor,
            target_type="budget",
            target_id=budget.id,
            details={
                "ends_on": on.isoformat(),
                "reason": reason,
                "instalments_cancelled": cancelled,
            },
        )
    await budget.refresh_from_db()
    return cancelled


async def top_up(
    actor: Actor, budget: Budget, stream: FundingStream, amount_pence: int, note: str
) -> JournalEntry:
    """The person (or someone managing for them) adds their own money, where allowed."""
    await require_person(actor, budget.person, Permission.SPEND_BUDGET)
    _check_amount(amount_pence)
    _active(budget)
    if not stream.top_ups_allowed:
        raise FundingRestricted(f"{stream.name} does not take top-ups. Ask the council.")
    accounts = (await accounts_for([stream.id]))[stream.id]
    note = " ".join((note or "").split())[:120] or "Top-up"
    async with in_transaction():
        entry = await record_entry(
            tenant_id=budget.tenant_id,
            budget_id=budget.id,
            kind=EntryKind.TOP_UP,
            description=f"Money added to {stream.name}: {note}",
            effective_on=uk_today(),
            legs=[
                Leg(accounts[AccountKind.AVAILABLE], amount_pence),
                Leg(accounts[AccountKind.FUNDING], -amount_pence),
            ],
            actor_label=actor.audit_label,
        )
        await record(
            budget.tenant_id,
            AuditAction.TOPPED_UP,
            actor,
            target_type="budget",
            target_id=budget.id,
            details={"stream": str(stream.id), "amount_pence": amount_pence},
        )
    return entry
