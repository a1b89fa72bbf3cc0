"""``POST /api/v1/orders`` sent many times at once with one ``Idempotency-Key`` (a partner's
retry storm) places one order and holds its money once."""

from __future__ import annotations

import asyncio

import pytest

from core.ledger.models import Hold, HoldStatus
from core.ledger.verify import verify_ledger
from core.orders.models import Order
from tests.functional.orders.test_orders_api import available, visit, world

pytestmark = pytest.mark.usefixtures("db")
__all__ = ["world"]  # the fixture, shared with the orders API tests


async def test_one_key_sent_five_times_at_once_places_one_order(world):
    body = {"person_id": str(world["person"].id), "lines": [visit(world["service"])]}
    headers = {**world["partner"], "Idempotency-Key": "storm-1"}

    async def send():
        return await world["client"].post("/api/v1/orders", headers=headers, json=body)

    answers = await asyncio.gather(*(send() for _ in range(5)))
    placed = [a for a in answers if a.status_code == 201]
    busy = [a for a in answers if a.status_code == 409]
    assert placed and len(placed) + len(busy) == 5, [a.status_code for a in answers]
    assert len({a.json()["orders"][0]["id"] for a in placed}) == 1
    assert all(a.json()["type"].endswith("idempotency-key-in-use") for a in busy)
    assert await Order.all().count() == 1
    assert await Hold.filter(status=HoldStatus.PENDING).count() == 1
    assert await available(world["budget"]) == 96_000
    assert await verify_ledger(world["tenant"].id) == []
