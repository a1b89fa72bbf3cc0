"""A budget's money at a glance: received, committed, spent and available, per stream."""

from __future__ import annotations

from dataclasses import dataclass

from core.budgets.models import Budget, FundingStream
from core.ledger.accounts import accounts_for
from core.ledger.models import AccountKind


@dataclass(frozen=True)
class Figures:
    received_pence: int
    held_pence: int
    spent_pence: int
    available_pence: int

    @property
    def fraction_left(self) -> float:
        """Available as a share of what has been received (0..1), for the picture."""
        return (
            0.0
            if self.received_pence <= 0
            else max(0.0, min(1.0, self.available_pence / self.received_pence))
        )

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.received_pence + other.received_pence,
            self.held_pence + other.held_pence,
            self.spent_pence + other.spent_pence,
            self.available_pence + other.available_pence,
        )


ZERO = Figures(0, 0, 0, 0)


@dataclass(frozen=True)
class StreamFigures:
    stream: FundingStream
    figures: Figures


@dataclass(frozen=True)
class BudgetFigures:
    streams: list[StreamFigures]
    total: Figures


async def budget_figures(budget: Budget) -> BudgetFigures:
    """From the cached account balances (checked against the lines by ``ledger verify``)."""
    streams = await FundingStream.filter(budget_id=budget.id).order_by("position", "created_at")
    accounts = await accounts_for(s.id for s in streams)
    rows = []
    for stream in streams:
        kinds = accounts.get(stream.id, {})

        def balance(kind: AccountKind, kinds: dict = kinds) -> int:
            account = kinds.get(kind)
            return account.balance_pence if account else 0

        rows.append(
            StreamFigures(
                stream,
                Figures(
                    received_pence=-balance(AccountKind.FUNDING),
                    held_pence=balance(AccountKind.HELD),
                    spent_pence=balance(AccountKind.SPENT),
                    available_pence=balance(AccountKind.AVAILABLE),
                ),
            )
        )
    total = ZERO
    for row in rows:
        total = total + row.figures
    return BudgetFigures(rows, total)
