"""The council's monitoring page shows what its level allows: outcomes, exceptions, or all."""

from __future__ import annotations

import re

import pytest

from core.clock import uk_today
from core.ledger.holds import place_hold
from core.monitoring.services import evaluate_exceptions
from tests.functional.monitoring.conftest import budget_with_plan, council
from tests.support.members import make_member, signed_in_client


def rows(page: str, table_id: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    return (
        re.findall(r'<tr class="govuk-table__row"[^>]*>(.*?)</tr>', table.group(0), re.S)[1:]
        if table
        else []
    )


async def officer_client(client_for, tenant, role: str = "council_officer"):
    member = await make_member(tenant, [role], email=f"{role}@{tenant.slug}.example")
    return await signed_in_client(client_for(tenant), member)


async def test_a_council_without_monitoring_sees_outcomes_only(app, client_for, registry):
    tenant = await council(None, registry)
    budget = await budget_with_plan(tenant, name="Nadia Private")
    await place_hold(budget, 2_500, "leisure", "Swimming lessons", "test")
    await evaluate_exceptions(app.state.runtime, tenant.id, uk_today())

    page = await (await officer_client(client_for, tenant)).get("/council/monitoring")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1 and "Budget monitoring" in page.text
    assert "sees outcomes only" in page.text
    outcomes = re.search(r'<dl class="govuk-summary-list" id="outcomes">.*?</dl>', page.text, re.S)
    assert outcomes and ">1<" in outcomes.group(0)  # one active budget
    assert "£1,000.00" in outcomes.group(0) and "£25.00" in outcomes.group(0)
    # Nothing about any one person: no names, no budgets, no transactions.
    assert "Nadia Private" not in page.text and str(budget.id) not in page.text
    assert "Swimming lessons" not in page.text
    assert 'id="exception-list"' not in page.text and 'id="transactions"' not in page.text


async def test_an_exception_council_sees_its_open_exceptions_linking_to_the_budget(
    app, client_for, registry
):
    tenant = await council("exception", registry)
    budget = await budget_with_plan(tenant, name="Olive Overspender")
    await place_hold(budget, 2_500, "leisure", "Swimming lessons", "test")
    client = await officer_client(client_for, tenant)
    before = await client.get("/council/monitoring")
    assert 'id="no-exceptions"' in before.text and "have not been checked yet" in before.text

    await evaluate_exceptions(app.state.runtime, tenant.id, uk_today())
    page = await client.get("/council/monitoring")
    [row] = rows(page.text, "exception-list")
    assert f'href="/budgets/{budget.id}"' in row and "Olive Overspender" in row
    assert "Overspend" in row and "Runs out on" in row
    assert uk_today().isoformat() in row  # since when
    assert "Swimming lessons" not in page.text and 'id="transactions"' not in page.text


async def test_a_full_council_also_sees_every_transaction_newest_first_a_page_at_a_time(
    app, client_for, registry
):
    tenant = await council("full", registry)
    first = await budget_with_plan(tenant, name="Fern Fullview", weekly_pence=None)
    other = await budget_with_plan(tenant, name="Gus Second", weekly_pence=None)
    for n in range(54):
        await place_hold(first, 100 + n, "leisure", f"Swim {n}", "test")
    await place_hold(other, 4_321, "transport", "Taxi to the day centre", "test")
    # 2 funding entries, 55 holds: 57 in all.
    client = await officer_client(client_for, tenant, "council_admin")

    page = await client.get("/council/monitoring")
    newest = rows(page.text, "transaction-list")
    assert len(newest) == 50
    assert "Gus Second" in newest[0] and "Taxi to the day centre" in newest[0]
    assert "£43.21" in newest[0] and "Committed" in newest[0]
    assert f'href="/budgets/{other.id}"' in newest[0]
    assert "Swim 53" in newest[1] and "£1.53" in newest[1]
    older_link = re.search(r'href="(/council/monitoring\?before=\d+#transactions)"', page.text)
    assert older_link and "Newer transactions" not in page.text

    older = await client.get(older_link.group(1).replace("#transactions", ""))
    rest = rows(older.text, "transaction-list")
    assert len(rest) == 7
    assert "Money received" in rest[-1] and "£1,000.00" in rest[-1]
    assert "Older transactions" not in older.text
    newer_link = re.search(r'href="/council/monitoring\?(after=\d+)#transactions"', older.text)
    assert newer_link
    back = await client.get(f"/council/monitoring?{newer_link.group(1)}")
    assert rows(back.text, "transaction-list") == newest

    # A mangled or foreign position shows the newest page, never an error.
    for junk in ("before=abc", "after=-1", "before=99999999999999999999999"):
        assert (
            len(rows((await client.get(f"/council/monitoring?{junk}")).text, "transaction-list"))
            == 50
        )


async def test_transactions_are_the_councils_own(app, client_for, registry):
    ours = await council("full", registry)
    theirs = await council("full", registry)
    await budget_with_plan(ours, name="Our Person", weekly_pence=None)
    await budget_with_plan(theirs, name="Their Secret Person", weekly_pence=None)
    await evaluate_exceptions(app.state.runtime, theirs.id, uk_today())
    page = await (await officer_client(client_for, ours)).get("/council/monitoring")
    assert "Our Person" in page.text and "Their Secret Person" not in page.text


@pytest.mark.parametrize("role", ["person", "broker"])
async def test_only_council_staff_may_see_monitoring(app, client_for, registry, role):
    tenant = await council("full", registry)
    await budget_with_plan(tenant, name="Private Person")
    member = await make_member(tenant, [role], email=f"someone@{tenant.slug}.example")
    client = await signed_in_client(client_for(tenant), member)
    refused = await client.get("/council/monitoring")
    assert refused.status_code == 403 and "Private Person" not in refused.text

    anonymous = await client_for(tenant).get("/council/monitoring")
    assert anonymous.status_code in (302, 303) and "/sign-in" in anonymous.headers["location"]
