"""Two-phase holds: commit money to a service, then settle it (spent) or cancel it (released)."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.budgets.restrictions import may_pay_for, restriction_reason
from core.clock import uk_today, utcnow
from core.errors import FieldProblem, InvalidInput, NotFound
from core.ids import parse_uuid
from core.ledger.accounts import accounts_for
from core.ledger.errors import FundingRestricted, HoldNotPending, NotEnoughMoney
from core.ledger.models import AccountKind, EntryKind, Hold, HoldStatus, JournalEntry
from core.ledger.money import pounds
from core.ledger.posting import Leg, WouldGoNegative, record_entry
from core.marketplace.categories import kind_of_service


async def place_hold(
    budget: Any,
    amount_pence: int,
    category: str,
    description: str,
    actor_label: str,
    *,
    stream_id: Any = None,
    reference: str | None = None,
) -> Hold:
    """Hold money on the first of the budget's streams that may pay for ``category`` and has
    room. Refused with a plain reason when no stream may pay, or none has enough."""
    if not isinstance(amount_pence, int) or amount_pence <= 0:
        raise InvalidInput(
            "the amount must be more than zero",
            [FieldProblem("amount_pence", "must be a whole number of pence above 0")],
        )
    # A council's own category counts as the standard one it comes under; unknown -> InvalidInput.
    kind = await kind_of_service(budget.tenant_id, category)
    if budget.status != "active":
        raise FundingRestricted("this budget has ended, so no more money can be committed")
    streams = [
        s
        for s in await budget.streams.all().order_by("position", "created_at")
        if stream_id is None or s.id == parse_uuid(stream_id)
    ]
    if stream_id is not None and not streams:
        raise NotFound("no such funding stream in this budget")
    eligible = [s for s in streams if may_pay_for(s, category, kind.standard_code)]
    if not eligible:
        raise FundingRestricted(restriction_reason(streams, category, kind.label))
    accounts = await accounts_for(s.id for s in eligible)
    for stream in eligible:
        available, held = (
            accounts[stream.id][AccountKind.AVAILABLE],
            accounts[stream.id][AccountKind.HELD],
        )
        try:
            async with in_transaction():
                hold = await Hold.create(
                    id=uuid.uuid4(),
                    tenant_id=budget.tenant_id,
                    budget_id=budget.id,
                    stream=stream,
                    amount_pence=amount_pence,
                    category=category,
                    description=description[:300],
                    reference=reference,
                )
                await record_entry(
                    tenant_id=budget.tenant_id,
                    budget_id=budget.id,
                    kind=EntryKind.HOLD,
                    description=f"Committed: {description}",
                    effective_on=uk_today(),
                    legs=[Leg(available, -amount_pence), Leg(held, amount_pence)],
                    actor_label=actor_label,
                    hold_id=hold.id,
                )
            return hold
        except WouldGoNegative:
            continue
    available = await _available_now(eligible)
    raise NotEnoughMoney(
        f"There is not enough money for this: {pounds(available)} is available for "
        f"{kind.label.lower()}, and {pounds(amount_pence)} is needed.",
        available_pence=available,
        needed_pence=amount_pence,
    )


async def _available_now(streams: list[Any]) -> int:
    accounts = await accounts_for(s.id for s in streams)
    return sum(accounts[s.id][AccountKind.AVAILABLE].balance_pence for s in streams)


async def _claim(hold_id: Any, tenant_id: int, status: HoldStatus, posted: int = 0) -> Hold:
    """Move a pending hold to ``status`` exactly once (conditional update)."""
    hold = await Hold.get_or_none(id=parse_uuid(hold_id), tenant_id=tenant_id)
    if hold is None:
        raise NotFound("no such commitment")
    changed = await Hold.filter(id=hold.id, status=HoldStatus.PENDING).update(
        status=status, posted_pence=posted, settled_at=utcnow()
    )
    if not changed:
        raise HoldNotPending(f"this commitment was already {hold.status.value}")
    return hold


async def post_hold(
    hold_id: Any, tenant_id: int, amount_pence: int | None, description: str, actor_label: str
) -> JournalEntry:
    """Settle a hold (an approved invoice): the amount is spent, any rest is released."""
    async with in_transaction():
        hold = await Hold.get_or_none(id=parse_uuid(hold_id), tenant_id=tenant_id)
        if hold is None:
            raise NotFound("no such commitment")
        amount = hold.amount_pence if amount_pence is None else amount_pence
        if not isinstance(amount, int) or not 0 < amount <= hold.amount_pence:
            raise InvalidInput(
                "the amount is not right",
                [FieldProblem("amount_pence", f"must be between 1 and {hold.amount_pence} pence")],
            )
        await _claim(hold.id, tenant_id, HoldStatus.POSTED, amount)
        accounts = (await accounts_for([hold.stream_id]))[hold.stream_id]
        legs = [
            Leg(accounts[AccountKind.HELD], -hold.amount_pence),
            Leg(accounts[AccountKind.SPENT], amount),
        ]
        if amount < hold.amount_pence:
            legs.append(Leg(accounts[AccountKind.AVAILABLE], hold.amount_pence - amount))
        return await record_entry(
            tenant_id=tenant_id,
            budget_id=hold.budget_id,
            kind=EntryKind.POST,
            description=f"Paid: {description or hold.description}",
            effective_on=uk_today(),
            legs=legs,
            actor_label=actor_label,
            hold_id=hold.id,
        )


async def void_hold(hold_id: Any, tenant_id: int, reason: str, actor_label: str) -> JournalEntry:
    """Cancel a hold: the money goes back to available."""
    async with in_transaction():
        hold = await _claim(hold_id, tenant_id, HoldStatus.VOIDED)
        accounts = (await accounts_for([hold.stream_id]))[hold.stream_id]
        return await record_entry(
            tenant_id=tenant_id,
            budget_id=hold.budget_id,
            kind=EntryKind.VOID,
            description=f"Released: {hold.description} ({reason})"[:300],
            effective_on=uk_today(),
            legs=[
                Leg(accounts[AccountKind.HELD], -hold.amount_pence),
                Leg(accounts[AccountKind.AVAILABLE], hold.amount_pence),
            ],
            actor_label=actor_label,
            hold_id=hold.id,
        )


async def release_part_of_hold(
    hold_id: Any, tenant_id: int, amount_pence: int, reason: str, actor_label: str
) -> JournalEntry:
    """Give back part of a pending hold (visits cancelled before they were delivered): the
    hold shrinks by ``amount_pence`` and that much goes back to available. Releasing all
    of it voids the hold. The shrink is conditional on the hold still being pending and
    big enough, so two releases at once can never give back more than was held."""
    hold = await Hold.get_or_none(id=parse_uuid(hold_id), tenant_id=tenant_id)
    if hold is None:
        raise NotFound("no such commitment")
    if not isinstance(amount_pence, int) or not 0 < amount_pence <= hold.amount_pence:
        raise InvalidInput(
            "the amount is not right",
            [FieldProblem("amount_pence", f"must be between 1 and {hold.amount_pence} pence")],
        )
    if amount_pence == hold.amount_pence:
        return await void_hold(hold.id, tenant_id, reason, actor_label)
    async with in_transaction():
        changed = await Hold.filter(
            id=hold.id, status=HoldStatus.PENDING, amount_pence__gt=amount_pence
        ).update(amount_pence=F("amount_pence") - amount_pence)
        if not changed:
            current = await Hold.get(id=hold.id)
            if current.status != HoldStatus.PENDING:
                raise HoldNotPending(f"this commitment was already {current.status.value}")
            raise InvalidInput(
                "the amount is not right",
                [FieldProblem("amount_pence", f"must be at most {current.amount_pence} pence")],
            )
        accounts = (await accounts_for([hold.stream_id]))[hold.stream_id]  # type: ignore[attr-defined]
        return await record_entry(
            tenant_id=tenant_id,
            budget_id=hold.budget_id,  # type: ignore[attr-defined]
            kind=EntryKind.VOID,
            description=f"Released: part of {hold.description} ({reason})"[:300],
            effective_on=uk_today(),
            legs=[
                Leg(accounts[AccountKind.HELD], -amount_pence),
                Leg(accounts[AccountKind.AVAILABLE], amount_pence),
            ],
            actor_label=actor_label,
            hold_id=hold.id,
        )
