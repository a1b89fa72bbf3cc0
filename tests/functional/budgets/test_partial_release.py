"""Part of a hold goes back when visits are cancelled: never more than was held, once."""

from __future__ import annotations

import asyncio

import pytest

from core.budgets.figures import budget_figures
from core.errors import InvalidInput
from core.ledger.errors import HoldNotPending
from core.ledger.holds import place_hold, post_hold, release_part_of_hold
from core.ledger.models import Hold, HoldStatus
from core.ledger.verify import verify_ledger
from tests.factories import make_tenant
from tests.support.budgets import funded_budget, one_off

pytestmark = pytest.mark.usefixtures("db")


async def test_part_of_a_hold_goes_back_to_available_and_the_hold_shrinks():
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(100_000))
    hold = await place_hold(budget, 30_000, "personal-care", "Home care", "test")
    entry = await release_part_of_hold(hold.id, tenant.id, 12_000, "2 visits cancelled", "test")
    assert "part of Home care (2 visits cancelled)" in entry.description
    figures = (await budget_figures(budget)).total
    assert (figures.available_pence, figures.held_pence) == (82_000, 18_000)
    current = await Hold.get(id=hold.id)
    assert (current.amount_pence, current.status) == (18_000, HoldStatus.PENDING)
    assert await verify_ledger(tenant.id) == []


async def test_releasing_all_of_it_voids_the_hold():
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(10_000))
    hold = await place_hold(budget, 4_000, "leisure", "Swimming", "test")
    await release_part_of_hold(hold.id, tenant.id, 4_000, "cancelled", "test")
    assert (await Hold.get(id=hold.id)).status == HoldStatus.VOIDED
    assert (await budget_figures(budget)).total.available_pence == 10_000
    assert await verify_ledger(tenant.id) == []


async def test_more_than_is_held_or_a_settled_hold_is_refused():
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(10_000))
    hold = await place_hold(budget, 4_000, "leisure", "Swimming", "test")
    for wrong in (0, -1, 4_001):
        with pytest.raises(InvalidInput):
            await release_part_of_hold(hold.id, tenant.id, wrong, "no", "test")
    await post_hold(hold.id, tenant.id, None, "Invoice", "test")
    with pytest.raises(HoldNotPending):
        await release_part_of_hold(hold.id, tenant.id, 1_000, "too late", "test")
    assert (await budget_figures(budget)).total.spent_pence == 4_000
    assert await verify_ledger(tenant.id) == []


async def test_two_releases_at_once_never_give_back_more_than_was_held():
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(10_000))
    hold = await place_hold(budget, 5_000, "leisure", "Swimming", "test")
    results = await asyncio.gather(
        *(release_part_of_hold(hold.id, tenant.id, 3_000, "race", "test") for _ in range(2)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    figures = (await budget_figures(budget)).total
    assert (figures.available_pence, figures.held_pence) == (8_000, 2_000)
    assert await verify_ledger(tenant.id) == []
