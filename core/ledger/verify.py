"""``carepurse ledger verify``: every cached balance equals its lines, every entry balances,
no asset account is below zero, and holds agree with the money held."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise import connections


@dataclass(frozen=True)
class LedgerProblem:
    tenant_id: int
    what: str


CHECKS: dict[str, str] = {
    "an entry's lines do not sum to zero": """
        SELECT e.tenant_id, e.id FROM journal_entry e JOIN journal_line l ON l.entry_id = e.id
        GROUP BY e.tenant_id, e.id HAVING SUM(l.amount_pence) <> 0""",
    "an account's cached balance differs from the sum of its lines": """
        SELECT a.tenant_id, a.id FROM ledger_account a
        LEFT JOIN journal_line l ON l.account_id = a.id
        GROUP BY a.tenant_id, a.id, a.balance_pence
        HAVING a.balance_pence <> COALESCE(SUM(l.amount_pence), 0)""",
    "an account has the wrong sign for its kind": """
        SELECT tenant_id, id FROM ledger_account
        WHERE (kind IN ('available', 'held', 'spent') AND balance_pence < 0)
           OR (kind = 'funding' AND balance_pence > 0)""",
    "a stream's four accounts do not sum to zero": """
        SELECT tenant_id, stream_id FROM ledger_account
        GROUP BY tenant_id, stream_id HAVING SUM(balance_pence) <> 0""",
    "the money held differs from the stream's pending commitments": """
        SELECT a.tenant_id, a.stream_id FROM ledger_account a
        LEFT JOIN ledger_hold h ON h.stream_id = a.stream_id AND h.status = 'pending'
        WHERE a.kind = 'held'
        GROUP BY a.tenant_id, a.stream_id, a.balance_pence
        HAVING a.balance_pence <> COALESCE(SUM(h.amount_pence), 0)""",
    "the money spent differs from the stream's settled commitments": """
        SELECT a.tenant_id, a.stream_id FROM ledger_account a
        LEFT JOIN ledger_hold h ON h.stream_id = a.stream_id AND h.status = 'posted'
        WHERE a.kind = 'spent'
        GROUP BY a.tenant_id, a.stream_id, a.balance_pence
        HAVING a.balance_pence <> COALESCE(SUM(h.posted_pence), 0)""",
    "an entry has no lines": """
        SELECT e.tenant_id, e.id FROM journal_entry e
        LEFT JOIN journal_line l ON l.entry_id = e.id WHERE l.id IS NULL""",
}


async def verify_ledger(tenant_id: int | None = None) -> list[LedgerProblem]:
    """Every problem found (an empty list means the ledger is sound)."""
    connection = connections.get("default")
    problems = []
    for what, sql in CHECKS.items():
        for row in await connection.execute_query_dict(sql):
            values = list(row.values())
            if tenant_id is None or values[0] == tenant_id:
                problems.append(LedgerProblem(values[0], f"{what} (id {values[1]})"))
    return problems
