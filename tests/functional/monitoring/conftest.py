"""Councils at each monitoring level, and a budget whose planned spending outruns it."""

from __future__ import annotations

from datetime import date, timedelta

from core.budgets.commitments import plan_spending
from core.budgets.models import Budget, Schedule
from core.clock import uk_today
from tenants.models import Tenant
from tests.factories import make_tenant
from tests.support.budgets import funded_budget, officer_actor, one_off
from tests.support.members import make_member

NOTIFY = ["care.finance@example.org", "budgets.team@example.org"]


def period() -> tuple[date, date]:
    """A six-month period that began ten days ago, whatever today is."""
    today = uk_today()
    return today - timedelta(days=10), today + timedelta(days=180)


async def council(level: str | None, registry, **config) -> Tenant:
    """A council with the budget-monitoring plugin at ``level`` (``None``: no plugin)."""
    if level is None:
        return await make_tenant(registry=registry)
    settings = {"level": level, "notify_emails": NOTIFY, **config}
    return await make_tenant(registry=registry, plugins={"budget-monitoring": settings})


async def budget_with_plan(
    tenant: Tenant,
    *,
    funding_pence: int = 100_000,
    weekly_pence: int | None = 10_000,
    name: str = "Olive Overspender",
) -> Budget:
    """£1,000 now; £100 a week of planned care from today runs out in ten weeks."""
    person = await make_member(tenant, ["person"], name=name)
    budget = await funded_budget(tenant, one_off(funding_pence), person=person, period=period())
    if weekly_pence:
        await plan_spending(
            await officer_actor(tenant), budget, "Home care", weekly_pence, Schedule.WEEKLY,
            uk_today(),
        )  # fmt: skip
    return budget
