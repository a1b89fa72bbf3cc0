"""A provider's system polling for new orders on PostgreSQL, beside raw Starlette + asyncpg.

A scratch database (``carepurse_bench_orders`` by default, on the server of
``BENCH_POSTGRES_URL``) is created, built by the real migrations, and given one council
with 2,000 people (each with a £5,000 budget allocated by ``allocate_budget``, so with its
real ledger accounts), 200 providers (a live store each, 5 services each, all sold in
HA1) and 20,000 orders with 1-3 bookings each, spread over the last 90 days (those of the
last 3 days still ``placed``, older ones accepted, completed, declined or expired; one in
ten placed by a partner's API client). One provider, "Big agency", has a tenth of the
orders, as a large home-care agency would. Orders and bookings are written with
``bulk_create`` (no holds: polling only reads them), not through ``place_order``.

Then two servers run side by side on that database:

- Carepurse (``core.app:create_app_from_environment``): ``GET /api/v1/orders?status=placed
  &since=<7 days ago>`` on the council's host with the bearer token of Big agency's own
  API client (``PROVIDER_SCOPES``): the token and its client, the council, the scope,
  the provider's stores, a page of 50 orders and their stores, clients, bookings and
  services, as ``OrdersPage`` JSON.
- the baseline (``orders_baseline.py``): raw Starlette + asyncpg running the same data
  statements and answering the same JSON (checked equal before measuring), without the
  token check, the tenant lookup, the ORM or pydantic.

Both are measured in interleaved rounds (baseline, then Carepurse) by the benchmark's load
generator, each server with the same number of database connections (``--pool-size``);
req/s, p50, p99 and the ratio Carepurse / baseline are printed.

Then, unless ``--placement-seconds 0``, ``POST /api/v1/orders`` placement is measured on its
own: a council partner's client (``orders:write``) places one 2-hour visit for a different
person on every request, each with its own ``Idempotency-Key``, from ``--placement-
concurrency`` connections. Each placement checks the money, holds it in the ledger,
writes the order, booking, visit, idempotency record, audit and notifications; there is no
raw baseline for that (a fair one would be the whole placement written again), so only
its figures are printed. The database is dropped at the end, whatever happens.

``python -m benchmarks.orders`` runs it (``make bench`` runs it after the other benchmarks).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from benchmarks.loadgen import LoadError, choose_loadgen, measure
from benchmarks.pg import (
    add_load_options,
    admin,
    clean_environment,
    print_comparison,
    scratch_database,
    unreachable,
)
from benchmarks.servers import ROOT, ServerError, child_setup, cpu_plan, http_request, serve

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DATABASE = "carepurse_bench_orders"
COUNCIL = "ordersbench"
HOST = f"{COUNCIL}.localhost"
PEOPLE = 2_000
PROVIDERS = 200
ORDERS = 20_000
SERVICES_PER_STORE = 5
BUDGET_PENCE = 500_000
BIG_SHARE = 0.10  # of the orders, for the polled provider
PLACED_DAYS = 3  # orders younger than this are still waiting for the provider
SINCE_DAYS = 7  # the poll's window
POOL_SIZE = 10
PLACEMENT_CONCURRENCY = 8
LATER_ROUND_WARMUP = 0.25


class OrdersBenchError(RuntimeError):
    pass


# ---------------------------------------------------------------------------
# The data set (run in a subprocess: ``python -m benchmarks.orders seed URL``)
# ---------------------------------------------------------------------------


async def seed(url: str, people: int, providers: int, orders: int) -> dict[str, Any]:
    """Migrate the scratch database and fill it; returns the council, clients and counts."""
    from tortoise import connections

    from core.budgets.allocation import StreamSpec, allocate_budget
    from core.budgets.models import FundingStream, Schedule
    from core.clock import uk_today
    from core.identity.actor import Actor
    from core.identity.models import Membership, User
    from core.marketplace.models import (
        Provider,
        PublishStatus,
        Service,
        ServiceArea,
        Store,
        Unit,
    )
    from core.migrate import database, migrate_database
    from core.oauth.services import PROVIDER_SCOPES, create_client_as_operator
    from core.orders.models import (
        ActingAs,
        Booking,
        BookingKind,
        BookingStatus,
        Order,
        OrderStatus,
    )
    from core.settings import Settings
    from tenants.services import create_tenant

    settings = Settings(
        environment="development", database_url=f"{url}?maxsize=10", log_level="WARNING"
    )
    started = time.perf_counter()
    await migrate_database(settings)
    rng = random.Random(2026)  # the same data set every run
    now = datetime.now(UTC)
    today = uk_today()
    async with database(settings):
        tenant = await create_tenant(COUNCIL, "Ordersbench Council", base_domain="localhost")
        officer_user = await User.create(email="officer@ordersbench.example", display_name="O")
        officer = await Membership.create(
            tenant=tenant, user=officer_user, roles=["council_officer"]
        )
        actor = Actor(tenant=tenant, user=officer_user, membership=officer)

        provider_rows = [Provider(id=uuid.uuid4(), name=f"Provider {n}") for n in range(providers)]
        provider_rows[0].name = "Big agency"
        await Provider.bulk_create(provider_rows, batch_size=1000)
        stores = [
            Store(
                id=uuid.uuid4(),
                tenant_id=tenant.id,
                provider_id=provider.id,
                name=provider.name,
                slug=f"store-{n}",
                status=PublishStatus.LIVE,
            )
            for n, provider in enumerate(provider_rows)
        ]
        await Store.bulk_create(stores, batch_size=1000)
        services: dict[uuid.UUID, list[Service]] = {}
        for n, store in enumerate(stores):
            services[store.id] = [
                Service(
                    id=uuid.uuid4(),
                    tenant_id=tenant.id,
                    store_id=store.id,
                    title=f"Home care {n}-{k}",
                    description="Help at home.",
                    category="personal-care",
                    unit=Unit.HOUR,
                    unit_price_pence=rng.randrange(1_500, 3_000, 50),
                    availability={},
                    status=PublishStatus.LIVE,
                )
                for k in range(SERVICES_PER_STORE)
            ]
        every_service = [s for rows in services.values() for s in rows]
        await Service.bulk_create(every_service, batch_size=1000)
        await ServiceArea.bulk_create(
            [
                ServiceArea(tenant_id=tenant.id, service_id=s.id, district="HA1")
                for s in every_service
            ],
            batch_size=5000,
        )

        users = [
            User(id=uuid.uuid4(), email=f"person{n}@ordersbench.example", display_name=f"P {n}")
            for n in range(people)
        ]
        await User.bulk_create(users, batch_size=1000)
        persons = [
            Membership(id=uuid.uuid4(), tenant_id=tenant.id, user_id=user.id, roles=["person"])
            for user in users
        ]
        await Membership.bulk_create(persons, batch_size=1000)
        period = (today - timedelta(days=100), today + timedelta(days=265))
        spec = [StreamSpec("council-care", BUDGET_PENCE, Schedule.ONE_OFF, name="Council care")]
        persons = list(await Membership.filter(tenant_id=tenant.id, id__in=[p.id for p in persons]))
        for chunk in range(0, len(persons), 10):  # ten at a time, on the pool's connections
            await asyncio.gather(
                *(
                    allocate_budget(
                        actor, person, spec, period_start=period[0], period_end=period[1]
                    )
                    for person in persons[chunk : chunk + 10]
                )
            )
        streams = {
            row["budget__person_id"]: (row["budget_id"], row["id"])
            for row in await FundingStream.filter(budget__tenant_id=tenant.id).values(
                "id", "budget_id", "budget__person_id"
            )
        }

        partner, partner_secret = await create_client_as_operator(
            tenant, "Case system", ["orders:read", "orders:write"]
        )
        system, system_secret = await create_client_as_operator(
            tenant,
            "Big agency rostering",
            list(PROVIDER_SCOPES),
            provider=await Provider.get(id=provider_rows[0].id),
        )

        order_rows, booking_rows = [], []
        for _ in range(orders):
            store = stores[0] if rng.random() < BIG_SHARE else rng.choice(stores[1:])
            person = rng.choice(persons)
            budget_id, stream_id = streams[person.id]
            created = now - timedelta(seconds=rng.uniform(60, 90 * 86_400))
            if now - created < timedelta(days=PLACED_DAYS):
                status = OrderStatus.PLACED
            else:
                status = rng.choices(
                    [
                        OrderStatus.ACCEPTED,
                        OrderStatus.COMPLETED,
                        OrderStatus.DECLINED,
                        OrderStatus.EXPIRED,
                    ],
                    [70, 15, 10, 5],
                )[0]
            order = Order(
                id=uuid.uuid4(),
                tenant_id=tenant.id,
                person_id=person.id,
                placed_by_id=person.id,
                acting_as=ActingAs.SELF,
                api_client_id=partner.id if rng.random() < 0.1 else None,
                budget_id=budget_id,
                store_id=store.id,
                status=status,
                respond_by=created + timedelta(hours=48),
                decided_at=None if status == OrderStatus.PLACED else created + timedelta(hours=5),
                decline_reason="We have no carers free then."
                if status == OrderStatus.DECLINED
                else None,
                total_pence=0,
                created_at=created,
            )
            for _line in range(rng.randint(1, 3)):
                service = rng.choice(services[store.id])
                quantity = rng.randint(1, 3)
                starts = (created + timedelta(days=rng.randint(2, 14))).date()
                recurring = rng.random() < 0.3
                visits = 12 if recurring else 1
                committed = quantity * service.unit_price_pence * visits
                order.total_pence += committed
                booking_rows.append(
                    Booking(
                        id=uuid.uuid4(),
                        tenant_id=tenant.id,
                        order_id=order.id,
                        service_id=service.id,
                        kind=BookingKind.RECURRING if recurring else BookingKind.ONE_OFF,
                        quantity=quantity,
                        unit=Unit.HOUR,
                        unit_price_pence=service.unit_price_pence,
                        district="HA1",
                        rule=f"DTSTART:{starts:%Y%m%d}T100000\nRRULE:FREQ=WEEKLY;COUNT=12"
                        if recurring
                        else None,
                        starts_on=starts,
                        ends_on=starts + timedelta(weeks=11) if recurring else starts,
                        start_time="10:00",
                        end_time=f"{10 + quantity:02d}:00",
                        stream_id=stream_id,
                        committed_pence=committed,
                        status=BookingStatus.ACTIVE,
                        created_at=created,
                    )
                )
            order_rows.append(order)
        await Order.bulk_create(order_rows, batch_size=2000)
        await Booking.bulk_create(booking_rows, batch_size=5000)
        connection = connections.get("default")
        # created_at is auto_now_add: make sure the spread over 90 days is what was stored
        await connection.execute_query(
            "UPDATE service_order o SET created_at = v.created_at FROM (SELECT "
            "unnest($1::uuid[]) AS id, unnest($2::timestamptz[]) AS created_at) v "
            "WHERE o.id = v.id",
            [[o.id for o in order_rows], [o.created_at for o in order_rows]],
        )
        await connection.execute_query(
            "UPDATE booking b SET created_at = o.created_at FROM service_order o "
            "WHERE b.order_id = o.id"
        )
        await connection.execute_script("ANALYZE")
        since = (now - timedelta(days=SINCE_DAYS)).replace(microsecond=0)
        counted = await connection.execute_query_dict(
            "SELECT count(*) AS n FROM service_order WHERE tenant_id = $1 AND store_id = $2 "
            "AND status = 'placed' AND created_at >= $3",
            [tenant.id, stores[0].id, since],
        )
        place_store = stores[1]
        return {
            "tenant_id": tenant.id,
            "host": HOST,
            "provider_id": str(provider_rows[0].id),
            "providers": len(stores),
            "services": len(every_service),
            "people": len(persons),
            "budgets": len(streams),
            "orders": len(order_rows),
            "bookings": len(booking_rows),
            "big_orders": sum(1 for o in order_rows if o.store_id == stores[0].id),  # type: ignore[attr-defined]
            "waiting": int(counted[0]["n"]),
            "since": since.isoformat().replace("+00:00", "Z"),
            "system": {"client_id": system.client_id, "secret": system_secret},
            "partner": {"client_id": partner.client_id, "secret": partner_secret},
            "place_service_id": str(services[place_store.id][0].id),
            # placement takes them in turn, one order each (every budget has room for it)
            "place_people": [str(p.id) for p in persons],
            "seconds": round(time.perf_counter() - started, 1),
        }


# ---------------------------------------------------------------------------
# The scratch database and the servers
# ---------------------------------------------------------------------------


def _seed_in_subprocess(url: str, env: dict[str, str], args: argparse.Namespace) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.orders", "seed", url, "--people", str(args.people),
         "--providers", str(args.providers), "--orders", str(args.orders)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise OrdersBenchError(f"seeding failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def _token(server: Any, credentials: dict[str, str]) -> str:
    basic = base64.b64encode(f"{credentials['client_id']}:{credentials['secret']}".encode())
    status, _, body = http_request(
        server.port,
        "POST",
        "/oauth/token",
        HOST,
        form={"grant_type": "client_credentials"},
        headers=(f"Authorization: Basic {basic.decode()}",),
    )
    if status != 200:
        raise OrdersBenchError(f"no token ({status}): {body[:300]!r}\n{server.log_tail()}")
    return f"Authorization: Bearer {json.loads(body)['access_token']}"


def _fetch(server: Any, path: str, host: str | None, headers: tuple[str, ...]) -> Any:
    status, _, body = http_request(server.port, "GET", path, host, headers=headers, timeout=30)
    if status != 200:
        raise OrdersBenchError(
            f"{server.name} {path}: status {status}; body starts {body[:300]!r}\n"
            f"server log ends:\n{server.log_tail()}"
        )
    return json.loads(body), len(body)


def _same_answer(ours: Any, theirs: Any, expected: int) -> None:
    """Both servers must give the same page (the ``next`` links differ only by host)."""
    if len(ours["items"]) != min(expected, 50):
        raise OrdersBenchError(f"Carepurse gave {len(ours['items'])} orders, expected {expected}")
    if ours["items"] != theirs["items"]:
        for mine, other in zip(ours["items"], theirs["items"], strict=False):
            if mine != other:
                raise OrdersBenchError(
                    f"the baseline's JSON differs:\ncarepurse {mine}\nbaseline  {other}"
                )
        raise OrdersBenchError("the baseline gave a different number of orders")
    if (ours["next"] is None) != (theirs["next"] is None):
        raise OrdersBenchError("one side has a next page, the other has not")


# ---------------------------------------------------------------------------
# Placement: POST /api/v1/orders, a different person each time
# ---------------------------------------------------------------------------


async def _place_many(
    port: int, token: str, service_id: str, people: list[str], seconds: float, concurrency: int
) -> dict[str, Any]:
    import httpx

    from core.clock import uk_today

    on_date = (uk_today() + timedelta(days=3)).isoformat()
    queue = iter(people)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures: list[str] = []
    name, _, value = token.partition(": ")
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            person = next(queue, None)
            if person is None:
                return
            body = {
                "person_id": person,
                "lines": [
                    {
                        "service_id": service_id,
                        "quantity": 2,
                        "postcode": "HA1 2AB",
                        "on_date": on_date,
                        "start_time": "10:00",
                        "end_time": "12:00",
                    }
                ],
            }
            sent = time.perf_counter()
            response = await client.post(
                "/api/v1/orders",
                json=body,
                headers={name: value, "Idempotency-Key": f"bench-{person}"},
            )
            latencies.append(time.perf_counter() - sent)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code != 201 and len(failures) < 3:
                failures.append(f"{response.status_code} {response.text[:300]}")

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers={"Host": HOST}, limits=limits, timeout=60
    ) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        took = time.perf_counter() - started
    ordered = sorted(latencies)

    def percentile(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, int(fraction * len(ordered)) - 1))] * 1000

    placed = statuses.get(201, 0)
    return {
        "ran_out": next(queue, None) is None,
        "requests": len(latencies),
        "placed": placed,
        "statuses": statuses,
        "failures": failures,
        "seconds": took,
        "rps": placed / took if took else 0.0,
        "p50_ms": percentile(0.50) if ordered else 0.0,
        "p99_ms": percentile(0.99) if ordered else 0.0,
        "mean_ms": statistics.fmean(ordered) * 1000 if ordered else 0.0,
        "concurrency": concurrency,
    }


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def run_orders(args: argparse.Namespace) -> dict[str, Any]:
    """Seed, serve both, measure in interleaved rounds; ``{"skipped": why}`` without a server."""
    from benchmarks.run import _merge  # (run imports search, which this module imports)

    if not args.postgres_url:
        return {"skipped": "BENCH_POSTGRES_URL is empty"}
    problem = unreachable(args.postgres_url)
    if problem:
        where = urlsplit(args.postgres_url)
        return {"skipped": f"cannot reach {where.hostname}:{where.port or 5432} ({problem})"}
    server_cpu, load_cpu = cpu_plan(args.pin)
    env = clean_environment()
    with (
        tempfile.TemporaryDirectory(prefix="carepurse-orders-") as tmp,
        scratch_database(args.postgres_url, args.database) as url,
    ):
        print(
            f"  orders: seeding {args.people:,} people with budgets, {args.providers:,} "
            f"providers, {args.orders:,} orders",
            flush=True,
        )
        data = _seed_in_subprocess(url, env, args)
        print(f"  orders: seeded in {data['seconds']} s", flush=True)
        if args.try_sql:  # e.g. an index a migration might add, measured before writing it
            asyncio.run(admin(url, args.try_sql, "ANALYZE"))
            print(f"  orders: ran {args.try_sql!r} on the scratch database", flush=True)
        carepurse_env = env | {
            "CAREPURSE_DATABASE_URL": f"{url}?maxsize={args.pool_size}",
            "CAREPURSE_STORAGE_URL": f"file://{tmp}/storage",
            "CAREPURSE_RUN_EMBEDDED_SCHEDULER": "false",
            "CAREPURSE_LOG_LEVEL": "WARNING",
        }
        baseline_env = env | {
            "BENCH_ORDERS_DATABASE_URL": url,
            "BENCH_ORDERS_TENANT_ID": str(data["tenant_id"]),
            "BENCH_ORDERS_PROVIDER_ID": data["provider_id"],
            "BENCH_ORDERS_POOL_SIZE": str(args.pool_size),
        }
        query = f"status=placed&since={quote(data['since'])}"
        paths = {"baseline": f"/orders?{query}", "carepurse": f"/api/v1/orders?{query}"}
        hosts = {"baseline": None, "carepurse": HOST}
        figures: dict[str, list[dict[str, Any]]] = {"baseline": [], "carepurse": []}
        with contextlib.ExitStack() as stack:
            servers = {
                "baseline": stack.enter_context(
                    serve("orders-baseline", ["benchmarks.orders_baseline:app"],
                          env=baseline_env, log_dir=Path(tmp), cpu=server_cpu)
                ),
                "carepurse": stack.enter_context(
                    serve("orders-carepurse", ["core.app:create_app_from_environment",
                          "--factory"], env=carepurse_env, log_dir=Path(tmp), cpu=server_cpu)
                ),
            }  # fmt: skip
            headers = {"baseline": (), "carepurse": (_token(servers["carepurse"], data["system"]),)}
            answers = {
                side: _fetch(servers[side], paths[side], hosts[side], headers[side])
                for side in ("baseline", "carepurse")
            }
            _same_answer(answers["carepurse"][0], answers["baseline"][0], data["waiting"])
            sizes = {side: answers[side][1] for side in answers}
            for number in range(args.rounds):
                print(f"  orders round {number + 1}/{args.rounds} ", end="", flush=True)
                for side in ("baseline", "carepurse"):
                    server = servers[side]
                    result = measure(
                        args.loadgen,
                        port=server.port,
                        path=paths[side],
                        host=hosts[side],
                        concurrency=args.concurrency,
                        warmup=args.warmup if number == 0 else min(args.warmup, LATER_ROUND_WARMUP),
                        seconds=args.seconds / args.rounds,
                        server_pid=server.pid,
                        preexec=child_setup(load_cpu),
                        raw=True,
                        headers=headers[side],
                    )
                    if result["requests"] == 0:
                        raise OrdersBenchError(
                            f"{server.name}: no response completed\n{server.log_tail()}"
                        )
                    figures[side].append(result)
                    print(".", end="", flush=True)
                print(flush=True)
            placement: dict[str, Any] | None = None
            if args.placement_seconds > 0:
                print(
                    f"  orders: placing for {args.placement_seconds:g} s "
                    f"({args.placement_concurrency} connections)",
                    flush=True,
                )
                partner = _token(servers["carepurse"], data["partner"])
                placement = asyncio.run(
                    _place_many(
                        servers["carepurse"].port,
                        partner,
                        data["place_service_id"],
                        data["place_people"],
                        args.placement_seconds,
                        args.placement_concurrency,
                    )
                )
                if placement["placed"] == 0:
                    raise OrdersBenchError(
                        f"no order was placed: {placement['failures']}\n"
                        f"{servers['carepurse'].log_tail()}"
                    )
    merged = {side: _merge(runs) | {"bytes": sizes[side]} for side, runs in figures.items()}
    ours, base = merged["carepurse"], merged["baseline"]
    data.pop("place_people")
    data.pop("system")
    data.pop("partner")
    return {
        "data": data,
        "path": paths["carepurse"],
        "database": args.database,
        "baseline": base,
        "carepurse": ours,
        "ratio_rps": ours["rps"] / base["rps"],
        "ratio_p99": ours["p99_ms"] / base["p99_ms"],
        "rounds_ratio": [
            a / b for a, b in zip(ours["rounds_rps"], base["rounds_rps"], strict=True)
        ],
        "pool_size": args.pool_size,
        "try_sql": args.try_sql,
        "placement": placement,
        "pinning": {"server_cpu": server_cpu, "loadgen_cpu": load_cpu},
    }


def print_orders_report(report: dict[str, Any]) -> None:
    print()
    if "skipped" in report:
        print(f"Orders on PostgreSQL: skipped ({report['skipped']})")
        return
    data = report["data"]
    print(
        f"Orders on PostgreSQL: one council with {data['people']:,} people "
        f"({data['budgets']:,} budgets), {data['providers']:,} providers, {data['services']:,} "
        f"services, {data['orders']:,} orders with {data['bookings']:,} bookings "
        f"({data['big_orders']:,} for the polled provider); GET {report['path']} "
        f"({data['waiting']} waiting, 50 a page) with the provider system's bearer token; "
        f"{report['pool_size']} database connections per server"
    )
    if report["try_sql"]:
        print(f"  after seeding, the run tried: {report['try_sql']}")
    print_comparison(
        report,
        "endpoint",
        {
            "baseline": "Starlette + asyncpg, same SQL and JSON",
            "carepurse": "Carepurse GET /api/v1/orders (provider)",
        },
    )
    low, high = min(report["rounds_ratio"]), max(report["rounds_ratio"])
    print(
        f"orders poll: Carepurse / raw baseline req/s = {report['ratio_rps']:.2f} "
        f"(rounds {low:.2f}-{high:.2f}); p99 {report['carepurse']['p99_ms']:.1f} ms vs "
        f"{report['baseline']['p99_ms']:.1f} ms (ratio {report['ratio_p99']:.2f})"
    )
    placing = report["placement"]
    if placing:
        others = {k: v for k, v in placing["statuses"].items() if k != 201}
        print(
            f"orders placement: POST /api/v1/orders, one visit for a different person each "
            f"time, with Idempotency-Key, {placing['concurrency']} connections: "
            f"{placing['placed']:,} placed in {placing['seconds']:.1f} s = "
            f"{placing['rps']:,.1f} orders/s, p50 {placing['p50_ms']:.1f} ms, p99 "
            f"{placing['p99_ms']:.1f} ms"
            + (f"; other answers {others}: {placing['failures']}" if others else "")
        )
        if placing["ran_out"]:
            print("  (every person had placed once before the time was up: seed more people)")
        print(
            "  (no raw baseline for placement: it checks money and rules, holds in the "
            "ledger and writes the order, visit, audit and notices; only its figures count)"
        )
    print(f"  scratch database {report['database']} was created for the run and dropped")


def _program() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    seeding = sub.add_parser("seed", help="(internal) migrate and fill a scratch database")
    seeding.add_argument("url")
    for target in (parser, seeding):
        target.add_argument("--people", type=int, default=PEOPLE)
        target.add_argument("--providers", type=int, default=PROVIDERS)
        target.add_argument("--orders", type=int, default=ORDERS)
    add_load_options(parser, POOL_SIZE, DEFAULT_POSTGRES_URL)
    parser.add_argument(
        "--placement-seconds",
        type=float,
        default=float(os.environ.get("BENCH_PLACEMENT_SECONDS", 6)),
        help="seconds of POST /api/v1/orders (0 to leave placement out)",
    )
    parser.add_argument(
        "--placement-concurrency",
        type=int,
        default=int(os.environ.get("BENCH_PLACEMENT_CONCURRENCY", PLACEMENT_CONCURRENCY)),
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_ORDERS_DATABASE", BENCH_DATABASE),
        help="the scratch database to create and drop (never an existing one you need)",
    )
    parser.add_argument(
        "--try-sql",
        default="",
        help="a statement run on the scratch database after seeding (e.g. CREATE INDEX ...)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.command == "seed":
        json.dump(asyncio.run(seed(args.url, args.people, args.providers, args.orders)), sys.stdout)
        return 0
    if args.database in ("test", "postgres", "template0", "template1"):
        parser.error(f"--database {args.database} would drop a database that is not scratch")
    try:
        args.loadgen = choose_loadgen(args.loadgen)
        report = run_orders(args)
    except (OrdersBenchError, ServerError, LoadError, subprocess.TimeoutExpired) as error:
        print(f"\norders benchmark failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped, scratch database dropped", file=sys.stderr)
        return 130
    print_orders_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(_program())
