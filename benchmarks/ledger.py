"""Ledger postings per second, in process, beside the same work in raw SQL.

A posting is ``core.ledger.posting.record_entry`` with two legs, moving a penny between
a funding stream's available and held accounts: commit (available -> held), then
release (held -> available), over and over. Each is one transaction: the guarded
``UPDATE ledger_account ... WHERE balance_pence >= x`` on the account money leaves, the
plain update on the other, the journal entry and its two lines.

The baseline does exactly that in raw SQL on the same tables (same indexes, CHECK
constraints on PostgreSQL, triggers on SQLite) through the driver Tortoise uses
(aiosqlite or asyncpg) with no ORM: ``INSERT`` the entry, the two ``UPDATE``s (the guard's
row count checked), ``INSERT`` the two lines, in a transaction. The ratio is what the ORM
and ``record_entry``'s own checks cost per posting.

Postings run one after another on one connection (no concurrency), interleaved with the
baseline round by round. Every run ends with ``ledger verify`` on the database: the raw
postings must leave the ledger as sound as the real ones, or we would be timing
something else.

SQLite: a new file in a temporary directory. PostgreSQL: a database created for the run
(``carepurse_bench`` on the server of ``BENCH_POSTGRES_URL``, default
``postgres://postgres@127.0.0.1:5432/test``) and dropped afterwards; skipped, with a
note, when the server cannot be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.pg import with_database

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
BENCH_DATABASE = "carepurse_bench"
WARMUP_PAIRS = 50
START_PENCE = 10**12  # £10bn available: a penny at a time never runs out
ENTRY_SQL_COLUMNS = (
    "tenant_id, budget_id, kind, description, effective_on, idempotency_key, hold_id, "
    "actor_label, created_at"
)


ROOT = Path(__file__).resolve().parent.parent


class LedgerBenchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Fixture:
    tenant_id: int
    budget_id: uuid.UUID
    available: Any  # LedgerAccount
    held: Any


# ---------------------------------------------------------------------------
# What is timed
# ---------------------------------------------------------------------------


async def _fixture() -> Fixture:
    """A council, a person and a budget with one funding stream holding START_PENCE."""
    from core.budgets.models import Budget, FundingStream, Schedule
    from core.identity.models import Membership, User
    from core.ledger.accounts import open_accounts
    from core.ledger.models import AccountKind, EntryKind
    from core.ledger.posting import Leg, record_entry
    from tenants.models import Tenant

    today = date.today()
    tenant = await Tenant.create(slug="benchmark", name="Benchmark Council")
    user = await User.create(email="posting@benchmark.example", display_name="Pat Posting")
    person = await Membership.create(tenant=tenant, user=user, roles=["person"])
    budget = await Budget.create(
        tenant=tenant,
        person=person,
        period_start=today,
        period_end=today.replace(year=today.year + 1),
        created_by="benchmark",
    )
    stream = await FundingStream.create(
        tenant_id=tenant.id,
        budget=budget,
        funding_type="council-care",
        name="Council care",
        instalment_pence=START_PENCE,
        schedule=Schedule.ONE_OFF,
        first_payment_on=today,
    )
    accounts = await open_accounts(tenant.id, stream.id)
    await record_entry(
        tenant_id=tenant.id,
        budget_id=budget.id,
        kind=EntryKind.FUNDING,
        description="Benchmark funding",
        effective_on=today,
        legs=[
            Leg(accounts[AccountKind.AVAILABLE], START_PENCE),
            Leg(accounts[AccountKind.FUNDING], -START_PENCE),
        ],
        actor_label="benchmark",
    )
    return Fixture(
        tenant.id, budget.id, accounts[AccountKind.AVAILABLE], accounts[AccountKind.HELD]
    )


def _orm_pair(fixture: Fixture) -> Callable[[], Awaitable[None]]:
    """Commit a penny, then release it: two ``record_entry`` calls."""
    from core.ledger.models import EntryKind
    from core.ledger.posting import Leg, record_entry

    today = date.today()
    commit = [Leg(fixture.available, -1), Leg(fixture.held, 1)]
    release = [Leg(fixture.held, -1), Leg(fixture.available, 1)]

    async def pair() -> None:
        for kind, legs in ((EntryKind.HOLD, commit), (EntryKind.VOID, release)):
            await record_entry(
                tenant_id=fixture.tenant_id,
                budget_id=fixture.budget_id,
                kind=kind,
                description="Benchmark posting",
                effective_on=today,
                legs=legs,
                actor_label="benchmark",
            )

    return pair


def _moves(fixture: Fixture) -> tuple[tuple[str, int, int], ...]:
    """(entry kind, account money leaves, account it goes to) for a commit and a release."""
    return (
        ("hold", fixture.available.id, fixture.held.id),
        ("void", fixture.held.id, fixture.available.id),
    )


def _sqlite_raw_pair(fixture: Fixture, db: Any) -> Callable[[], Awaitable[None]]:
    """The same two postings through aiosqlite, with no ORM."""
    today = date.today().isoformat()
    budget = str(fixture.budget_id)
    insert_entry = (
        f"INSERT INTO journal_entry ({ENTRY_SQL_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?)"
    )
    take = "UPDATE ledger_account SET balance_pence = balance_pence - ? WHERE id = ? AND balance_pence >= ?"  # noqa: E501
    give = "UPDATE ledger_account SET balance_pence = balance_pence + ? WHERE id = ?"
    insert_lines = "INSERT INTO journal_line (entry_id, account_id, amount_pence) VALUES (?, ?, ?)"
    moves = _moves(fixture)

    async def pair() -> None:
        for kind, source, target in moves:
            await db.execute("BEGIN")
            try:
                cursor = await db.execute(
                    insert_entry,
                    (fixture.tenant_id, budget, kind, "Benchmark posting", today, "benchmark",
                     str(datetime.now(UTC))),
                )  # fmt: skip
                entry_id = cursor.lastrowid
                # In account id order, as record_entry does (no deadlocks).
                for account, leaving in sorted(((source, True), (target, False))):
                    if leaving:  # the account money leaves: guarded
                        cursor = await db.execute(take, (1, account, 1))
                        if cursor.rowcount != 1:
                            raise LedgerBenchError(f"account {account} would go below zero")
                    else:
                        await db.execute(give, (1, account))
                await db.executemany(insert_lines, ((entry_id, target, 1), (entry_id, source, -1)))
                await db.execute("COMMIT")
            except BaseException:
                await db.execute("ROLLBACK")
                raise

    return pair


def _postgres_raw_pair(fixture: Fixture, db: Any) -> Callable[[], Awaitable[None]]:
    """The same two postings through asyncpg, with no ORM."""
    today = date.today()
    insert_entry = (
        f"INSERT INTO journal_entry ({ENTRY_SQL_COLUMNS}) "
        "VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7) RETURNING id"
    )
    take = "UPDATE ledger_account SET balance_pence = balance_pence - $1 WHERE id = $2 AND balance_pence >= $1"  # noqa: E501
    give = "UPDATE ledger_account SET balance_pence = balance_pence + $1 WHERE id = $2"
    insert_lines = (
        "INSERT INTO journal_line (entry_id, account_id, amount_pence) VALUES ($1, $2, $3)"
    )
    moves = _moves(fixture)

    async def pair() -> None:
        for kind, source, target in moves:
            async with db.transaction():
                entry_id = await db.fetchval(
                    insert_entry,
                    fixture.tenant_id, fixture.budget_id, kind, "Benchmark posting", today,
                    "benchmark", datetime.now(UTC),
                )  # fmt: skip
                for account, leaving in sorted(((source, True), (target, False))):
                    if leaving:
                        if await db.execute(take, 1, account) != "UPDATE 1":
                            raise LedgerBenchError(f"account {account} would go below zero")
                    else:
                        await db.execute(give, 1, account)
                await db.executemany(insert_lines, [(entry_id, target, 1), (entry_id, source, -1)])

    return pair


async def _rate(pair: Callable[[], Awaitable[None]], seconds: float) -> dict[str, float]:
    """Postings per second, pairs run back to back for about ``seconds``."""
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        await pair()
        done += 2
        if time.perf_counter() >= deadline:
            break
    elapsed = time.perf_counter() - started
    return {"postings": done, "seconds": elapsed, "per_s": done / elapsed}


async def _compare(
    orm: Callable[[], Awaitable[None]],
    raw: Callable[[], Awaitable[None]],
    seconds: float,
    rounds: int,
) -> dict[str, Any]:
    for pair in (orm, raw):  # connections open, statements prepared, caches warm
        for _ in range(WARMUP_PAIRS):
            await pair()
    measured: dict[str, list[dict[str, float]]] = {"carepurse": [], "baseline": []}
    for _ in range(rounds):
        measured["carepurse"].append(await _rate(orm, seconds / rounds))
        measured["baseline"].append(await _rate(raw, seconds / rounds))
    result: dict[str, Any] = {}
    for side, runs in measured.items():
        postings = sum(r["postings"] for r in runs)
        elapsed = sum(r["seconds"] for r in runs)
        per_s = [r["per_s"] for r in runs]
        result[side] = {
            "postings": postings,
            "seconds": elapsed,
            "per_s": postings / elapsed,
            "us_per_posting": elapsed / postings * 1e6,
            "rounds_per_s": per_s,
            "rounds_spread": (max(per_s) - min(per_s)) / 2 / statistics.fmean(per_s),
        }
    result["ratio"] = result["carepurse"]["per_s"] / result["baseline"]["per_s"]
    result["rounds_ratio"] = [
        a / b
        for a, b in zip(
            result["carepurse"]["rounds_per_s"], result["baseline"]["rounds_per_s"], strict=True
        )
    ]
    return result


async def _verified(tenant_id: int) -> None:
    from core.ledger.verify import verify_ledger

    problems = await verify_ledger(tenant_id)
    if problems:
        raise LedgerBenchError(f"ledger verify found problems after the run: {problems[:3]}")


# ---------------------------------------------------------------------------
# The two databases
# ---------------------------------------------------------------------------


def _settings(database_url: str) -> Any:
    from core.settings import Settings

    return Settings(environment="development", database_url=database_url, log_level="WARNING")


async def _bench_sqlite(directory: Path, seconds: float, rounds: int) -> dict[str, Any]:
    import aiosqlite

    from core.migrate import database, migrate_database

    path = directory / "ledger.sqlite3"
    settings = _settings(f"sqlite://{path}")
    await migrate_database(settings)
    async with database(settings):
        fixture = await _fixture()
        # The pragmas Tortoise's SQLite client sets (core.db adds busy_timeout).
        raw = await aiosqlite.connect(path, isolation_level=None)
        try:
            for pragma in (
                "journal_mode=WAL",
                "journal_size_limit=16384",
                "foreign_keys=ON",
                "busy_timeout=10000",
            ):
                await raw.execute(f"PRAGMA {pragma}")
            result = await _compare(
                _orm_pair(fixture), _sqlite_raw_pair(fixture, raw), seconds, rounds
            )
        finally:
            await raw.close()
        await _verified(fixture.tenant_id)
    return result | {"database": "SQLite (WAL file) / aiosqlite"}


@contextlib.asynccontextmanager
async def _scratch_postgres(admin_url: str) -> AsyncIterator[str]:
    """A fresh database on the server, dropped afterwards; yields its URL."""
    import asyncpg

    admin = await asyncpg.connect(admin_url, timeout=5)
    try:
        version = admin.get_server_version()
        force = " WITH (FORCE)" if version.major >= 13 else ""
        await admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}{force}")  # a crash's
        await admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
        try:
            yield with_database(admin_url, BENCH_DATABASE)
        finally:
            await admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}{force}")
    finally:
        await admin.close()


async def _bench_postgres(admin_url: str, seconds: float, rounds: int) -> dict[str, Any]:
    import asyncpg

    from core.migrate import database, migrate_database

    async with _scratch_postgres(admin_url) as url:
        settings = _settings(url)
        await migrate_database(settings)
        async with database(settings):
            fixture = await _fixture()
            raw = await asyncpg.connect(url)
            try:
                result = await _compare(
                    _orm_pair(fixture), _postgres_raw_pair(fixture, raw), seconds, rounds
                )
                version = raw.get_server_version()
            finally:
                await raw.close()
            await _verified(fixture.tenant_id)
    return result | {
        "database": f"PostgreSQL {version.major}.{version.minor} / asyncpg",
        "scratch_database": BENCH_DATABASE,
    }


async def _postgres_reachable(admin_url: str) -> str | None:
    """``None`` when we can connect, else why not."""
    import asyncpg

    try:
        connection = await asyncpg.connect(admin_url, timeout=5)
    except (TimeoutError, OSError, asyncpg.PostgresError) as error:
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return None


def _in_subprocess(arguments: list[str], timeout: float) -> dict[str, Any]:
    """One database per process: Tortoise keeps per-model query state for the dialect it
    first ran, so SQLite and PostgreSQL must not share a process."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CAREPURSE_")}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.ledger", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise LedgerBenchError(
            f"ledger benchmark ({' '.join(arguments[:1])}) failed ({done.returncode}):\n"
            f"{done.stderr.strip()[-3000:]}"
        )
    return json.loads(done.stdout)


def run_ledger(seconds: float, rounds: int, postgres_url: str | None) -> dict[str, Any]:
    """Both databases (PostgreSQL unless unreachable or ``postgres_url`` is empty)."""
    report: dict[str, Any] = {"seconds": seconds, "rounds": rounds, "notes": []}
    timing = ["--seconds", str(seconds), "--rounds", str(rounds)]
    timeout = 2 * seconds + 180  # migrations, warm-up, both sides
    report["sqlite"] = _in_subprocess(["sqlite", *timing], timeout)
    if not postgres_url:
        report["notes"].append("PostgreSQL skipped: BENCH_POSTGRES_URL is empty")
        return report
    problem = asyncio.run(_postgres_reachable(postgres_url))
    if problem:
        where = urlsplit(postgres_url)
        server = f"{where.hostname}:{where.port or 5432}"  # no user name or password
        report["notes"].append(f"PostgreSQL skipped: cannot reach {server} ({problem})")
        return report
    report["postgres"] = _in_subprocess(["postgres", postgres_url, *timing], timeout)
    report["notes"].append(
        f"PostgreSQL: scratch database {BENCH_DATABASE} was created for the run and dropped"
    )
    return report


def _program() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", choices=("sqlite", "postgres"))
    parser.add_argument("url", nargs="?", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.database == "sqlite":
        with tempfile.TemporaryDirectory(prefix="carepurse-ledger-") as tmp:
            result = asyncio.run(_bench_sqlite(Path(tmp), args.seconds, args.rounds))
    else:
        result = asyncio.run(_bench_postgres(args.url, args.seconds, args.rounds))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(_program())
