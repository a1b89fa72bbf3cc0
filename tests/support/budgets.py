"""Budgets for tests: an officer actor and a person with an allocated budget."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.budgets.allocation import StreamSpec, allocate_budget
from core.budgets.models import Budget, Schedule
from core.identity.actor import Actor
from core.identity.models import Membership
from tenants.models import Tenant
from tests.support.members import make_member


async def officer_actor(tenant: Tenant) -> Actor:
    officer = await make_member(tenant, ["council_officer"], name="Olu Officer")
    return Actor(tenant=tenant, user=officer.user, membership=officer)


def one_off(pence: int, funding_type: str = "council-care", **extra: Any) -> StreamSpec:
    return StreamSpec(
        funding_type=funding_type, instalment_pence=pence, schedule=Schedule.ONE_OFF, **extra
    )


async def funded_budget(
    tenant: Tenant,
    *streams: StreamSpec,
    person: Membership | None = None,
    period: tuple[date, date] | None = None,
) -> Budget:
    """A person (new unless given) with a budget of ``streams`` (default: £1,000 one-off)."""
    person = person or await make_member(tenant, ["person"], name="Bea Budget")
    actor = await officer_actor(tenant)
    start, end = period or (None, None)
    return await allocate_budget(
        actor, person, list(streams) or [one_off(100_000)], period_start=start, period_end=end
    )
