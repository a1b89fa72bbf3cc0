"""What the PostgreSQL benchmarks (search, orders) share: a scratch database made and
dropped around a run, a clean environment for the servers, the load options and the
two-row comparison table."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def admin(url: str, *statements: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url, timeout=5)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def scratch_database(admin_url: str, name: str) -> Iterator[str]:
    """``name`` on the server of ``admin_url`` (a crash's leftover dropped first), dropped
    again on the way out; yields its URL."""
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(admin(admin_url, drop, f'CREATE DATABASE "{name}"'))
    try:
        yield with_database(admin_url, name)
    finally:
        asyncio.run(admin(admin_url, drop))


def unreachable(admin_url: str) -> str | None:
    """Why the server cannot be used (the benchmark then says "skipped"), or None."""
    try:
        asyncio.run(admin(admin_url, "SELECT 1"))
    except Exception as error:  # any reason at all: report it and skip
        return f"{type(error).__name__}: {error}"
    return None


def clean_environment() -> dict[str, str]:
    """The servers' environment without the caller's Carepurse and benchmark settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("CAREPURSE_", "BENCH_"))}


def add_load_options(parser: argparse.ArgumentParser, pool_size: int, postgres_url: str) -> None:
    """The options every PostgreSQL benchmark takes, with their ``BENCH_*`` defaults."""
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 6)))
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", 1)))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument(
        "--concurrency", type=int, default=int(os.environ.get("BENCH_CONCURRENCY", 32))
    )
    parser.add_argument("--loadgen", default=os.environ.get("BENCH_LOADGEN", "auto"))
    parser.add_argument(
        "--pool-size", type=int, default=int(os.environ.get("BENCH_POOL_SIZE", pool_size))
    )
    pin_default = os.environ.get("BENCH_PIN", "1") not in ("0", "false", "no")
    parser.add_argument("--no-pin", dest="pin", action="store_false", default=pin_default)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", postgres_url)
    )


def print_comparison(report: Mapping[str, Any], column: str, labels: Mapping[str, str]) -> None:
    """The baseline and Carepurse rows: req/s, spread, latency, size, errors, server CPU."""
    print(f"{'':<10}{column:<46}{'req/s':>8}{'±':>5}{'p50 ms':>8}{'p99 ms':>8}{'bytes':>8}"
          f"{'errors':>7}{'srv cpu':>8}")  # fmt: skip
    for side in ("baseline", "carepurse"):
        row = report[side]
        cpu = "-" if row["server_cpu"] is None else f"{row['server_cpu'] * 100:.0f}%"
        print(
            f"{side:<10}{labels[side]:<46}{row['rps']:>8,.0f}{row['rounds_spread'] * 100:>4.0f}%"
            f"{row['p50_ms']:>8.2f}{row['p99_ms']:>8.2f}{row['bytes']:>8}"
            f"{row['non_2xx'] + row['socket_errors']:>7}{cpu:>8}"
        )
