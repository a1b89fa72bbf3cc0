"""A council officer reads the budget monitoring page in a real browser; axe on each level."""

from __future__ import annotations

import pytest

from core.clock import uk_today
from core.ledger.holds import place_hold
from core.monitoring.services import evaluate_exceptions
from core.runtime import Runtime
from tests.factories import make_tenant
from tests.functional.monitoring.conftest import budget_with_plan
from tests.support.accessibility import assert_accessible
from tests.support.browser import sign_in_page
from tests.support.members import make_member

pytestmark = pytest.mark.browser


async def sign_in(page, site, slug, email):
    await sign_in_page(page, site, slug, email, "/council/monitoring")


async def test_full_monitoring_then_outcomes_only(page, site, settings, registry):
    full = await make_tenant(
        "fullham",
        registry=registry,
        plugins={"budget-monitoring": {"level": "full", "notify_emails": ["a@example.org"]}},
    )
    budget = await budget_with_plan(full, name="Olive Overspender")
    for n in range(55):
        await place_hold(budget, 100 + n, "leisure", f"Swim {n}", "test")
    await evaluate_exceptions(Runtime.build(settings, registry), full.id, uk_today())
    officer = await make_member(full, ["council_officer"], email="officer@fullham.example")

    await sign_in(page, site, "fullham", officer.user.email)
    await assert_accessible(page)
    assert await page.get_by_role("heading", name="Budgets that need attention").is_visible()
    await page.get_by_role("link", name="Next page").click()
    await page.wait_for_url("**/council/monitoring?before=*")
    await assert_accessible(page)
    assert await page.get_by_role("link", name="Budget of Olive Overspender").is_visible()

    quiet = await make_tenant("quietby", registry=registry)
    await budget_with_plan(quiet, name="Nadia Private")
    officer = await make_member(quiet, ["council_officer"], email="officer@quietby.example")
    await page.context.clear_cookies()
    await sign_in(page, site, "quietby", officer.user.email)
    await assert_accessible(page)
    assert "Nadia Private" not in await page.content()
