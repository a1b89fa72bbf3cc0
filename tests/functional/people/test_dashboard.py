"""The dashboard of everyone a broker (or family member) supports, with money and warnings."""

from __future__ import annotations

from datetime import timedelta

from core.budgets.figures import Figures
from core.budgets.forecast import Forecast
from core.budgets.models import RecurringCommitment, Schedule
from core.clock import uk_today
from core.identity.models import AccessKind, AccessLevel, PersonAccess
from core.ledger.holds import place_hold, post_hold
from core.people.services import warning_for, whole_pounds
from tests.factories import make_tenant
from tests.functional.people.helpers import client_as
from tests.support.budgets import funded_budget, one_off
from tests.support.members import make_member


async def supported(tenant, broker, name, access=AccessLevel.MANAGE):
    person = await make_member(tenant, ["person"], name=name)
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=broker, kind=AccessKind.BROKER, access=access
    )
    return person


def period():
    today = uk_today()
    return today - timedelta(days=1), today + timedelta(days=180)


def runs_out_words(day):
    year = "" if day.year == uk_today().year else f" {day.year}"
    return f"Runs out on {day.day} {day:%B}{year}"


async def test_a_broker_sees_everyone_they_manage_with_money_and_warnings(app, client_for):
    tenant = await make_tenant()
    broker, client = await client_as(client_for, tenant, ("broker",), name="Brenda Broker")
    today = uk_today()

    # Alice: £100 and £30 a week of care from today: short on the fourth week.
    alice = await supported(tenant, broker, "Alice Short")
    short = await funded_budget(tenant, one_off(10_000), person=alice, period=period())
    await RecurringCommitment.create(
        tenant_id=tenant.id,
        budget=short,
        description="Home care",
        amount_pence=3_000,
        schedule=Schedule.WEEKLY,
        starts_on=today,
    )
    # Bob: £1,000, £120 committed and £80 spent, nothing planned: most will be left.
    bob = await supported(tenant, broker, "Bob Plenty", AccessLevel.REVIEW)
    plenty = await funded_budget(tenant, one_off(100_000), person=bob, period=period())
    await place_hold(plenty, 12_000, "leisure", "Swimming", "test")
    spent = await place_hold(plenty, 8_000, "leisure", "Cinema", "test")
    await post_hold(spent.id, tenant.id, 8_000, "Invoice 1", "test")
    # Cara: no budget yet. Someone else's person, and another council's, are not shown.
    await supported(tenant, broker, "Cara Nobudget")
    await funded_budget(tenant, person=await make_member(tenant, ["person"], name="Not Mine"))
    other = await make_tenant()
    await funded_budget(other, person=await make_member(other, ["person"], name="Elsewhere"))

    page = await client.get("/broker")

    assert page.status_code == 200 and page.text.count("<h1") == 1
    text = page.text
    assert text.index("Alice Short") < text.index("Bob Plenty") < text.index("Cara Nobudget")
    assert "Not Mine" not in text and "Elsewhere" not in text
    assert "3 people" in text
    assert runs_out_words(today + timedelta(days=21)) in text
    assert "£800 likely unspent" in text
    for figure in ("£100.00", "£800.00", "£120.00", "£80.00"):
        assert figure in text, figure
    assert "No budget at the moment" in text
    assert f'href="/budgets/{short.id}"' in text and f'href="/budgets/{plenty.id}"' in text
    assert f'href="/people/{alice.id}">Act for' in text
    assert f'href="/people/{bob.id}">See' in text  # review access: see, not act


async def test_the_account_page_links_to_the_dashboard_only_for_supporters(app, client_for):
    tenant = await make_tenant()
    broker, client = await client_as(client_for, tenant, ("broker",))
    assert 'href="/broker"' not in (await client.get("/account")).text
    empty = await client.get("/broker")
    assert empty.status_code == 200 and "You do not support anyone yet" in empty.text

    await supported(tenant, broker, "Alice Short")
    assert 'href="/broker"' in (await client.get("/account")).text
    assert (await client_for(tenant).get("/broker")).status_code == 303  # not signed in


async def test_family_members_see_the_people_they_support_too(app, client_for):
    tenant = await make_tenant()
    family, client = await client_as(client_for, tenant, ())
    person = await make_member(tenant, ["person"], name="Dora Wilkins")
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=family, kind=AccessKind.CIRCLE, access="review"
    )
    expired = await make_member(tenant, ["person"], name="Gone Away")
    await PersonAccess.create(
        tenant=tenant,
        person=expired,
        grantee=family,
        kind=AccessKind.CIRCLE,
        access="manage",
        expires_on=uk_today() - timedelta(days=1),
    )
    await funded_budget(tenant, one_off(50_000), person=person, period=period())
    page = await client.get("/broker")
    assert "Dora Wilkins" in page.text and "Gone Away" not in page.text


def outlook(**values):
    today = uk_today()
    base = dict(
        today=today,
        period_end=today + timedelta(days=100),
        available_now_pence=0,
        still_to_arrive_pence=0,
        planned_spending_pence=0,
        end_balance_pence=0,
        runs_out_on=None,
        shortfall_pence=0,
    )
    return Forecast(**(base | values))


def test_warnings_follow_the_councils_underspend_threshold():
    money = Figures(received_pence=100_000, held_pence=0, spent_pence=0, available_pence=100_000)
    assert warning_for(outlook(end_balance_pence=20_000), money, 20) is None  # exactly 20%
    assert warning_for(outlook(end_balance_pence=20_001), money, 20) == (
        "£200.01 likely unspent",
        "underspend",
    )
    assert warning_for(outlook(end_balance_pence=82_000), money, 90) is None
    day = uk_today() + timedelta(days=3)
    assert warning_for(outlook(runs_out_on=day, end_balance_pence=-5), money, 20) == (
        runs_out_words(day),
        "overspend",
    )
    assert whole_pounds(82_000) == "£820" and whole_pounds(82_050) == "£820.50"
