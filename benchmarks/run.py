"""``python -m benchmarks``: Carepurse against raw Starlette, both measured in this run.

Settings (command-line options win over the environment):

    BENCH_SECONDS=3       measured seconds per endpoint (after BENCH_WARMUP=1 s of warm-up)
    BENCH_CONCURRENCY=32  keep-alive connections, one request in flight on each
    BENCH_LOADGEN=auto    auto (wrk when on PATH, else Python), python or wrk
    BENCH_PIN=1           pin the server and the load generator to a core each (Linux)
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import math
import os
import platform
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from benchmarks.loadgen import LoadError, choose_loadgen, measure
from benchmarks.micro import run_micro
from benchmarks.servers import (
    ROOT,
    Server,
    ServerError,
    child_setup,
    cpu_plan,
    http_get,
    serve,
    uvicorn_speedups,
)

RESULTS_FILE = ROOT / "benchmarks" / "results" / "latest.json"


class BenchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    path: str
    host: str | None
    expect: bytes  # the body must contain this, or we would be timing an error page
    pair: str | None = None  # the baseline endpoint it is compared with


BASELINE = [
    Endpoint("json", "GET /healthz  tiny JSON", "/healthz", None, b'"status":"ok"'),
    Endpoint("page", "GET /page  Jinja2 ~5 KB", "/page", None, b"Riverbend Borough Council"),
    Endpoint(
        "query",
        "GET /council  1 aiosqlite query",
        "/council?slug=moorfield",
        None,
        b'"slug":"moorfield"',
    ),
]
CAREPURSE = [
    Endpoint("healthz", "GET /healthz", "/healthz", None, b'"status":"ok"', pair="json"),
    Endpoint(
        "home",
        "GET /  riverbend",
        "/",
        "riverbend.localhost",
        b"Riverbend Borough Council",
        pair="page",
    ),
    Endpoint(
        "council",
        "GET /api/v1/council  moorfield",
        "/api/v1/council",
        "moorfield.localhost",
        b'"slug":"moorfield"',
        pair="query",
    ),
    Endpoint(
        "theme",
        "GET /theme.css  riverbend",
        "/theme.css",
        "riverbend.localhost",
        b"--govuk-brand-colour",
        pair="query",
    ),
]


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        raise BenchError(f"{name} must be a number, not {value!r}") from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__.splitlines()[0],
        epilog="Results: benchmarks/results/latest.json",
    )
    parser.add_argument("--seconds", type=float, default=_env_number("BENCH_SECONDS", 3.0))
    parser.add_argument("--warmup", type=float, default=_env_number("BENCH_WARMUP", 1.0))
    parser.add_argument(
        "--concurrency", type=int, default=int(_env_number("BENCH_CONCURRENCY", 32))
    )
    parser.add_argument("--loadgen", default=os.environ.get("BENCH_LOADGEN", "auto"))
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        default=os.environ.get("BENCH_PIN", "1").strip() not in ("0", "false", "no"),
    )
    parser.add_argument("--skip-micro", action="store_true", help="HTTP benchmarks only")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE)
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.warmup < 0 or args.concurrency < 1:
        parser.error("--seconds must be > 0, --warmup >= 0 and --concurrency >= 1")
    return args


# ---------------------------------------------------------------------------
# HTTP benchmarks
# ---------------------------------------------------------------------------


def _check(server: Server, endpoint: Endpoint) -> int:
    """One request first: it must succeed with the expected body. Returns its size."""
    try:
        status, body = http_get(server.port, endpoint.path, endpoint.host)
    except OSError as error:
        raise BenchError(f"{server.name} {endpoint.path}: {error}") from error
    if status != 200 or endpoint.expect not in body:
        raise BenchError(
            f"{server.name} {endpoint.label}: status {status}, expected {endpoint.expect!r} in "
            f"the body; body starts {body[:300]!r}\nserver log ends:\n{server.log_tail()}"
        )
    return len(body)


def _measure_all(
    server: Server, endpoints: list[Endpoint], args: argparse.Namespace, load_cpu: int | None
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for endpoint in endpoints:
        size = _check(server, endpoint)
        print(f"  {server.name:<9} {endpoint.label:<34}", end="", flush=True)
        figures = measure(
            args.loadgen,
            port=server.port,
            path=endpoint.path,
            host=endpoint.host,
            concurrency=args.concurrency,
            warmup=args.warmup,
            seconds=args.seconds,
            server_pid=server.pid,
            preexec=child_setup(load_cpu),
        )
        if figures["requests"] == 0:
            raise BenchError(
                f"{server.name} {endpoint.label}: no response completed while measuring\n"
                f"server log ends:\n{server.log_tail()}"
            )
        figures |= {
            "label": endpoint.label,
            "path": endpoint.path,
            "host": endpoint.host,
            "bytes": size,
            "pair": endpoint.pair,
        }
        print(f"{figures['rps']:>9,.0f} req/s  p50 {figures['p50_ms']:.2f} ms  "
              f"p99 {figures['p99_ms']:.2f} ms")  # fmt: skip
        results[endpoint.key] = figures
    return results


def _clean_environment() -> dict[str, str]:
    """Our environment without CAREPURSE_* (a developer's Redis or Postgres would make runs
    incomparable) and without PYTHONPATH surprises."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("CAREPURSE_", "BENCH_"))}


def _carepurse_command() -> Path:
    candidate = Path(sys.executable).parent / "carepurse"
    if not candidate.exists():
        raise BenchError(f"{candidate} is missing: run `make install` first")
    return candidate


def _prepare_carepurse(env: dict[str, str], tmp: Path) -> None:
    command = _carepurse_command()
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


def run_http(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    server_cpu, load_cpu = cpu_plan(args.pin)
    env = _clean_environment()

    baseline_env = env | {"BENCH_BASELINE_DB": str(tmp / "baseline.sqlite3")}
    with serve(
        "baseline",
        ["benchmarks.baseline_app:app"],
        env=baseline_env,
        log_dir=tmp,
        cpu=server_cpu,
    ) as server:
        baseline = _measure_all(server, BASELINE, args, load_cpu)

    carepurse_env = env | {
        "CAREPURSE_DATABASE_URL": f"sqlite://{tmp}/bench.sqlite3",
        "CAREPURSE_STORAGE_URL": f"file://{tmp}/storage",
        "CAREPURSE_RUN_EMBEDDED_SCHEDULER": "false",
        "CAREPURSE_LOG_LEVEL": "WARNING",
    }
    _prepare_carepurse(carepurse_env, tmp)
    with serve(
        "carepurse",
        ["core.app:create_app_from_environment", "--factory"],
        env=carepurse_env,
        log_dir=tmp,
        cpu=server_cpu,
    ) as server:
        carepurse = _measure_all(server, CAREPURSE, args, load_cpu)

    ratios = []
    for endpoint in CAREPURSE:
        if endpoint.pair is None:
            continue
        ours, base = carepurse[endpoint.key], baseline[endpoint.pair]
        ratios.append(
            {
                "carepurse": endpoint.key,
                "baseline": endpoint.pair,
                "rps": ours["rps"] / base["rps"],
                "p50": ours["p50_ms"] / base["p50_ms"],
                "p99": ours["p99_ms"] / base["p99_ms"],
            }
        )
    return {
        "baseline": baseline,
        "carepurse": carepurse,
        "ratios": ratios,
        "pinning": {"server_cpu": server_cpu, "loadgen_cpu": load_cpu},
    }


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
        print(
            f"HTTP: uvicorn {settings['uvicorn']}, 1 worker, no access log; load: "
            f"{settings['loadgen']}, {settings['concurrency']} connections, "
            f"{settings['warmup']:g} s warm-up + {settings['seconds']:g} s each"
        )
        print(
            f"{'server':<10}{'endpoint':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
            f"{'bytes':>7}{'errors':>8}{'srv cpu':>9}{'load cpu':>9}"
        )
        for side in ("baseline", "carepurse"):
            for row in http[side].values():
                errors = row["non_2xx"] + row["socket_errors"]
                print(
                    f"{side:<10}{row['label']:<34}{row['rps']:>9,.0f}{_fmt(row['p50_ms'], '.2f'):>9}"
                    f"{_fmt(row['p99_ms'], '.2f'):>9}{row['bytes']:>7}{errors:>8}"
                    f"{_percent(row['server_cpu']):>9}{_percent(row['loadgen_cpu']):>9}"
                )
        print()
        print("carepurse / baseline  (req/s below 1 = slower; latency above 1 = slower)")
        print(f"{'carepurse endpoint':<34}{'baseline endpoint':<34}{'req/s':>7}{'p50':>7}{'p99':>7}")
        for ratio in http["ratios"]:
            ours = http["carepurse"][ratio["carepurse"]]["label"]
            base = http["baseline"][ratio["baseline"]]["label"]
            print(
                f"{ours:<34}{base:<34}{ratio['rps']:>7.2f}{ratio['p50']:>7.2f}{ratio['p99']:>7.2f}"
            )
        busy = [
            row["label"]
            for side in ("baseline", "carepurse")
            for row in http[side].values()
            if (row["loadgen_cpu"] or 0) > 0.9
        ]
        if busy:
            print(
                "note: the load generator used >90% of its core for: "
                + ", ".join(busy)
                + "; those figures may understate the server (try wrk)."
            )
        failing = [
            row["label"]
            for side in ("baseline", "carepurse")
            for row in http[side].values()
            if row["non_2xx"] or row["socket_errors"]
        ]
        if failing:
            print("WARNING: errors while measuring: " + ", ".join(failing))
    micro = report.get("micro")
    if micro:
        print()
        print(f"In process (timeit, best of {micro['plugins_build']['repeat']}; "
              f"council: {micro['council']})")  # fmt: skip
        print(f"{'':<54}{'per call':>12}{'calls/s':>12}")
        for key in ("plugins_build", "plugins_cache_hit", "branding_validate",
                    "branding_first_use"):  # fmt: skip
            row = micro[key]
            print(f"{row['label']:<54}{row['best_us']:>9,.2f} us{row['calls_per_s']:>12,.0f}")
        print(f"cache hit is {micro['cache_speedup']:,.0f}x faster than building the plugins")
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
            },
            "settings": {
                "seconds": args.seconds,
                "warmup": args.warmup,
                "concurrency": args.concurrency,
                "loadgen": args.loadgen,
                "uvicorn": " ".join(uvicorn_speedups()),
            },
        }
        print(
            f"Benchmarks: {args.seconds:g} s per endpoint, {args.concurrency} connections, "
            f"load generator: {args.loadgen}"
        )
        with tempfile.TemporaryDirectory(prefix="carepurse-bench-") as tmp:
            report["http"] = run_http(args, Path(tmp))
        if not args.skip_micro:
            print("  in-process micro benchmarks ...", flush=True)
            report["micro"] = run_micro()
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    except (BenchError, ServerError, LoadError, subprocess.TimeoutExpired) as error:
        print(f"\nbenchmark failed: {error}", file=sys.stderr)
        return 1
    print_report(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(_json_safe(report), indent=2, allow_nan=False, default=str) + "\n")
    print(f"saved {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    return 0
