"""Moving money: every change is a balanced journal entry and atomic conditional updates.

The cached balance of each account moves in one ``UPDATE ... WHERE`` that
refuses to take an asset account below zero, so concurrent requests can never
pass each other; the database CHECK (trigger on SQLite) is the backstop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.ledger.models import (
    ASSET_KINDS,
    AccountKind,
    EntryKind,
    JournalEntry,
    JournalLine,
    LedgerAccount,
)


class Unbalanced(ValueError):
    """A programming error: an entry's lines must sum to zero."""


class WouldGoNegative(Exception):
    """An asset account lacks the money (internal; callers turn it into NotEnoughMoney)."""

    def __init__(self, account: LedgerAccount) -> None:
        super().__init__(f"account {account.id} ({account.kind}) would go below zero")
        self.account = account


@dataclass(frozen=True)
class Leg:
    account: LedgerAccount
    amount_pence: int


async def apply_legs(legs: list[Leg]) -> None:
    """Move cached balances, guarded; call inside a transaction with the entry's insert.

    Accounts are updated in id order so concurrent entries never deadlock.
    """
    if sum(leg.amount_pence for leg in legs) != 0:
        raise Unbalanced([leg.amount_pence for leg in legs])
    for leg in sorted(legs, key=lambda leg: leg.account.id):
        query = LedgerAccount.filter(id=leg.account.id)
        if leg.account.kind in ASSET_KINDS and leg.amount_pence < 0:
            query = query.filter(balance_pence__gte=-leg.amount_pence)
        if leg.account.kind == AccountKind.FUNDING and leg.amount_pence > 0:
            query = query.filter(balance_pence__lte=-leg.amount_pence)
        changed = await query.update(balance_pence=F("balance_pence") + leg.amount_pence)
        if changed != 1:
            raise WouldGoNegative(leg.account)


async def record_entry(
    *,
    tenant_id: int,
    budget_id: Any,
    kind: EntryKind,
    description: str,
    effective_on: date,
    legs: list[Leg],
    actor_label: str,
    idempotency_key: str | None = None,
    hold_id: Any = None,
) -> JournalEntry:
    """Apply the legs and write the entry with its lines, all or nothing."""
    async with in_transaction():
        entry = await JournalEntry.create(
            tenant_id=tenant_id,
            budget_id=budget_id,
            kind=kind,
            description=description[:300],
            effective_on=effective_on,
            idempotency_key=idempotency_key,
            hold_id=hold_id,
            actor_label=actor_label[:300],
        )
        await apply_legs(legs)
        await JournalLine.bulk_create(
            [
                JournalLine(entry=entry, account_id=leg.account.id, amount_pence=leg.amount_pence)
                for leg in legs
                if leg.amount_pence != 0
            ]
        )
    return entry
