"""No overspend under concurrency: 200 holds asking for three times the money race for one
budget, and the money held never exceeds the money there was.

The guard is one conditional ``UPDATE ... WHERE balance_pence >= amount`` per hold
(core/ledger/posting.py) with the database CHECK behind it. On PostgreSQL the
requests really run side by side on the pool's connections; on SQLite they
interleave between statements on its one connection. Half the requests carry an
``Idempotency-Key`` (their handler runs in one transaction with the stored answer)
and half do not (the ledger's own transactions), so both paths race each other.
"""

from __future__ import annotations

import asyncio
import random
import time

from core.budgets.figures import budget_figures
from core.ledger.errors import NotEnoughMoney
from core.ledger.holds import place_hold
from core.ledger.models import Hold, HoldStatus
from core.ledger.verify import verify_ledger
from tests.factories import make_tenant
from tests.support.api import bearer_headers
from tests.support.budgets import funded_budget, one_off
from tests.support.cli import carepurse

AVAILABLE = 100_000  # £1,000
REQUESTS = 200
NOT_ENOUGH_MONEY = "https://carepurse.example/problems/not-enough-money"


def amounts_totalling_three_times_the_money(seed: int) -> list[int]:
    rng = random.Random(seed)
    amounts = [rng.randint(500, 2_500) for _ in range(REQUESTS)]  # mean £15: about £3,000
    assert 2.5 * AVAILABLE < sum(amounts) < 3.5 * AVAILABLE
    return amounts


async def assert_within_the_money(budget, tenant_id: int, held: list[int]) -> None:
    figures = (await budget_figures(budget)).total
    assert sum(held) <= AVAILABLE
    assert figures.held_pence == sum(held)
    assert figures.available_pence == AVAILABLE - sum(held) >= 0
    assert figures.received_pence == AVAILABLE
    pending = await Hold.filter(budget_id=budget.id, status=HoldStatus.PENDING)
    assert sorted(h.amount_pence for h in pending) == sorted(held)
    assert await verify_ledger(tenant_id) == []
    assert await verify_ledger() == []


async def test_200_concurrent_api_holds_never_hold_more_than_is_available(
    app, client_for, settings
):
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(AVAILABLE))
    client = client_for(tenant)
    client.headers.update(await bearer_headers(client, tenant, ["orders:write"]))
    amounts = amounts_totalling_three_times_the_money(seed=200)
    path = f"/api/v1/budgets/{budget.id}/holds"

    async def hold(number: int, pence: int):
        headers = {"Idempotency-Key": f"race-{number}"} if number % 2 else {}
        body = {
            "amount_pence": pence,
            "category": "personal-care",
            "description": f"Visit {number}",
        }
        return pence, await client.post(path, json=body, headers=headers)

    started = time.perf_counter()
    answers = await asyncio.gather(*(hold(n, pence) for n, pence in enumerate(amounts)))
    elapsed = time.perf_counter() - started

    held = [pence for pence, response in answers if response.status_code == 201]
    refused = [(pence, r) for pence, r in answers if r.status_code != 201]
    assert len(held) + len(refused) == REQUESTS
    assert held and refused
    final_available = AVAILABLE - sum(held)
    for pence, response in refused:
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"] == NOT_ENOUGH_MONEY
        assert problem["detail"].startswith("There is not enough money for this: £")
        assert problem["needed_pence"] == pence
        # Every refusal was genuine: there really was too little, then and at the end.
        assert 0 <= problem["available_pence"] < pence
        assert final_available < pence
    await assert_within_the_money(budget, tenant.id, held)
    verified = await carepurse(settings, "ledger", "verify")
    assert verified.exit_code == 0 and "ledger balanced" in verified.output
    print(
        f"\n{REQUESTS} concurrent holds for £{sum(amounts) / 100:,.2f} against "
        f"£{AVAILABLE / 100:,.2f}: {len(held)} held (£{sum(held) / 100:,.2f}), "
        f"{len(refused)} refused, {elapsed:.2f}s"
    )


async def test_200_concurrent_ledger_holds_never_hold_more_than_is_available(db):
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(AVAILABLE))
    amounts = amounts_totalling_three_times_the_money(seed=201)

    async def hold(pence: int) -> tuple[int, NotEnoughMoney | None]:
        try:
            await place_hold(budget, pence, "personal-care", "Visit", "race")
        except NotEnoughMoney as refusal:
            return pence, refusal
        return pence, None

    outcomes = await asyncio.gather(*(hold(pence) for pence in amounts))
    held = [pence for pence, refusal in outcomes if refusal is None]
    refusals = [(pence, refusal) for pence, refusal in outcomes if refusal is not None]
    assert held and refusals
    assert all(0 <= r.available_pence < pence == r.needed_pence for pence, r in refusals)
    await assert_within_the_money(budget, tenant.id, held)
