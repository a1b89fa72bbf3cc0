"""``Idempotency-Key`` (core/api/idempotency.py) on a tiny app whose handler we control:
first answers are stored and replayed, different requests under one key are refused,
work in flight is a 409, and nothing is stored for work that never committed."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise import connections

from core.api.idempotency import LEASE, idempotent, request_hash
from core.api.models import IdempotencyRecord
from core.budgets.models import FundingTypeDefinition
from core.clock import utcnow
from core.identity.actor import Actor
from core.ledger.errors import NotEnoughMoney
from tests.factories import make_tenant

pytestmark = pytest.mark.usefixtures("db")


class Tiny:
    """An app with ``POST /things`` that records one row per run and counts its runs."""

    def __init__(self, tenant, caller: uuid.UUID | None = None) -> None:
        self.tenant = tenant
        self.actor = Actor(tenant=tenant, api_client_id=caller or uuid.uuid4())
        self.runs = 0
        self.behaviour = "ok"
        self.started = asyncio.Event()

    async def handler(self, request: Request) -> JSONResponse:
        self.runs += 1
        self.started.set()
        body = await request.json()
        row = await FundingTypeDefinition.create(
            tenant=self.tenant, code=f"t{uuid.uuid4().hex[:8]}", label=body.get("label", "x")
        )
        if self.behaviour == "slow":
            await asyncio.sleep(0.3)
        if self.behaviour == "refuse":
            raise NotEnoughMoney("There is not enough money for this.", 5, 10)
        if self.behaviour == "crash":
            raise RuntimeError("boom")
        if self.behaviour == "lose-claim":
            await IdempotencyRecord.all().delete()  # as if a later attempt took it over
        return JSONResponse({"id": row.id, "run": self.runs}, status_code=201)

    def client(self) -> httpx.AsyncClient:
        async def endpoint(request: Request):
            request.state.actor = self.actor
            return await idempotent(request, lambda: self.handler(request))

        app = Starlette(routes=[Route("/things", endpoint, methods=["POST"])])
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        return httpx.AsyncClient(transport=transport, base_url="http://test")


def key(value: str = "key-1") -> dict[str, str]:
    return {"Idempotency-Key": value}


async def test_without_a_key_every_request_runs():
    tiny = Tiny(await make_tenant())
    async with tiny.client() as client:
        for _ in range(2):
            assert (await client.post("/things", json={})).status_code == 201
    assert tiny.runs == 2
    assert await IdempotencyRecord.all().count() == 0


async def test_the_first_answer_is_replayed_and_marked():
    tiny = Tiny(await make_tenant())
    async with tiny.client() as client:
        first = await client.post("/things", json={"label": "a"}, headers=key())
        second = await client.post("/things", json={"label": "a"}, headers=key())
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json() == {"id": first.json()["id"], "run": 1}
    assert second.headers["idempotent-replayed"] == "true"
    assert tiny.runs == 1
    record = await IdempotencyRecord.get()
    assert (record.tenant_id, record.key, record.status_code) == (tiny.tenant.id, "key-1", 201)
    assert record.caller == f"client:{tiny.actor.api_client_id}"


async def test_the_same_key_with_another_body_is_422_and_runs_nothing():
    tiny = Tiny(await make_tenant())
    async with tiny.client() as client:
        await client.post("/things", json={"label": "a"}, headers=key())
        other = await client.post("/things", json={"label": "b"}, headers=key())
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["type"].endswith("/idempotency-key-reused")
    assert tiny.runs == 1


async def test_keys_belong_to_one_caller_in_one_council():
    tenant, elsewhere = await make_tenant(), await make_tenant()
    caller = uuid.uuid4()
    for tiny in (Tiny(tenant, caller), Tiny(tenant), Tiny(elsewhere, caller)):
        async with tiny.client() as client:
            response = await client.post("/things", json={}, headers=key())
        assert response.status_code == 201 and "idempotent-replayed" not in response.headers
    assert await IdempotencyRecord.all().count() == 3


async def test_a_refusal_is_kept_and_replayed():
    tiny = Tiny(await make_tenant())
    tiny.behaviour = "refuse"
    async with tiny.client() as client:
        first = await client.post("/things", json={}, headers=key())
        tiny.behaviour = "ok"
        again = await client.post("/things", json={}, headers=key())
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()
    assert first.json()["available_pence"] == 5 and first.json()["needed_pence"] == 10
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == "application/problem+json"
    assert tiny.runs == 1
    # The refusal's own writes still committed (the handler chose to answer).
    assert await FundingTypeDefinition.all().count() == 1


async def test_a_crash_stores_nothing_and_frees_the_key():
    tiny = Tiny(await make_tenant())
    tiny.behaviour = "crash"
    async with tiny.client() as client:
        crashed = await client.post("/things", json={}, headers=key())
        assert crashed.status_code == 500
        assert await FundingTypeDefinition.all().count() == 0  # rolled back with the answer
        assert await IdempotencyRecord.all().count() == 0
        tiny.behaviour = "ok"
        retried = await client.post("/things", json={}, headers=key())
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers
    assert tiny.runs == 2


async def test_a_claim_in_flight_is_409_and_an_abandoned_one_is_taken_over():
    tiny = Tiny(await make_tenant())
    digest = request_hash("POST", "/things", b"{}")
    claim = await IdempotencyRecord.create(
        tenant_id=tiny.tenant.id,
        caller=f"client:{tiny.actor.api_client_id}",
        key="key-1",
        request_hash=digest,
    )
    async with tiny.client() as client:
        busy = await client.post("/things", json={}, headers=key())
        assert busy.status_code == 409
        assert busy.json()["type"].endswith("/idempotency-key-in-use")
        assert busy.headers["retry-after"] == "1"
        assert tiny.runs == 0
        await IdempotencyRecord.filter(id=claim.id).update(
            created_at=utcnow() - LEASE - timedelta(seconds=1)
        )
        taken_over = await client.post("/things", json={}, headers=key())
    assert taken_over.status_code == 201 and tiny.runs == 1
    assert await IdempotencyRecord.filter(id=claim.id).count() == 0


async def test_an_answer_whose_claim_was_lost_is_rolled_back():
    tiny = Tiny(await make_tenant())
    tiny.behaviour = "lose-claim"
    async with tiny.client() as client:
        lost = await client.post("/things", json={}, headers=key())
    assert lost.status_code == 409
    assert await FundingTypeDefinition.all().count() == 0
    assert await IdempotencyRecord.all().count() == 0


async def test_a_concurrent_duplicate_never_runs_twice():
    """PostgreSQL: the duplicate sees the committed claim and gets a 409. SQLite's single
    connection makes the duplicate wait for the first to finish, so it gets the replay."""
    tiny = Tiny(await make_tenant())
    tiny.behaviour = "slow"
    async with tiny.client() as client:
        first = asyncio.create_task(client.post("/things", json={}, headers=key()))
        await tiny.started.wait()
        duplicate = await client.post("/things", json={}, headers=key())
        original = await first
    assert original.status_code == 201 and tiny.runs == 1
    if connections.get("default").capabilities.dialect == "postgres":
        assert duplicate.status_code == 409
    else:
        assert duplicate.json() == original.json()
        assert duplicate.headers["idempotent-replayed"] == "true"


@pytest.mark.parametrize("value", ["", "k" * 201])
async def test_a_bad_key_is_400_naming_the_header(value):
    tiny = Tiny(await make_tenant())
    async with tiny.client() as client:
        response = await client.post("/things", json={}, headers={"Idempotency-Key": value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert tiny.runs == 0


def test_the_same_json_in_another_order_is_the_same_request():
    one = request_hash("POST", "/a", b'{"a": 1, "b": [1, 2]}')
    assert one == request_hash("post", "/a", b'{"b":[1,2],"a":1}')
    assert one != request_hash("POST", "/b", b'{"a": 1, "b": [1, 2]}')
    assert one != request_hash("POST", "/a", b'{"a": 2, "b": [1, 2]}')
