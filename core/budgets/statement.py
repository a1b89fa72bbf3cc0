"""A budget statement: every movement of money, one row per journal entry, newest first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime

from core.budgets.models import Budget, FundingStream
from core.ledger.models import AccountKind, EntryKind, JournalEntry, JournalLine, LedgerAccount

KIND_WORDS = {
    EntryKind.FUNDING: "Money received",
    EntryKind.TOP_UP: "Money added",
    EntryKind.INCREASE: "Budget increased",
    EntryKind.REDUCTION: "Budget reduced",
    EntryKind.HOLD: "Committed",
    EntryKind.POST: "Paid",
    EntryKind.VOID: "Released",
}


@dataclass(frozen=True)
class StatementRow:
    entry_id: int
    effective_on: date
    recorded_at: datetime
    kind: EntryKind
    description: str
    stream_name: str
    received_pence: int  # into the budget (funding, top-ups, increases; negative for reductions)
    committed_pence: int  # change in held money
    spent_pence: int
    available_change_pence: int

    @property
    def kind_words(self) -> str:
        return KIND_WORDS[self.kind]


async def statement_rows(
    budget: Budget, *, before_id: int | None = None, limit: int = 50
) -> list[StatementRow]:
    """Rows newest first; pass the last row's ``entry_id`` as ``before_id`` for the next page."""
    query = JournalEntry.filter(budget_id=budget.id)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    entries = await query.order_by("-id").limit(limit)
    return await _rows(budget, entries)


async def all_rows(budget: Budget, batch: int = 1000) -> AsyncIterator[StatementRow]:
    """Every row, newest first, in batches (for CSV downloads of long statements)."""
    before: int | None = None
    while rows := await statement_rows(budget, before_id=before, limit=batch):
        for row in rows:
            yield row
        before = rows[-1].entry_id


async def _rows(budget: Budget, entries: list[JournalEntry]) -> list[StatementRow]:
    if not entries:
        return []
    lines = await JournalLine.filter(entry_id__in=[e.id for e in entries])
    accounts = {
        a.id: a for a in await LedgerAccount.filter(id__in={line.account_id for line in lines})
    }
    streams = {s.id: s.name for s in await FundingStream.filter(budget_id=budget.id)}
    by_entry: dict[int, list[JournalLine]] = {}
    for line in lines:
        by_entry.setdefault(line.entry_id, []).append(line)
    rows = []
    for entry in entries:
        moves = {kind: 0 for kind in AccountKind}
        stream_name = ""
        for line in by_entry.get(entry.id, []):
            account = accounts[line.account_id]
            moves[account.kind] += line.amount_pence
            stream_name = streams.get(account.stream_id, stream_name)
        rows.append(
            StatementRow(
                entry_id=entry.id,
                effective_on=entry.effective_on,
                recorded_at=entry.created_at,
                kind=entry.kind,
                description=entry.description,
                stream_name=stream_name,
                received_pence=-moves[AccountKind.FUNDING],
                committed_pence=moves[AccountKind.HELD],
                spent_pence=moves[AccountKind.SPENT],
                available_change_pence=moves[AccountKind.AVAILABLE],
            )
        )
    return rows
