"""Self-funders sign up without an officer, add their own money, and top it up later."""

from __future__ import annotations

import re

import pytest

from core.audit.models import AuditEvent
from core.budgets.access import get_budget
from core.budgets.adjustments import top_up
from core.budgets.figures import budget_figures
from core.budgets.models import Budget, FundingStream, Schedule
from core.budgets.schedule import uk_financial_year
from core.clock import uk_today
from core.email.models import EmailMessage
from core.errors import Conflict, InvalidInput
from core.identity.actor import Actor
from core.identity.models import Membership, User
from core.identity.permissions import PermissionDenied
from core.identity.roles import Permission
from core.ledger.verify import verify_ledger
from core.people import services
from core.people.models import PersonProfile
from tests.factories import make_tenant
from tests.functional.people.helpers import client_as
from tests.support.budgets import funded_budget
from tests.support.members import PASSWORD, SAME_ORIGIN, make_member

SIGN_UP = {
    "name": "Sam Self",
    "email": "sam@example.org",
    "postcode": "cr2 6xh",
    "password": "sam's long passphrase",
    "confirm": "sam's long passphrase",
}


async def sign_up(client, **changes):
    return await client.post("/sign-up", data=SIGN_UP | changes, headers=SAME_ORIGIN)


async def test_a_self_funder_signs_up_adds_their_own_money_and_tops_it_up(app, client_for):
    tenant = await make_tenant()
    client = client_for(tenant)
    sign_in_page = await client.get("/sign-in")
    assert (
        'href="/sign-up"' in sign_in_page.text and "Paying for your own care?" in sign_in_page.text
    )
    form = await client.get("/sign-up")
    assert form.status_code == 200 and form.text.count("<h1") == 1

    response = await sign_up(client)

    assert response.status_code == 303
    assert response.headers["location"] == "/my-money/start"
    user = await User.get(email="sam@example.org")
    member = await Membership.get(tenant_id=tenant.id, user_id=user.id)
    assert member.roles == ["person"]
    profile = await PersonProfile.get(membership_id=member.id)
    assert profile.self_funder and profile.postcode == "CR2 6XH"
    assert profile.date_of_birth is None
    assert await AuditEvent.filter(action="person_registered", target_id=str(member.id)).exists()

    start = await client.get("/my-money/start")  # signed in by the sign-up
    assert start.status_code == 200
    assert "How much of your own money do you want to add?" in start.text
    refused = await client.post("/my-money/start", data={"amount": "lots"}, headers=SAME_ORIGIN)
    assert refused.status_code == 400 and "Enter an amount in pounds" in refused.text
    refused = await client.post("/my-money/start", data={"amount": "0"}, headers=SAME_ORIGIN)
    assert refused.status_code == 400 and "Enter an amount above £0" in refused.text

    added = await client.post("/my-money/start", data={"amount": "£500"}, headers=SAME_ORIGIN)

    assert added.status_code == 303
    budget = await Budget.get(person_id=member.id)
    assert added.headers["location"] == f"/budgets/{budget.id}"
    assert (budget.period_start, budget.period_end) == uk_financial_year(uk_today())
    stream = await FundingStream.get(budget_id=budget.id)
    assert stream.funding_type == "self-funded" and stream.top_ups_allowed
    assert stream.schedule == Schedule.ONE_OFF and stream.instalment_pence == 50_000
    figures = (await budget_figures(budget)).total
    assert (figures.received_pence, figures.available_pence) == (50_000, 50_000)
    event = await AuditEvent.get(action="budget_allocated", target_id=str(budget.id))
    assert event.details["self_funded"] and event.details["amount_pence"] == 50_000

    # The start page now leads to the budget; a second one is not opened.
    again = await client.get("/my-money/start")
    assert again.status_code == 303 and again.headers["location"] == f"/budgets/{budget.id}"
    twice = await client.post("/my-money/start", data={"amount": "10"}, headers=SAME_ORIGIN)
    assert twice.headers["location"] == f"/budgets/{budget.id}"
    assert await Budget.filter(person_id=member.id).count() == 1

    actor = Actor(tenant=tenant, user=user, membership=member)
    budget = await get_budget(actor, budget.id, Permission.SPEND_BUDGET)
    await top_up(actor, budget, stream, 2_550, "Birthday money")
    figures = (await budget_figures(budget)).total
    assert figures.available_pence == 52_550
    assert await verify_ledger(tenant.id) == []


async def test_only_the_self_funder_opens_their_own_budget(app, client_for):
    tenant = await make_tenant()
    funded = await make_member(tenant, ["person"])
    await PersonProfile.create(tenant_id=tenant.id, membership=funded, self_funder=False)
    officer = await make_member(tenant, ["council_officer"])
    for member in (funded, officer):
        actor = Actor(tenant=tenant, user=member.user, membership=member)
        with pytest.raises(PermissionDenied):
            await services.open_self_funded_budget(actor, 10_000)
    assert not await Budget.exists()
    _, client = await client_as(client_for, tenant, ("person",))
    assert (await client.get("/my-money/start")).status_code == 403
    posted = await client.post("/my-money/start", data={"amount": "5"}, headers=SAME_ORIGIN)
    assert posted.status_code == 403
    anonymous = await client_for(tenant).get("/my-money/start")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in")


async def test_one_active_self_funded_budget_at_a_time_whatever_else_they_have(app):
    tenant = await make_tenant()
    user = await User.create(email="sue@example.org", display_name="Sue")
    member = await Membership.create(tenant=tenant, user=user, roles=["person"])
    await PersonProfile.create(tenant_id=tenant.id, membership=member, self_funder=True)
    await funded_budget(tenant, person=member)  # a council budget does not count
    actor = Actor(tenant=tenant, user=user, membership=member)
    budget = await services.open_self_funded_budget(actor, 1_000)
    assert await services.current_self_funded_budget(member) == budget
    with pytest.raises(Conflict):
        await services.open_self_funded_budget(actor, 1_000)
    with pytest.raises(InvalidInput):
        await services.open_self_funded_budget(actor, services.MAX_PENCE + 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter your full name"),
        ({"email": ""}, "Enter your email address"),
        ({"email": "sam.example.org"}, "Enter an email address, like name@example.com"),
        ({"postcode": ""}, "Enter a postcode, like SW1A 1AA"),
        ({"postcode": "V1 1AA"}, "Enter a real postcode, like SW1A 1AA"),
        ({"password": "short", "confirm": "short"}, "Your password must be at least 10"),
        ({"confirm": "something else"}, "Enter the same password twice"),
        (
            {"date_of_birth-day": "1", "date_of_birth-month": "1", "date_of_birth-year": "2999"},
            "Date of birth must be in the past",
        ),
    ],
)
async def test_sign_up_explains_each_problem(app, client_for, changes, message):
    tenant = await make_tenant()
    response = await sign_up(client_for(tenant), **changes)
    assert response.status_code == 400
    assert message in response.text
    assert not await PersonProfile.exists()


async def test_an_address_with_an_account_is_refused_without_saying_so(app, client_for):
    tenant, other = await make_tenant(), await make_tenant()
    await make_member(tenant, ["person"], email="here@example.org")
    await make_member(other, ["person"], email="elsewhere@example.org")

    texts = []
    for email in ("here@example.org", "elsewhere@example.org", "Here@Example.org "):
        response = await sign_up(client_for(tenant), email=email, name="Not Me")
        assert response.status_code == 400
        assert services.SIGN_UP_REFUSAL in response.text
        assert 'href="/forgotten-password"' in response.text and 'href="/sign-in"' in response.text
        # The page is the same whoever the address belongs to (apart from the form token).
        texts.append(re.sub(r'name="csrf_token" value="[^"]*"', "", response.text))
    assert texts[0].replace("here@", "X@") == texts[1].replace("elsewhere@", "X@")
    assert not await User.exists(display_name="Not Me")
    assert await Membership.filter(tenant_id=tenant.id).count() == 1
    # The owners are told, by email, how to sign in instead.
    notice = await EmailMessage.filter(to_address="here@example.org").first()
    assert notice is not None and "/forgotten-password" in notice.body_text
    assert await EmailMessage.filter(to_address="elsewhere@example.org").exists()


async def test_someone_with_an_account_at_another_council_joins_with_its_password(app, client_for):
    tenant, other = await make_tenant(), await make_tenant()
    elsewhere = await make_member(other, ["person"], email="ann@example.org", name="Ann")
    client = client_for(tenant)
    response = await sign_up(client, email="ann@example.org", password=PASSWORD, confirm=PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/my-money/start"
    member = await Membership.get(tenant_id=tenant.id, user_id=elsewhere.user.id)
    profile = await PersonProfile.get(membership_id=member.id)
    assert profile.self_funder and profile.postcode == "CR2 6XH"
    assert (await client.get("/my-money/start")).status_code == 200


async def test_sign_ups_from_one_address_are_throttled(app, client_for):
    tenant = await make_tenant()
    client = client_for(tenant)
    for number in range(services.SIGN_UPS_PER_WINDOW):
        response = await sign_up(client_for(tenant), email=f"person{number}@example.org")
        assert response.status_code == 303
    throttled = await sign_up(client, email="one.more@example.org")
    assert throttled.status_code == 429
    assert "too many attempts to create an account" in throttled.text
    assert not await User.exists(email="one.more@example.org")


async def test_signed_in_members_are_sent_to_their_account(app, client_for):
    tenant = await make_tenant()
    _, client = await client_as(client_for, tenant, ("person",))
    for response in (await client.get("/sign-up"), await sign_up(client)):
        assert response.status_code == 303 and response.headers["location"] == "/account"
    assert not await User.exists(email="sam@example.org")
