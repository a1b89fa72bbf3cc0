"""What the council's monitoring page shows, by level.

Outcomes (every level) are council-wide sums with nothing per person. Open
exceptions (``exception`` and ``full``) name the person. Every transaction
(``full`` only) is the council's journal, newest first, a page at a time
(keyset paging on the entry id: no OFFSET, stable while new entries arrive).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tortoise.functions import Sum

from core.budgets.models import (
    Budget,
    BudgetException,
    BudgetStatus,
    ExceptionKind,
    FundingInstalment,
)
from core.budgets.statement import KIND_WORDS
from core.jobs.models import JobRun, JobStatus
from core.ledger.models import AccountKind, EntryKind, JournalEntry, JournalLine, LedgerAccount
from core.monitoring.jobs import JOB_NAME

PAGE_SIZE = 50
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Outcomes:
    """This period's money across the council's active budgets."""

    budgets: int
    allocated_pence: int  # received so far plus what is scheduled to arrive
    received_pence: int
    held_pence: int
    spent_pence: int


@dataclass(frozen=True)
class OpenException:
    budget_id: str
    person_name: str
    kind: ExceptionKind
    amount_pence: int
    runs_out_on: date | None
    detected_on: date
    detail: str


@dataclass(frozen=True)
class Transaction:
    entry_id: int
    budget_id: str
    person_name: str
    effective_on: date
    recorded_at: datetime
    kind: EntryKind
    description: str
    amount_pence: int  # signed: money in is positive, a reduction negative

    @property
    def kind_words(self) -> str:
        return KIND_WORDS[self.kind]


@dataclass(frozen=True)
class TransactionPage:
    rows: list[Transaction]
    newer_than: int | None  # pass as ``after`` for the newer page, when there is one
    older_than: int | None  # pass as ``before`` for the older page, when there is one


async def outcomes(tenant_id: int) -> Outcomes:
    balances = {
        row["kind"]: int(row["total"] or 0)
        for row in await LedgerAccount.filter(
            tenant_id=tenant_id, stream__budget__status=BudgetStatus.ACTIVE
        )
        .annotate(total=Sum("balance_pence"))
        .group_by("kind")
        .values("kind", "total")
    }
    to_come = await (
        FundingInstalment.filter(
            tenant_id=tenant_id,
            credited_at__isnull=True,
            cancelled_at__isnull=True,
            stream__budget__status=BudgetStatus.ACTIVE,
        )
        .annotate(total=Sum("amount_pence"))
        .first()
        .values("total")
    )
    received = -balances.get(AccountKind.FUNDING, 0)
    return Outcomes(
        budgets=await Budget.filter(tenant_id=tenant_id, status=BudgetStatus.ACTIVE).count(),
        allocated_pence=received + int((to_come or {}).get("total") or 0),
        received_pence=received,
        held_pence=balances.get(AccountKind.HELD, 0),
        spent_pence=balances.get(AccountKind.SPENT, 0),
    )


async def open_exceptions(tenant_id: int) -> list[OpenException]:
    """Overspends first, soonest to run out first; then underspends, largest first."""
    rows = await BudgetException.filter(
        tenant_id=tenant_id, resolved_at__isnull=True
    ).prefetch_related("budget__person__user")
    found = [
        OpenException(
            budget_id=str(row.budget_id),
            person_name=row.budget.person.user.display_name,
            kind=row.kind,
            amount_pence=row.amount_pence,
            runs_out_on=row.runs_out_on,
            detected_on=row.detected_on,
            detail=row.detail,
        )
        for row in rows
    ]
    return sorted(
        found,
        key=lambda e: (
            e.kind != ExceptionKind.OVERSPEND,
            e.runs_out_on or date.max,
            -e.amount_pence,
            e.person_name,
        ),
    )


def _amount(kind: EntryKind, moves: dict[str, int]) -> int:
    if kind == EntryKind.HOLD:
        return moves[AccountKind.HELD]
    if kind == EntryKind.VOID:
        return -moves[AccountKind.HELD]
    if kind == EntryKind.POST:
        return moves[AccountKind.SPENT]
    return -moves[AccountKind.FUNDING]  # money in (funding, top-ups, increases) or out


def page_position(values: dict[str, str]) -> tuple[int | None, int | None]:
    """``(before, after)`` from the query string; anything but a plain id is ignored."""

    def entry_id(name: str) -> int | None:
        value = values.get(name, "")
        return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None

    before = entry_id("before")
    return before, None if before is not None else entry_id("after")


async def transactions(
    tenant_id: int,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
) -> TransactionPage:
    """One page of the council's journal, newest first."""
    query = JournalEntry.filter(tenant_id=tenant_id)
    if after is not None:  # the page above: the ``limit`` oldest entries newer than ``after``
        entries = list(reversed(await query.filter(id__gt=after).order_by("id").limit(limit + 1)))
        more_newer, entries = len(entries) > limit, entries[-limit:]
        more_older = True
    else:
        if before is not None:
            query = query.filter(id__lt=before)
        entries = await query.order_by("-id").limit(limit + 1)
        more_older, entries = len(entries) > limit, entries[:limit]
        more_newer = before is not None
    if not entries:
        # Off either end (an old link): nothing here, but offer the way back.
        return TransactionPage([], None, None)
    ids = [entry.id for entry in entries]
    moves: dict[int, dict[str, int]] = {i: dict.fromkeys(AccountKind, 0) for i in ids}
    for line in await JournalLine.filter(entry_id__in=ids).values(
        "entry_id", "amount_pence", "account__kind"
    ):
        moves[line["entry_id"]][line["account__kind"]] += line["amount_pence"]
    people = {
        row["id"]: row["person__user__display_name"]
        for row in await Budget.filter(id__in={e.budget_id for e in entries}).values(
            "id", "person__user__display_name"
        )
    }
    rows = [
        Transaction(
            entry_id=entry.id,
            budget_id=str(entry.budget_id),
            person_name=people.get(entry.budget_id, ""),
            effective_on=entry.effective_on,
            recorded_at=entry.created_at,
            kind=entry.kind,
            description=entry.description,
            amount_pence=_amount(entry.kind, moves[entry.id]),
        )
        for entry in entries
    ]
    return TransactionPage(
        rows,
        newer_than=rows[0].entry_id if more_newer else None,
        older_than=rows[-1].entry_id if more_older else None,
    )


async def last_checked(tenant_id: int) -> JobRun | None:
    """The latest successful monitoring run, to say how fresh the exceptions are."""
    return (
        await JobRun.filter(tenant_id=tenant_id, job_name=JOB_NAME, status=JobStatus.SUCCEEDED)
        .order_by("-started_at")
        .first()
    )
