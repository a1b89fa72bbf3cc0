"""The ledger's rules: holds within the money available, settle or release once, verify clean."""

from __future__ import annotations

import pytest

from core.budgets.figures import budget_figures
from core.ledger.errors import FundingRestricted, HoldNotPending, NotEnoughMoney
from core.ledger.holds import place_hold, post_hold, void_hold
from core.ledger.models import Hold, HoldStatus
from core.ledger.verify import verify_ledger
from tests.factories import make_tenant
from tests.support.budgets import funded_budget, one_off

pytestmark = pytest.mark.usefixtures("db")


async def test_hold_post_and_void_move_money_between_available_held_and_spent():
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(100_000))
    hold = await place_hold(budget, 30_000, "personal-care", "Home care", "test")
    smaller = await place_hold(budget, 20_000, "leisure", "Swimming", "test")
    figures = (await budget_figures(budget)).total
    assert (figures.available_pence, figures.held_pence) == (50_000, 50_000)

    await post_hold(hold.id, tenant.id, 25_000, "Invoice 1", "test")  # £50 released
    await void_hold(smaller.id, tenant.id, "cancelled", "test")
    figures = (await budget_figures(budget)).total
    assert figures == type(figures)(
        received_pence=100_000, held_pence=0, spent_pence=25_000, available_pence=75_000
    )
    assert (await Hold.get(id=hold.id)).status == HoldStatus.POSTED
    assert await verify_ledger(tenant.id) == []


async def test_a_hold_over_the_money_available_is_refused_with_the_amounts():
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(10_000))
    with pytest.raises(NotEnoughMoney) as refused:
        await place_hold(budget, 10_001, "leisure", "Gym", "test")
    assert str(refused.value) == (
        "There is not enough money for this: £100.00 is available for "
        "leisure and community activities, and £100.01 is needed."
    )
    assert await Hold.all().count() == 0
    assert await verify_ledger(tenant.id) == []


async def test_nhs_money_only_pays_for_health_eligible_services():
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(50_000, "nhs-chc"))
    await place_hold(budget, 1_000, "health-care", "Nurse visit", "test")
    with pytest.raises(FundingRestricted, match="may not be spent on leisure"):
        await place_hold(budget, 1_000, "leisure", "Cinema", "test")


async def test_holds_use_the_first_stream_that_may_pay_and_has_room():
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(5_000, "nhs-chc"), one_off(20_000))
    first = await place_hold(budget, 4_000, "therapy", "Physio", "test")
    second = await place_hold(budget, 4_000, "therapy", "Physio", "test")  # NHS has £10 left
    streams = {s.stream.funding_type: s.figures for s in (await budget_figures(budget)).streams}
    assert first.stream_id != second.stream_id
    assert streams["nhs-chc"].held_pence == 4_000
    assert streams["council-care"].held_pence == 4_000


async def test_settling_or_releasing_twice_is_refused():
    tenant = await make_tenant()
    budget = await funded_budget(tenant)
    hold = await place_hold(budget, 1_000, "transport", "Taxi", "test")
    await post_hold(hold.id, tenant.id, None, "Invoice", "test")
    with pytest.raises(HoldNotPending):
        await post_hold(hold.id, tenant.id, None, "Invoice again", "test")
    with pytest.raises(HoldNotPending):
        await void_hold(hold.id, tenant.id, "too late", "test")
    assert (await budget_figures(budget)).total.spent_pence == 1_000
    assert await verify_ledger(tenant.id) == []


async def test_the_database_refuses_a_negative_balance_even_if_the_code_forgot():
    from tortoise.expressions import F

    from core.ledger.models import AccountKind, LedgerAccount

    tenant = await make_tenant()
    await funded_budget(tenant, one_off(1_000))
    with pytest.raises(Exception, match="ledger_account_sign_by_kind"):
        await LedgerAccount.filter(kind=AccountKind.AVAILABLE).update(
            balance_pence=F("balance_pence") - 5_000
        )
