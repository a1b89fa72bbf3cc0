"""``python -m benchmarks``: Carepurse against raw Starlette, both measured in this run.

Settings (command-line options win over the environment):

    BENCH_SECONDS=3       measured seconds per endpoint, split over the rounds
    BENCH_WARMUP=1        warm-up seconds per endpoint before its first round
    BENCH_ROUNDS=3        interleaved rounds (every endpoint once per round)
    BENCH_CONCURRENCY=32  keep-alive connections, one request in flight on each
    BENCH_LOADGEN=auto    auto (wrk when on PATH, else Python), python or wrk
    BENCH_PIN=1           pin the servers and the load generator to a core each (Linux)
    BENCH_LEDGER_SECONDS=3  measured seconds per ledger posting case, split over the rounds
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test
                          the server for the PostgreSQL postings (a scratch database
                          carepurse_bench is created and dropped); empty to skip

Both servers run side by side (an idle one costs nothing) and the endpoints are measured
in turn, round after round, so anything else slowing the machine down for a while is
shared by the baseline and Carepurse instead of landing on one of them.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import json
import logging
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from benchmarks.ledger import DEFAULT_POSTGRES_URL, LedgerBenchError, run_ledger
from benchmarks.loadgen import LoadError, choose_loadgen, measure
from benchmarks.micro import run_micro
from benchmarks.pg import clean_environment
from benchmarks.servers import (
    ROOT,
    Server,
    ServerError,
    child_setup,
    cpu_plan,
    http_get,
    http_request,
    serve,
    uvicorn_speedups,
)

RESULTS_FILE = ROOT / "benchmarks" / "results" / "latest.json"
LATER_ROUND_WARMUP = 0.25  # new connections to a server that is already warm


class BenchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Endpoint:
    side: str  # "baseline" or "carepurse"
    key: str
    label: str
    path: str
    host: str | None
    expect: bytes  # the body must contain this, or we would be timing an error page
    pair: str | None = None  # the baseline endpoint a Carepurse one is compared with
    headers: tuple[str, ...] = ()  # extra "Name: value" lines (a session cookie, a token)


# In the order they are measured in each round: each Carepurse endpoint after its pair.
ENDPOINTS = [
    Endpoint("baseline", "json", "GET /healthz  tiny JSON", "/healthz", None, b'"status":"ok"'),
    Endpoint(
        "carepurse", "healthz", "GET /healthz", "/healthz", None, b'"status":"ok"', pair="json"
    ),
    Endpoint(
        "baseline", "page", "GET /page  Jinja2 ~5 KB", "/page", None, b"Riverbend Borough Council"
    ),
    Endpoint(
        "carepurse",
        "home",
        "GET /  riverbend",
        "/",
        "riverbend.localhost",
        b"Riverbend Borough Council",
        pair="page",
    ),
    Endpoint(
        "baseline",
        "query",
        "GET /council  1 aiosqlite query",
        "/council?slug=moorfield",
        None,
        b'"slug":"moorfield"',
    ),
    Endpoint(
        "carepurse",
        "council",
        "GET /api/v1/council  moorfield",
        "/api/v1/council",
        "moorfield.localhost",
        b'"slug":"moorfield"',
        pair="query",
    ),
    Endpoint(
        "carepurse",
        "theme",
        "GET /theme.css  riverbend",
        "/theme.css",
        "riverbend.localhost",
        b"--govuk-brand-colour",
        pair="query",
    ),
]
SIDES = ("baseline", "carepurse")
STATEMENT_ENTRIES = 5_000
STATEMENT_BASELINE = Endpoint(
    "baseline",
    "statement_rows",
    "GET /statement  50 of 5,000 rows",
    "/statement?budget=1&limit=50",
    None,
    b"Statement bench entry 4999",
)


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        raise BenchError(f"{name} must be a number, not {value!r}") from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__.split("\n\n")[0],
        epilog="Results are saved to benchmarks/results/latest.json.",
    )
    number = _env_number
    parser.add_argument("--seconds", type=float, default=number("BENCH_SECONDS", 3.0))
    parser.add_argument("--warmup", type=float, default=number("BENCH_WARMUP", 1.0))
    parser.add_argument("--rounds", type=int, default=int(number("BENCH_ROUNDS", 3)))
    parser.add_argument("--concurrency", type=int, default=int(number("BENCH_CONCURRENCY", 32)))
    parser.add_argument("--loadgen", default=os.environ.get("BENCH_LOADGEN", "auto"))
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        default=os.environ.get("BENCH_PIN", "1").strip().lower() not in ("0", "false", "no"),
        help="do not pin the processes to cores",
    )
    parser.add_argument("--skip-micro", action="store_true", help="no in-process micro benchmarks")
    parser.add_argument("--skip-ledger", action="store_true", help="no ledger posting benchmarks")
    parser.add_argument("--ledger-seconds", type=float, default=number("BENCH_LEDGER_SECONDS", 3.0))
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL server for the ledger postings ('' to skip)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS_FILE)
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.warmup < 0 or args.concurrency < 1 or args.rounds < 1:
        parser.error("seconds must be > 0, warmup >= 0, concurrency and rounds >= 1")
    if args.ledger_seconds <= 0:
        parser.error("ledger seconds must be > 0")
    return args


# ---------------------------------------------------------------------------
# HTTP benchmarks
# ---------------------------------------------------------------------------


def _check(server: Server, endpoint: Endpoint) -> int:
    """One request first: it must succeed with the expected body. Returns its size."""
    try:
        status, body = http_get(server.port, endpoint.path, endpoint.host, headers=endpoint.headers)
    except OSError as error:
        raise BenchError(f"{server.name} {endpoint.path}: {error}") from error
    if status != 200 or endpoint.expect not in body:
        raise BenchError(
            f"{server.name} {endpoint.label}: status {status}, expected {endpoint.expect!r} in "
            f"the body; body starts {body[:300]!r}\nserver log ends:\n{server.log_tail()}"
        )
    return len(body)


def _merge(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One endpoint's rounds as one measurement (exact percentiles when we have every latency)."""
    seconds = sum(r["seconds"] for r in rounds)
    requests = sum(r["requests"] for r in rounds)
    merged: dict[str, Any] = {"requests": requests, "seconds": seconds, "rps": requests / seconds}
    if all("latencies_us" in r for r in rounds):
        latencies = sorted(us for r in rounds for us in r["latencies_us"])

        def percentile(fraction: float) -> float:
            rank = max(1, math.ceil(fraction * len(latencies)))
            return latencies[min(rank, len(latencies)) - 1] / 1000

        merged |= {
            "p50_ms": percentile(0.50),
            "p90_ms": percentile(0.90),
            "p99_ms": percentile(0.99),
            "max_ms": latencies[-1] / 1000,
            "mean_ms": sum(latencies) / len(latencies) / 1000,
        }
    else:  # wrk gives percentiles only: take the middle round's
        for name in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms"):
            merged[name] = statistics.median(r[name] for r in rounds)
    for name in ("server_cpu", "loadgen_cpu"):
        values = [r[name] for r in rounds]
        merged[name] = (
            None
            if None in values
            else sum(v * r["seconds"] for v, r in zip(values, rounds, strict=True)) / seconds
        )
    merged["non_2xx"] = sum(r["non_2xx"] for r in rounds)
    merged["socket_errors"] = sum(r["socket_errors"] for r in rounds)
    merged["rounds_rps"] = [r["rps"] for r in rounds]
    mean_rps = statistics.fmean(merged["rounds_rps"])
    merged["rounds_spread"] = (
        (max(merged["rounds_rps"]) - min(merged["rounds_rps"])) / 2 / mean_rps if mean_rps else 0
    )
    merged["loadgen"] = rounds[0]["loadgen"]
    return merged


def _prepare_carepurse(env: dict[str, str]) -> None:
    command = Path(sys.executable).parent / "carepurse"
    if not command.exists():
        raise BenchError(f"{command} is missing: run `make install` first")
    for step in (["migrate"], ["demo", "seed"]):
        done = subprocess.run(
            [str(command), *step],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(
                f"carepurse {' '.join(step)} failed ({done.returncode}):\n"
                f"{done.stdout}{done.stderr}"
            )


def _seed_statement(env: dict[str, str]) -> dict[str, Any]:
    """A budget with STATEMENT_ENTRIES entries in Carepurse's database."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.statement_seed", "--entries", str(STATEMENT_ENTRIES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"seeding the statement failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)


def _session_cookie(server: Server, seed: dict[str, Any]) -> str | None:
    """Sign the seeded officer in, as a browser would; the ``Cookie`` header to send."""
    status, headers, _ = http_request(
        server.port,
        "POST",
        "/sign-in",
        seed["host"],
        form={"email": seed["email"], "password": seed["password"]},
        headers=("Sec-Fetch-Site: same-origin",),
    )
    cookies = [line.split(";", 1)[0] for line in headers.get_all("Set-Cookie") or []]
    return "Cookie: " + "; ".join(cookies) if status == 303 and cookies else None


def _bearer_token(server: Server, seed: dict[str, Any]) -> str | None:
    credentials = base64.b64encode(f"{seed['client_id']}:{seed['client_secret']}".encode())
    status, _, body = http_request(
        server.port,
        "POST",
        "/oauth/token",
        seed["host"],
        form={"grant_type": "client_credentials"},
        headers=(f"Authorization: Basic {credentials.decode()}",),
    )
    return f"Authorization: Bearer {json.loads(body)['access_token']}" if status == 200 else None


def _statement_endpoint(server: Server, seed: dict[str, Any]) -> tuple[Endpoint | None, str, int]:
    """The statement page if it answers; else the API's statement; else ``None`` (timed in
    process instead). Then which it was, and how many entries one response shows."""
    newest = seed["newest"].encode()
    budget = seed["budget_id"]
    cookie = _session_cookie(server, seed)
    if cookie:
        page = Endpoint(
            "carepurse",
            "statement",
            "GET /budgets/…/statement  page",
            f"/budgets/{budget}/statement",
            seed["host"],
            newest,
            pair=STATEMENT_BASELINE.key,
            headers=(cookie,),
        )
        status, body = http_get(server.port, page.path, page.host, headers=page.headers)
        if status == 200 and newest in body:
            return page, "page", body.count(b"Statement bench entry")
    token = _bearer_token(server, seed)
    if token:
        api = Endpoint(
            "carepurse",
            "statement",
            "GET /api/v1/budgets/…/statement",
            f"/api/v1/budgets/{budget}/statement?limit=50",
            seed["host"],
            newest,
            pair=STATEMENT_BASELINE.key,
            headers=(token,),
        )
        status, body = http_get(server.port, api.path, api.host, headers=api.headers)
        if status == 200 and newest in body:
            return api, "api", body.count(b"Statement bench entry")
    return None, "in-process", 0


def run_http(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    server_cpu, load_cpu = cpu_plan(args.pin)
    env = clean_environment()
    carepurse_env = env | {
        "CAREPURSE_DATABASE_URL": f"sqlite://{tmp}/bench.sqlite3",
        "CAREPURSE_STORAGE_URL": f"file://{tmp}/storage",
        "CAREPURSE_RUN_EMBEDDED_SCHEDULER": "false",
        "CAREPURSE_LOG_LEVEL": "WARNING",
    }
    print("  carepurse migrate + demo seed", flush=True)
    _prepare_carepurse(carepurse_env)
    print(f"  a budget with {STATEMENT_ENTRIES:,} statement entries", flush=True)
    seed = _seed_statement(carepurse_env)

    with contextlib.ExitStack() as stack:
        servers = {
            "baseline": stack.enter_context(
                serve(
                    "baseline",
                    ["benchmarks.baseline_app:app"],
                    env=env | {"BENCH_BASELINE_DB": str(tmp / "baseline.sqlite3")},
                    log_dir=tmp,
                    cpu=server_cpu,
                )
            ),
            "carepurse": stack.enter_context(
                serve(
                    "carepurse",
                    ["core.app:create_app_from_environment", "--factory"],
                    env=carepurse_env,
                    log_dir=tmp,
                    cpu=server_cpu,
                )
            ),
        }
        statement, statement_via, shown = _statement_endpoint(servers["carepurse"], seed)
        endpoints = [*ENDPOINTS, STATEMENT_BASELINE, *([statement] if statement else [])]
        sizes = {(e.side, e.key): _check(servers[e.side], e) for e in endpoints}
        rounds: dict[tuple[str, str], list[dict[str, Any]]] = {
            (e.side, e.key): [] for e in endpoints
        }
        for number in range(args.rounds):
            print(f"  round {number + 1}/{args.rounds} ", end="", flush=True)
            for endpoint in endpoints:
                server = servers[endpoint.side]
                figures = measure(
                    args.loadgen,
                    port=server.port,
                    path=endpoint.path,
                    host=endpoint.host,
                    concurrency=args.concurrency,
                    warmup=args.warmup if number == 0 else min(args.warmup, LATER_ROUND_WARMUP),
                    seconds=args.seconds / args.rounds,
                    server_pid=server.pid,
                    preexec=child_setup(load_cpu),
                    raw=True,
                    headers=endpoint.headers,
                )
                if figures["requests"] == 0:
                    raise BenchError(
                        f"{server.name} {endpoint.label}: no response completed while "
                        f"measuring\nserver log ends:\n{server.log_tail()}"
                    )
                rounds[(endpoint.side, endpoint.key)].append(figures)
                print(".", end="", flush=True)
            print(flush=True)

    statement_report: dict[str, Any] = {
        "entries": seed["entries"],
        "measured": statement_via,
        "rows_shown": shown,
        "budget_id": seed["budget_id"],
    }
    if statement is None:
        print("  statement page and API unavailable: timing statement_rows in process")
        statement_report["in_process"] = _statement_in_process(carepurse_env, seed)
    results: dict[str, dict[str, Any]] = {side: {} for side in SIDES}
    for endpoint in endpoints:
        results[endpoint.side][endpoint.key] = _merge(rounds[(endpoint.side, endpoint.key)]) | {
            "label": endpoint.label,
            "path": endpoint.path,
            "host": endpoint.host,
            "bytes": sizes[(endpoint.side, endpoint.key)],
            "pair": endpoint.pair,
        }
    ratios = []
    for endpoint in endpoints:
        if endpoint.pair is None:
            continue
        ours, base = results["carepurse"][endpoint.key], results["baseline"][endpoint.pair]
        ratios.append(
            {
                "carepurse": endpoint.key,
                "baseline": endpoint.pair,
                "rps": ours["rps"] / base["rps"],
                "p50": ours["p50_ms"] / base["p50_ms"],
                "p99": ours["p99_ms"] / base["p99_ms"],
                # the pair measured one after the other in each round: the ratio's spread
                "rounds_rps": [
                    a / b for a, b in zip(ours["rounds_rps"], base["rounds_rps"], strict=True)
                ],
            }
        )
    return {
        **results,
        "ratios": ratios,
        "statement": statement_report,
        "pinning": {"server_cpu": server_cpu, "loadgen_cpu": load_cpu},
    }


def _statement_in_process(env: dict[str, str], seed: dict[str, Any]) -> dict[str, Any]:
    """The fallback: ``statement_rows`` (50 rows) timed in a subprocess beside one raw query."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.statement_seed", "--time", seed["budget_id"]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"timing statement_rows failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None or math.isnan(value) else format(value, spec)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def print_report(report: dict[str, Any]) -> None:
    settings = report["settings"]
    http = report.get("http")
    print()
    if http:
        pinning = http["pinning"]
        pinned = (
            f"servers on CPU {pinning['server_cpu']}, load on CPU {pinning['loadgen_cpu']}"
            if pinning["server_cpu"] is not None
            else "not pinned"
        )
        print(
            f"HTTP: uvicorn {settings['uvicorn']}, 1 worker, no access log; {pinned}\n"
            f"load: {settings['loadgen']}, {settings['concurrency']} keep-alive connections, "
            f"{settings['seconds']:g} s per endpoint in {settings['rounds']} interleaved rounds"
        )
        print(
            f"{'':<10}{'endpoint':<33}{'req/s':>8}{'±':>5}{'p50 ms':>8}{'p99 ms':>8}"
            f"{'bytes':>7}{'errors':>7}{'srv cpu':>8}{'load cpu':>9}"
        )
        for side in SIDES:
            for row in http[side].values():
                errors = row["non_2xx"] + row["socket_errors"]
                print(
                    f"{side:<10}{row['label']:<33}{row['rps']:>8,.0f}"
                    f"{_percent(row['rounds_spread']):>5}"
                    f"{_fmt(row['p50_ms'], '.2f'):>8}{_fmt(row['p99_ms'], '.2f'):>8}"
                    f"{row['bytes']:>7}{errors:>7}"
                    f"{_percent(row['server_cpu']):>8}{_percent(row['loadgen_cpu']):>9}"
                )
        print("(± is half the spread of the rounds' req/s: how noisy the machine was)")
        print()
        print("carepurse / baseline   (req/s below 1 = slower; latency above 1 = slower)")
        print(f"{'carepurse':<33}{'baseline':<33}{'req/s':>6}{'rounds':>12}{'p50':>6}{'p99':>6}")
        for ratio in http["ratios"]:
            ours = http["carepurse"][ratio["carepurse"]]["label"]
            base = http["baseline"][ratio["baseline"]]["label"]
            low, high = min(ratio["rounds_rps"]), max(ratio["rounds_rps"])
            print(
                f"{ours:<33}{base:<33}{ratio['rps']:>6.2f}{f'{low:.2f}-{high:.2f}':>12}"
                f"{ratio['p50']:>6.2f}{ratio['p99']:>6.2f}"
            )
        print("(rounds: the lowest and highest req/s ratio of the pair within one round)")
        rows = [row for side in SIDES for row in http[side].values()]
        busy = [row["label"] for row in rows if (row["loadgen_cpu"] or 0) > 0.9]
        if busy:
            print(
                "note: the load generator used >90% of its core for: " + ", ".join(busy)
                + "; those figures may understate the server (try wrk)."
            )  # fmt: skip
        starved = [row["label"] for row in rows if (row["server_cpu"] or 1) < 0.9]
        if starved:
            print(
                "note: the server had less than 90% of its core for: " + ", ".join(starved)
                + "; something else was running, so treat these figures with care."
            )  # fmt: skip
        failing = [row["label"] for row in rows if row["non_2xx"] or row["socket_errors"]]
        if failing:
            print("WARNING: errors while measuring: " + ", ".join(failing))
        statement = http.get("statement")
        if statement:
            how = {
                "page": "the HTML page, signed in as a council officer",
                "api": "the API (the HTML page did not answer), with a bearer token",
                "in-process": "neither the page nor the API answered: see below",
            }[statement["measured"]]
            shown = statement["rows_shown"]
            print(
                f"statement: a budget with {statement['entries']:,} entries, via {how}"
                + (f"; {shown} rows a response (the baseline reads and shows 50)" if shown else "")
            )
            timed = statement.get("in_process")
            if timed:
                print(
                    f"  statement_rows(limit=50) in process: {timed['orm_us']:,.0f} us per call; "
                    f"raw aiosqlite query: {timed['raw_us']:,.0f} us; "
                    f"ratio {timed['raw_us'] / timed['orm_us']:.2f}"
                )
    ledger = report.get("ledger")
    if ledger:
        print()
        print(
            f"Ledger postings (record_entry, two legs, one at a time; {ledger['seconds']:g} s "
            f"per side in {ledger['rounds']} interleaved rounds)"
        )
        print(f"{'':<14}{'database':<34}{'postings/s':>11}{'us each':>9}{'±':>5}")
        for name in ("sqlite", "postgres"):
            if name not in ledger:
                continue
            row = ledger[name]
            for side, label in (("baseline", "raw SQL"), ("carepurse", "record_entry")):
                figures = row[side]
                print(
                    f"{label:<14}{row['database'][:33]:<34}{figures['per_s']:>11,.0f}"
                    f"{figures['us_per_posting']:>9,.0f}{_percent(figures['rounds_spread']):>5}"
                )
            low, high = min(row["rounds_ratio"]), max(row["rounds_ratio"])
            print(
                f"{'':<14}record_entry / raw SQL: {row['ratio']:.2f} (rounds {low:.2f}-{high:.2f})"
            )
        for note in ledger["notes"]:
            print(f"note: {note}")
    micro = report.get("micro")
    if micro:
        print()
        print(
            f"In process (timeit, best of {micro['plugins_build']['repeat']} rounds; "
            f"demo council {micro['council']})"
        )
        print(f"{'':<56}{'per call':>12}{'calls/s':>12}")
        for key in micro["cases"]:
            row = micro[key]
            print(f"{row['label']:<56}{row['best_us']:>9,.2f} us{row['calls_per_s']:>12,.0f}")
        print(f"a cache hit is {micro['cache_speedup']:,.0f}x faster than building the plugins")
    print()


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() or None


def _json_safe(value: Any) -> Any:
    """NaN (a figure wrk does not give) as null: JSON has no NaN."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


def _raise_interrupt(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    signal.signal(signal.SIGTERM, _raise_interrupt)  # stop the servers on `kill` too
    try:
        args = parse_args(argv)
        args.loadgen = choose_loadgen(args.loadgen)
        report: dict[str, Any] = {
            "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "git_commit": _git_commit(),
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
            },
            "settings": {
                "seconds": args.seconds,
                "warmup": args.warmup,
                "rounds": args.rounds,
                "concurrency": args.concurrency,
                "loadgen": args.loadgen,
                "uvicorn": " ".join(uvicorn_speedups()),
            },
        }
        print(
            f"Benchmarks: {args.seconds:g} s per endpoint in {args.rounds} rounds, "
            f"{args.concurrency} connections, load generator: {args.loadgen}",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="carepurse-bench-") as tmp:
            report["http"] = run_http(args, Path(tmp))
        if not args.skip_ledger:
            print("  ledger postings: SQLite, then PostgreSQL", flush=True)
            report["ledger"] = run_ledger(args.ledger_seconds, args.rounds, args.postgres_url)
        if not args.skip_micro:
            print("  in-process micro benchmarks", flush=True)
            report["micro"] = run_micro()
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    except (
        BenchError,
        ServerError,
        LoadError,
        LedgerBenchError,
        subprocess.TimeoutExpired,
    ) as error:
        print(f"\nbenchmark failed: {error}", file=sys.stderr)
        return 1
    print_report(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(_json_safe(report), indent=2, allow_nan=False) + "\n")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"saved {shown}")
    return 0
