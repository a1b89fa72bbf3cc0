"""The search results page with a national-scale council on PostgreSQL, beside raw Starlette.

A scratch database (``carepurse_bench_search`` on the server of ``BENCH_POSTGRES_URL``) is
created, built by the real migrations, and given one council with 2,000 providers (a
store each, most of them accredited), 10,000 services (3 to 8 postcode districts each,
some with their own area price), reviews for about a third of them and photos for a
quarter. Then two servers run side by side on that database:

- Carepurse (``core.app:create_app_from_environment``): ``GET /search?q=swimming&postcode=
  HA1+2AB`` on the council's host, not signed in: the host's tenant, the page (one
  statement: matching, the area's price, ratings, badge, relevance and total) and the
  page's photos (the kinds of service come from memory while the council's
  configuration is unchanged); the GOV.UK page with its filters.
- the baseline (``search_baseline.py``): raw Starlette + asyncpg + Jinja2 running the
  same page statement (built by the same ``build_search_sql``) and the same photos
  query, rendered as a plain page.

Both are measured in the same run, in interleaved rounds (baseline, then Carepurse), by
the benchmark's load generator, each server with the same number of database
connections (``--pool-size``, 10); req/s, p50 and p99 and the ratio Carepurse / baseline
(the target is 0.5 or more) are printed. The database is dropped at the end, whatever
happens. ``python -m benchmarks.search`` runs it alone; ``python -m benchmarks`` runs it
after the other benchmarks (``--skip-search`` leaves it out).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.loadgen import LoadError, choose_loadgen, measure
from benchmarks.pg import (
    add_load_options,
    clean_environment,
    print_comparison,
    scratch_database,
    unreachable,
)
from benchmarks.servers import ROOT, ServerError, child_setup, cpu_plan, http_get, serve

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
BENCH_DATABASE = "carepurse_bench_search"
COUNCIL = "searchbench"
HOST = f"{COUNCIL}.localhost"
PROVIDERS = 2_000
SERVICES = 10_000
WORDS = "swimming"
POSTCODE = "HA1 2AB"
PATH = "/search?q=swimming&postcode=HA1+2AB"
TARGET_RATIO = 0.5
# Connections per server process, the same on both sides (Tortoise's own default is 5,
# which leaves a page with several short queries queueing for connections at 32 clients).
POOL_SIZE = 10
LATER_ROUND_WARMUP = 0.25

ACTIVITIES = (
    "swimming", "gardening", "cooking", "shopping", "cleaning", "walking", "yoga", "art",
    "music", "reading", "computer", "driving", "bathing", "dressing", "meals", "company",
    "respite", "physiotherapy", "counselling", "dance", "football", "fishing", "knitting",
    "painting", "pottery", "cinema", "theatre", "singing", "bowling", "cycling",
)  # fmt: skip
KINDS = ("help", "group", "club", "lessons", "support", "sessions", "visits", "service")
PLACES = ("at home", "in the community", "at the leisure centre", "in the park", "online",
          "at the day centre", "near you")  # fmt: skip
CATEGORIES = ("personal-care", "day-opportunities", "leisure", "household", "therapy",
              "respite", "transport", "personal-assistant")  # fmt: skip
DISTRICTS = tuple(
    [f"HA{n}" for n in range(10)] + [f"NW{n}" for n in range(1, 11)]
    + [f"UB{n}" for n in range(1, 11)] + [f"W{n}" for n in range(1, 11)]
)  # fmt: skip
UNITS = ("hour", "session", "day", "week", "item")
REVIEWERS = 300


class SearchBenchError(RuntimeError):
    pass


# ---------------------------------------------------------------------------
# The data set (run in a subprocess: ``python -m benchmarks.search seed URL``)
# ---------------------------------------------------------------------------


async def seed(url: str, providers: int, services: int) -> dict[str, Any]:
    """Migrate the scratch database and fill it; returns the council and what to expect."""
    from tortoise import connections

    from core.accreditation.models import Accreditation, AccreditationStatus
    from core.identity.models import Membership, User
    from core.marketplace.models import (
        CaseStudy,
        Photo,
        Provider,
        PublishStatus,
        Review,
        Service,
        ServiceArea,
        Store,
    )
    from core.migrate import database, migrate_database
    from core.settings import Settings
    from tenants.services import create_tenant

    settings = Settings(environment="development", database_url=url, log_level="WARNING")
    started = time.perf_counter()
    await migrate_database(settings)
    rng = random.Random(2026)  # the same data set every run
    async with database(settings):
        tenant = await create_tenant(COUNCIL, "Searchbench Council", base_domain="localhost")
        provider_rows = [Provider(id=uuid.uuid4(), name=f"Provider {n}") for n in range(providers)]
        await Provider.bulk_create(provider_rows, batch_size=1000)
        stores = [
            Store(
                id=uuid.uuid4(),
                tenant_id=tenant.id,
                provider_id=provider.id,
                name=f"{rng.choice(('Sunny', 'Riverside', 'Oak', 'Harbour', 'Meadow'))} "
                f"{rng.choice(('Care', 'Support', 'Helpers', 'Friends'))} {n}",
                slug=f"store-{n}",
                status=PublishStatus.LIVE,
            )
            for n, provider in enumerate(provider_rows)
        ]
        await Store.bulk_create(stores, batch_size=1000)
        await Accreditation.bulk_create(
            [
                Accreditation(
                    id=uuid.uuid4(),
                    tenant_id=tenant.id,
                    provider_id=provider.id,
                    status=AccreditationStatus.ACCREDITED,
                )
                for provider in provider_rows
                if rng.random() < 0.6
            ],
            batch_size=1000,
        )
        await CaseStudy.bulk_create(
            [
                CaseStudy(
                    id=uuid.uuid4(),
                    tenant_id=tenant.id,
                    store_id=store.id,
                    title="How we helped",
                    body="A story.",
                )
                for store in stores[::10]
            ],
            batch_size=1000,
        )
        service_rows, areas = [], []
        for n in range(services):
            activity, kind = rng.choice(ACTIVITIES), rng.choice(KINDS)
            other = rng.choice(ACTIVITIES)
            service = Service(
                id=uuid.uuid4(),
                tenant_id=tenant.id,
                store_id=stores[n % providers].id,
                title=f"{activity.capitalize()} {kind} {n}",
                description=f"{activity.capitalize()} {rng.choice(PLACES)}, with some {other} "
                "too. Friendly staff who take the time to get to know you.",
                category=rng.choice(CATEGORIES),
                unit=rng.choice(UNITS),
                unit_price_pence=rng.randrange(0, 6_000, 50),
                availability={"mon": ["09:00-17:00"]} if n % 2 else {"sat": ["10:00-16:00"]},
                status=PublishStatus.LIVE if n % 20 else PublishStatus.DRAFT,
            )
            service_rows.append(service)
            for district in rng.sample(DISTRICTS, rng.randint(3, 8)):
                price = service.unit_price_pence + 200 if rng.random() < 0.3 else None
                areas.append(
                    ServiceArea(
                        tenant_id=tenant.id,
                        service_id=service.id,
                        district=district,
                        price_pence=price,
                    )
                )
        await Service.bulk_create(service_rows, batch_size=1000)
        await ServiceArea.bulk_create(areas, batch_size=5000)
        users = [
            User(id=uuid.uuid4(), email=f"reviewer{n}@searchbench.example", display_name=f"R {n}")
            for n in range(REVIEWERS)
        ]
        await User.bulk_create(users, batch_size=1000)
        reviewers = [
            Membership(id=uuid.uuid4(), tenant_id=tenant.id, user_id=user.id, roles=["person"])
            for user in users
        ]
        await Membership.bulk_create(reviewers, batch_size=1000)
        reviews, photos = [], []
        for n, service in enumerate(service_rows):
            if n % 3 == 0:
                for author in rng.sample(reviewers, rng.randint(1, 6)):
                    reviews.append(
                        Review(
                            tenant_id=tenant.id,
                            service_id=service.id,
                            author_id=author.id,
                            rating=rng.randint(1, 5),
                        )
                    )
            if n % 4 == 0:
                photos.append(
                    Photo(
                        id=uuid.uuid4(),
                        tenant_id=tenant.id,
                        store_id=service.store_id,  # type: ignore[attr-defined]
                        service_id=service.id,
                        key=f"public/photos/{n}.jpg",
                        thumbnail_key=f"public/photos/{n}-thumb.jpg",
                        alt_text="People enjoying the activity",
                    )
                )
        await Review.bulk_create(reviews, batch_size=5000)
        await Photo.bulk_create(photos, batch_size=5000)
        connection = connections.get("default")
        await connection.execute_script("ANALYZE")
        counted = await connection.execute_query_dict(
            "SELECT count(*) AS n FROM service s JOIN service_area sa ON sa.service_id = s.id "
            "AND sa.district = $1 WHERE s.tenant_id = $2 AND s.status = 'live' "
            "AND s.search_vector @@ to_tsquery('english', $3)",
            ["HA1", tenant.id, f"{WORDS}:*"],
        )
        return {
            "tenant_id": tenant.id,
            "host": HOST,
            "providers": await Store.filter(tenant_id=tenant.id).count(),
            "services": await Service.filter(tenant_id=tenant.id).count(),
            "live_services": await Service.filter(
                tenant_id=tenant.id, status=PublishStatus.LIVE
            ).count(),
            "areas": len(areas),
            "reviews": len(reviews),
            "photos": len(photos),
            "matches": int(counted[0]["n"]),
            "seconds": round(time.perf_counter() - started, 1),
        }


# ---------------------------------------------------------------------------
# The scratch database
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def _seed_in_subprocess(url: str, env: dict[str, str], providers: int, services: int) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.search", "seed", url,
         "--providers", str(providers), "--services", str(services)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SearchBenchError(f"seeding failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def _check(server: Any, host: str | None, expect: bytes) -> int:
    status, body = http_get(server.port, PATH, host, timeout=30)
    if status != 200 or expect not in body:
        raise SearchBenchError(
            f"{server.name} {PATH}: status {status}, expected {expect!r}; body starts "
            f"{body[:300]!r}\nserver log ends:\n{server.log_tail()}"
        )
    return len(body)


def run_search(
    *,
    seconds: float,
    warmup: float,
    rounds: int,
    concurrency: int,
    loadgen: str,
    pin: bool,
    postgres_url: str | None,
    providers: int = PROVIDERS,
    services: int = SERVICES,
    pool_size: int = POOL_SIZE,
) -> dict[str, Any]:
    """Seed, serve both, measure in interleaved rounds; ``{"skipped": why}`` without a server."""
    from benchmarks.run import _merge  # (run imports this module)

    if not postgres_url:
        return {"skipped": "BENCH_POSTGRES_URL is empty"}
    problem = unreachable(postgres_url)
    if problem:
        where = urlsplit(postgres_url)
        return {"skipped": f"cannot reach {where.hostname}:{where.port or 5432} ({problem})"}
    server_cpu, load_cpu = cpu_plan(pin)
    env = clean_environment()
    with (
        tempfile.TemporaryDirectory(prefix="carepurse-search-") as tmp,
        scratch_database(postgres_url, BENCH_DATABASE) as url,
    ):
        print(f"  search: seeding {providers:,} providers and {services:,} services", flush=True)
        data = _seed_in_subprocess(url, env, providers, services)
        carepurse_env = env | {
            "CAREPURSE_DATABASE_URL": f"{url}?maxsize={pool_size}",
            "CAREPURSE_STORAGE_URL": f"file://{tmp}/storage",
            "CAREPURSE_RUN_EMBEDDED_SCHEDULER": "false",
            "CAREPURSE_LOG_LEVEL": "WARNING",
        }
        baseline_env = env | {
            "BENCH_SEARCH_DATABASE_URL": url,
            "BENCH_SEARCH_TENANT_ID": str(data["tenant_id"]),
            "BENCH_SEARCH_POOL_SIZE": str(pool_size),
        }
        figures: dict[str, list[dict[str, Any]]] = {"baseline": [], "carepurse": []}
        with contextlib.ExitStack() as stack:
            servers = {
                "baseline": stack.enter_context(
                    serve("search-baseline", ["benchmarks.search_baseline:app"],
                          env=baseline_env, log_dir=Path(tmp), cpu=server_cpu)
                ),
                "carepurse": stack.enter_context(
                    serve("search-carepurse", ["core.app:create_app_from_environment",
                          "--factory"], env=carepurse_env, log_dir=Path(tmp), cpu=server_cpu)
                ),
            }  # fmt: skip
            expect = f"{data['matches']:,} services found".encode()
            sizes = {
                "baseline": _check(servers["baseline"], None, expect),
                "carepurse": _check(servers["carepurse"], HOST, expect),
            }
            hosts = {"baseline": None, "carepurse": HOST}
            for number in range(rounds):
                print(f"  search round {number + 1}/{rounds} ", end="", flush=True)
                for side in ("baseline", "carepurse"):
                    server = servers[side]
                    result = measure(
                        loadgen,
                        port=server.port,
                        path=PATH,
                        host=hosts[side],
                        concurrency=concurrency,
                        warmup=warmup if number == 0 else min(warmup, LATER_ROUND_WARMUP),
                        seconds=seconds / rounds,
                        server_pid=server.pid,
                        preexec=child_setup(load_cpu),
                        raw=True,
                    )
                    if result["requests"] == 0:
                        raise SearchBenchError(
                            f"{server.name}: no response completed\n{server.log_tail()}"
                        )
                    figures[side].append(result)
                    print(".", end="", flush=True)
                print(flush=True)
    merged = {side: _merge(runs) | {"bytes": sizes[side]} for side, runs in figures.items()}
    ours, base = merged["carepurse"], merged["baseline"]
    return {
        "data": data,
        "path": PATH,
        "database": BENCH_DATABASE,
        "baseline": base,
        "carepurse": ours,
        "ratio_rps": ours["rps"] / base["rps"],
        "ratio_p99": ours["p99_ms"] / base["p99_ms"],
        "rounds_ratio": [
            a / b for a, b in zip(ours["rounds_rps"], base["rounds_rps"], strict=True)
        ],
        "target_ratio": TARGET_RATIO,
        "pool_size": pool_size,
        "pinning": {"server_cpu": server_cpu, "loadgen_cpu": load_cpu},
    }


def print_search_report(report: dict[str, Any]) -> None:
    print()
    if "skipped" in report:
        print(f"Search on PostgreSQL: skipped ({report['skipped']})")
        return
    data = report["data"]
    print(
        f"Search on PostgreSQL: one council with {data['providers']:,} providers, "
        f"{data['services']:,} services ({data['live_services']:,} live), {data['areas']:,} "
        f"area rows, {data['reviews']:,} reviews, {data['photos']:,} photos; "
        f"GET {report['path']} ({data['matches']} matches, 20 a page); "
        f"{report['pool_size']} database connections per server"
    )
    print_comparison(
        report,
        "page",
        {
            "baseline": "Starlette + asyncpg + Jinja2, same SQL",
            "carepurse": "Carepurse /search (tenant, page, photos)",
        },
    )
    low, high = min(report["rounds_ratio"]), max(report["rounds_ratio"])
    verdict = "meets" if report["ratio_rps"] >= report["target_ratio"] else "BELOW"
    print(
        f"search: Carepurse / raw baseline req/s = {report['ratio_rps']:.2f} "
        f"(rounds {low:.2f}-{high:.2f}; {verdict} the {report['target_ratio']:.0%} target); "
        f"p99 {report['carepurse']['p99_ms']:.1f} ms vs {report['baseline']['p99_ms']:.1f} ms "
        f"(ratio {report['ratio_p99']:.2f})"
    )
    print(f"  scratch database {report['database']} was created for the run and dropped")


def _program() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    seeding = sub.add_parser("seed", help="(internal) migrate and fill a scratch database")
    seeding.add_argument("url")
    seeding.add_argument("--providers", type=int, default=PROVIDERS)
    seeding.add_argument("--services", type=int, default=SERVICES)
    add_load_options(parser, POOL_SIZE, DEFAULT_POSTGRES_URL)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.command == "seed":
        json.dump(asyncio.run(seed(args.url, args.providers, args.services)), sys.stdout)
        return 0
    try:
        report = run_search(
            seconds=args.seconds,
            warmup=args.warmup,
            rounds=args.rounds,
            concurrency=args.concurrency,
            loadgen=choose_loadgen(args.loadgen),
            pin=args.pin,
            postgres_url=args.postgres_url,
            pool_size=args.pool_size,
        )
    except (SearchBenchError, ServerError, LoadError, subprocess.TimeoutExpired) as error:
        print(f"\nsearch benchmark failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped, scratch database dropped", file=sys.stderr)
        return 130
    print_search_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(_program())
