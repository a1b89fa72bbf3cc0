"""Random sequences of funding, top-ups, reductions, holds, posts and voids keep the ledger's
invariants after every step, and put the money exactly where a simple model says.

Each example is a fresh council with a two-stream budget: NHS money (health-eligible
services only, no top-ups) first, then council money (anything, top-ups allowed), so
restrictions, first-fit holds and refusals all get exercised. After every step:

- per stream, received == available + held + spent, and none is negative;
- held == the pending holds' amounts, spent == the posted holds' posted amounts;
- the figures equal the model's, and every refusal is the one the model expects;
- ``verify_ledger`` finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.budgets import adjustments
from core.budgets.figures import budget_figures
from core.budgets.funding import credit_due_instalments
from core.budgets.models import Budget
from core.clock import uk_today
from core.errors import CarepurseError
from core.ledger.errors import FundingRestricted, HoldNotPending, NotEnoughMoney
from core.ledger.holds import place_hold, post_hold, void_hold
from core.ledger.models import Hold, HoldStatus
from core.ledger.verify import verify_ledger
from tests.factories import make_tenant
from tests.support.budgets import funded_budget, officer_actor, one_off

HEALTH = frozenset({"personal-care", "health-care", "therapy", "equipment", "personal-assistant"})
CATEGORIES = ("personal-care", "therapy", "leisure", "transport")

pence = st.integers(min_value=1, max_value=20_000)
stream = st.integers(min_value=0, max_value=1)
pick = st.integers(min_value=0, max_value=50)  # which earlier hold (modulo how many there are)

operations = st.one_of(
    st.tuples(st.just("fund"), stream, pence),
    st.tuples(st.just("top_up"), stream, pence),
    st.tuples(st.just("reduce"), stream, pence),
    st.tuples(st.just("hold"), pence, st.sampled_from(CATEGORIES), st.none() | stream),
    st.tuples(st.just("hold"), pence, st.sampled_from(CATEGORIES), st.none()),
    st.tuples(st.just("post"), pick, st.none() | st.integers(min_value=1, max_value=100)),
    st.tuples(st.just("void"), pick),
    st.tuples(st.just("funding_run")),
)


@dataclass
class StreamModel:
    received: int
    available: int
    allowed: frozenset[str] | None  # None: any category
    top_ups: bool
    held: int = 0
    spent: int = 0

    def may_pay_for(self, category: str) -> bool:
        return self.allowed is None or category in self.allowed


@dataclass
class HoldModel:
    id: object
    stream: int
    amount: int
    status: HoldStatus = HoldStatus.PENDING


@dataclass
class World:
    """The real budget and what its money should be."""

    budget: Budget
    officer: object
    stream_ids: list[object]
    streams: list[StreamModel]
    holds: list[HoldModel] = field(default_factory=list)


async def make_world(nhs_pence: int, council_pence: int) -> World:
    tenant = await make_tenant()
    budget = await funded_budget(
        tenant, one_off(nhs_pence, "nhs-chc"), one_off(council_pence, top_ups_allowed=True)
    )
    ids = [s.id for s in await budget.streams.all().order_by("position")]
    models = [
        StreamModel(nhs_pence, nhs_pence, HEALTH, top_ups=False),
        StreamModel(council_pence, council_pence, None, top_ups=True),
    ]
    return World(budget, await officer_actor(tenant), ids, models)


def expect_hold(world: World, amount: int, category: str, only: int | None) -> object:
    """The stream index the ledger should choose, or the refusal it should give."""
    candidates = [only] if only is not None else [0, 1]
    eligible = [i for i in candidates if world.streams[i].may_pay_for(category)]
    if not eligible:
        return FundingRestricted
    for i in eligible:
        if world.streams[i].available >= amount:
            return i
    return NotEnoughMoney


async def apply(world: World, operation: tuple) -> None:
    """Do ``operation`` to the real ledger and to the model; check the outcome agrees."""
    kind, *args = operation
    budget, tenant_id = world.budget, world.budget.tenant_id
    if kind in ("fund", "top_up", "reduce"):
        index, amount = args
        model = world.streams[index]
        stream = await budget.streams.all().get(id=world.stream_ids[index])
        if kind == "top_up" and not model.top_ups:
            expected: object = FundingRestricted
        elif kind == "reduce" and model.available < amount:
            expected = NotEnoughMoney
        else:
            expected = None
        change = {
            "fund": lambda: adjustments.increase(world.officer, budget, stream, amount, "Review"),
            "top_up": lambda: adjustments.top_up(world.officer, budget, stream, amount, "Own"),
            "reduce": lambda: adjustments.reduce(world.officer, budget, stream, amount, "Review"),
        }[kind]
        await expect(expected, change)
        if expected is None:
            sign = -1 if kind == "reduce" else 1
            model.received += sign * amount
            model.available += sign * amount
    elif kind == "hold":
        amount, category, only = args
        expected = expect_hold(world, amount, category, only)
        stream_id = world.stream_ids[only] if only is not None else None
        hold = await expect(
            expected if isinstance(expected, type) else None,
            lambda: place_hold(budget, amount, category, "Service", "prop", stream_id=stream_id),
        )
        if isinstance(expected, int):
            assert hold.stream_id == world.stream_ids[expected]
            world.streams[expected].available -= amount
            world.streams[expected].held += amount
            world.holds.append(HoldModel(hold.id, expected, amount))
    elif kind in ("post", "void") and world.holds:
        hold = world.holds[args[0] % len(world.holds)]
        model = world.streams[hold.stream]
        pending = hold.status == HoldStatus.PENDING
        if kind == "post":
            percent = args[1]
            spent = hold.amount if percent is None else max(1, hold.amount * percent // 100)
            spend = None if percent is None else spent
            await expect(
                None if pending else HoldNotPending,
                lambda: post_hold(hold.id, tenant_id, spend, "Invoice", "prop"),
            )
        else:
            spent = 0
            await expect(
                None if pending else HoldNotPending,
                lambda: void_hold(hold.id, tenant_id, "Cancelled", "prop"),
            )
        if pending:
            hold.status = HoldStatus.POSTED if kind == "post" else HoldStatus.VOIDED
            model.held -= hold.amount
            model.spent += spent
            model.available += hold.amount - spent
    elif kind == "funding_run":
        assert await credit_due_instalments(tenant_id, uk_today(), budget_id=budget.id) == 0


async def expect(refusal: type[CarepurseError] | None, action) -> object:
    """Run ``action``; it must raise ``refusal`` (exactly that kind) or succeed if None."""
    result, error = None, None
    try:
        result = await action()
    except CarepurseError as raised:
        error = raised
    if refusal is None:
        assert error is None, f"unexpected {error!r}"
    else:
        assert type(error) is refusal, f"expected {refusal.__name__}, got {error!r}"
    return result


async def check_invariants(world: World) -> None:
    figures = await budget_figures(world.budget)
    for row, model, stream_id in zip(figures.streams, world.streams, world.stream_ids, strict=True):
        f = row.figures
        assert row.stream.id == stream_id
        assert f.received_pence == f.available_pence + f.held_pence + f.spent_pence
        assert min(f.received_pence, f.available_pence, f.held_pence, f.spent_pence) >= 0
        holds = await Hold.filter(stream_id=stream_id)
        assert f.held_pence == sum(h.amount_pence for h in holds if h.status == HoldStatus.PENDING)
        assert f.spent_pence == sum(h.posted_pence for h in holds if h.status == HoldStatus.POSTED)
        assert (f.received_pence, f.available_pence, f.held_pence, f.spent_pence) == (
            model.received,
            model.available,
            model.held,
            model.spent,
        )
    assert await verify_ledger(world.budget.tenant_id) == []


@settings(
    max_examples=30,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the tree; a failure prints its reproduction
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    nhs=st.integers(min_value=1, max_value=30_000),
    council=st.integers(min_value=1, max_value=30_000),
    steps=st.lists(operations, min_size=1, max_size=15),
)
async def test_any_sequence_of_money_movements_keeps_the_ledger_sound(db, nhs, council, steps):
    world = await make_world(nhs, council)
    await check_invariants(world)
    for operation in steps:
        await apply(world, operation)
        await check_invariants(world)
    assert await verify_ledger() == []
