"""Bulk scheduling at scale: 500 people in one run, three of whom cannot afford it.

Every other person is placed with exactly one hold on their own budget, the three are
refused with the reason in plain words and hold nothing, and the ledger stays sound.
"""

from __future__ import annotations

import time

import pytest

from core.accreditation.policy import AccreditationPolicy
from core.ledger.models import Hold, HoldStatus
from core.ledger.verify import verify_ledger
from core.orders.bulk import bulk_schedule
from core.orders.models import BulkOutcome, BulkRunResult, Order
from core.orders.policy import OrderingPolicy
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.orders.bulk_helpers import as_member, make_broker, people_with_budgets, visit

pytestmark = pytest.mark.usefixtures("db")

PEOPLE = 500
SHORT = {17, 250, 499}  # these three have £10, and each visit costs £40


async def test_five_hundred_people_in_one_run():
    tenant = await make_tenant()
    broker = await make_broker(tenant)
    amounts = [1_000 if i in SHORT else 100_000 for i in range(PEOPLE)]
    people = await people_with_budgets(tenant, broker, amounts)
    service = await make_service(await make_store(tenant, "Kind Hands"), "Home care", areas={})

    started = time.perf_counter()
    run = await bulk_schedule(
        as_member(broker),
        service.id,
        [p.id for p in people],
        visit(),
        idempotency_key="five-hundred",
        ordering=OrderingPolicy(),
        policy=AccreditationPolicy(),
    )
    took = time.perf_counter() - started
    print(f"bulk run of {PEOPLE} people took {took:.1f}s")

    assert (run.placed_count, run.refused_count) == (PEOPLE - 3, 3)
    refused = await BulkRunResult.filter(run_id=run.id, outcome=BulkOutcome.REFUSED)
    assert {r.person_id for r in refused} == {people[i].id for i in SHORT}  # type: ignore[attr-defined]
    assert all(r.reason.startswith("There is not enough money") for r in refused)
    holds = await Hold.filter(status=HoldStatus.PENDING).count()
    assert holds == run.placed_count == await Order.filter(bulk_run_id=run.id).count()
    assert await Hold.filter(budget__person_id__in=[people[i].id for i in SHORT]).count() == 0
    assert await verify_ledger(tenant.id) == []
