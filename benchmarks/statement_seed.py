"""Give the benchmark's demo database a budget with a long statement, and print how to reach it.

Run as ``python -m benchmarks.statement_seed`` with the benchmark's ``CAREPURSE_*``
environment, after ``carepurse migrate`` and ``carepurse demo seed``. It adds a person
to Riverbend with a budget of ``--entries`` journal entries (the allocation's funding
credit, then commitments and releases in turn, an increase to make up the number),
checks the ledger still verifies, and prints one JSON object: the budget, an officer
who may read it, and an API client with ``budgets:read``.

The entries are written in bulk (with their lines, and the cached balances set to the
lines' sums), not one ``record_entry`` at a time: the statement only reads them, and
this keeps the preparation to a second or two.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

ENTRIES = 5_000
COUNCIL = "riverbend"
HOST = f"{COUNCIL}.localhost"
DESCRIPTION = "Statement bench entry {}"


async def seed(entries: int) -> dict[str, Any]:
    from tortoise.functions import Sum

    from core.budgets.allocation import StreamSpec, allocate_budget
    from core.budgets.models import Schedule
    from core.identity.actor import Actor
    from core.identity.models import Membership, User
    from core.ledger.models import AccountKind, EntryKind, JournalEntry, JournalLine, LedgerAccount
    from core.ledger.verify import verify_ledger
    from core.migrate import database
    from core.oauth.services import create_client_as_operator
    from core.settings import load_settings
    from tenants.demo import DEMO_PASSWORD
    from tenants.models import Tenant

    async with database(load_settings()):
        tenant = await Tenant.get(slug=COUNCIL)
        officer = await Membership.get(
            tenant_id=tenant.id, user__email=f"officer@{COUNCIL}.example"
        ).prefetch_related("user")
        user = await User.create(email="stella@riverbend.example", display_name="Stella Statement")
        person = await Membership.create(tenant=tenant, user=user, roles=["person"])
        actor = Actor(tenant=tenant, user=officer.user, membership=officer)
        budget = await allocate_budget(
            actor,
            person,
            [StreamSpec("council-care", 1_000_000_00, Schedule.ONE_OFF, name="Council care")],
        )
        first = await JournalEntry.get(budget_id=budget.id)  # the funding credit
        first.description = DESCRIPTION.format(0)
        await first.save(update_fields=["description"])
        stream = await budget.streams.all().first()
        accounts = {a.kind: a for a in await LedgerAccount.filter(stream_id=stream.id)}
        available, held = accounts[AccountKind.AVAILABLE], accounts[AccountKind.HELD]
        funding = accounts[AccountKind.FUNDING]

        def kind(n: int) -> EntryKind:
            # Commit and release in pairs (no commitment is left without its hold); an odd
            # one out is an increase.
            if n == entries - 1 and n % 2:
                return EntryKind.INCREASE
            return EntryKind.HOLD if n % 2 else EntryKind.VOID

        await JournalEntry.bulk_create(
            [
                JournalEntry(
                    tenant_id=tenant.id,
                    budget_id=budget.id,
                    kind=kind(n),
                    description=DESCRIPTION.format(n),
                    effective_on=budget.period_start,
                    actor_label="Carepurse benchmark",
                )
                for n in range(1, entries)
            ],
            batch_size=1000,
        )
        lines = []
        for entry in await JournalEntry.filter(budget_id=budget.id, id__gt=first.id):
            amount = 100 + entry.id % 5_000
            if entry.kind == EntryKind.VOID:  # releases the commitment made just before
                amount = 100 + (entry.id - 1) % 5_000
            sign = 1 if entry.kind == EntryKind.HOLD else -1
            other = funding if entry.kind == EntryKind.INCREASE else held
            lines += [
                JournalLine(entry_id=entry.id, account_id=other.id, amount_pence=sign * amount),
                JournalLine(
                    entry_id=entry.id, account_id=available.id, amount_pence=-sign * amount
                ),
            ]
        await JournalLine.bulk_create(lines, batch_size=2000)
        for account in (available, held, funding):
            total = await (
                JournalLine.filter(account_id=account.id)
                .annotate(total=Sum("amount_pence"))
                .first()
                .values("total")
            )
            await LedgerAccount.filter(id=account.id).update(balance_pence=int(total["total"] or 0))
        problems = await verify_ledger(tenant.id)
        if problems:
            raise RuntimeError(f"the seeded ledger does not verify: {problems}")
        client, secret = await create_client_as_operator(
            tenant, "Statement benchmark", ["budgets:read"]
        )
        return {
            "host": HOST,
            "budget_id": str(budget.id),
            "entries": await JournalEntry.filter(budget_id=budget.id).count(),
            "newest": DESCRIPTION.format(entries - 1),
            "email": officer.user.email,
            "password": DEMO_PASSWORD,
            "client_id": client.client_id,
            "client_secret": secret,
        }


async def time_statement(budget_id: str, limit: int = 50) -> dict[str, Any]:
    """The fallback when neither the page nor the API answers: ``statement_rows`` in process
    beside one raw aiosqlite query for the same entries and their lines."""
    import aiosqlite

    from core.budgets.models import Budget
    from core.budgets.statement import statement_rows
    from core.migrate import database
    from core.settings import load_settings

    settings = load_settings()
    async with database(settings):
        budget = await Budget.get(id=budget_id)

        async def orm() -> None:
            await statement_rows(budget, limit=limit)

        path = settings.database_url.removeprefix("sqlite://").split("?", 1)[0]
        raw = await aiosqlite.connect(path)
        try:

            async def query() -> None:
                cursor = await raw.execute(
                    "SELECT e.id, e.effective_on, e.kind, e.description, a.kind, l.amount_pence "
                    "FROM (SELECT * FROM journal_entry WHERE budget_id = ? ORDER BY id DESC "
                    "LIMIT ?) e JOIN journal_line l ON l.entry_id = e.id "
                    "JOIN ledger_account a ON a.id = l.account_id ORDER BY e.id DESC",
                    (budget_id, limit),
                )
                await cursor.fetchall()

            timed = {}
            for name, call in (("orm_us", orm), ("raw_us", query)):
                for _ in range(20):
                    await call()
                best = float("inf")
                for _ in range(5):
                    started = time.perf_counter()
                    for _ in range(100):
                        await call()
                    best = min(best, (time.perf_counter() - started) / 100)
                timed[name] = best * 1e6
        finally:
            await raw.close()
    return timed | {"limit": limit}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=ENTRIES)
    parser.add_argument("--time", metavar="BUDGET_ID", help="time statement_rows instead")
    args = parser.parse_args()
    if args.time:
        json.dump(asyncio.run(time_statement(args.time)), sys.stdout)
    else:
        json.dump(asyncio.run(seed(args.entries)), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
