"""An officer registers a person, and the person or whoever manages for them is invited."""

from __future__ import annotations

import re
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from core.audit.models import AuditEvent
from core.clock import uk_today
from core.email.models import EmailMessage
from core.errors import InvalidInput
from core.identity.actor import Actor
from core.identity.models import AccessKind, AccessLevel, Invitation, Membership, PersonAccess, User
from core.identity.permissions import PermissionDenied
from core.people import services
from core.people.models import BudgetManager, ContactPreference, PersonProfile
from tests.factories import make_tenant
from tests.functional.people.helpers import client_as, registration
from tests.support.members import PASSWORD, SAME_ORIGIN, make_member, sign_in


async def register(client, **changes):
    return await client.post(
        "/council/people/new", data=registration(**changes), headers=SAME_ORIGIN
    )


async def test_officer_registers_a_person_who_is_emailed_a_link_to_sign_in(app, client_for):
    tenant = await make_tenant()
    _, client = await client_as(client_for, tenant)
    form = await client.get("/council/people/new")
    assert form.status_code == 200
    assert form.text.count("<h1") == 1 and "Register a person" in form.text

    response = await register(client, phone="+44 7700 900982")

    assert response.status_code == 303
    member = await Membership.get(user__email="dora@example.org").prefetch_related("user")
    assert response.headers["location"] == f"/people/{member.id}/details?registered=link"
    assert member.roles == ["person"] and member.user.display_name == "Dora Wilkins"
    profile = await PersonProfile.get(membership_id=member.id)
    assert profile.tenant_id == tenant.id
    assert profile.date_of_birth == date(1947, 3, 27)
    assert profile.address == "12 Mill Lane\nRiverbend"
    assert profile.postcode == "SW1A 1AA"
    assert profile.phone == "07700 900982"
    assert profile.contact_preference == ContactPreference.EMAIL
    assert profile.budget_manager == BudgetManager.PERSON and not profile.self_funder
    email = await EmailMessage.get(to_address="dora@example.org")
    assert "/invitations/" in email.body_text
    event = await AuditEvent.get(tenant_id=tenant.id, action="person_registered")
    assert event.target_id == str(member.id)
    assert event.details["budget_manager"] == "person" and event.details["sign_in_link_sent"]
    assert "1947" not in str(event.details) and "Mill Lane" not in str(event.details)

    page = await client.get(response.headers["location"])
    assert "Dora Wilkins is registered." in page.text
    assert "We have emailed dora@example.org a link to set up their sign-in" in page.text


async def test_a_family_member_who_manages_is_invited_with_manage_access(app, client_for):
    tenant = await make_tenant()
    _, client = await client_as(client_for, tenant)

    response = await register(
        client,
        email="",
        invite_person=None,
        contact_preference="letter",
        budget_manager="circle",
        manager_email="Nina@Example.org ",
    )

    assert response.status_code == 303, response.text
    member = await Membership.get(tenant_id=tenant.id, user__display_name="Dora Wilkins")
    invitation = await Invitation.get(person_id=member.id)
    assert invitation.email == "nina@example.org" and invitation.access == AccessLevel.MANAGE
    email = await EmailMessage.get(to_address="nina@example.org")
    assert "see and manage" in email.body_text
    assert not await EmailMessage.filter(purpose="welcome").exists()  # Dora has no email
    page = await client.get(response.headers["location"])
    assert "We have emailed nina@example.org an invitation to help manage the budget" in page.text

    # Nina accepts and is now the family member managing the budget.
    token = re.search(r"/invitations/(\S+)", email.body_text).group(1)
    nina = client_for(tenant)
    accepted = await nina.post(
        f"/invitations/{token}",
        data={"name": "Nina Wilkins", "password": PASSWORD, "confirm": PASSWORD},
        headers=SAME_ORIGIN,
    )
    assert accepted.status_code == 303
    access = await PersonAccess.get(person_id=member.id).prefetch_related("grantee__user")
    assert (access.kind, access.access) == (AccessKind.CIRCLE, AccessLevel.MANAGE)
    details = await nina.get(f"/people/{member.id}/details")
    assert "A family member or friend: Nina Wilkins" in details.text


async def test_a_broker_who_manages_is_appointed_at_once(app, client_for):
    tenant = await make_tenant()
    broker = await make_member(tenant, ["broker"], name="Brenda Broker")
    _, client = await client_as(client_for, tenant)

    response = await register(client, budget_manager="broker", broker=str(broker.id))

    assert response.status_code == 303, response.text
    member = await Membership.get(user__email="dora@example.org")
    access = await PersonAccess.get(person_id=member.id)
    assert access.grantee_id == broker.id
    assert (access.kind, access.access) == (AccessKind.BROKER, AccessLevel.MANAGE)
    profile = await PersonProfile.get(membership_id=member.id)
    assert profile.manager_id == broker.id and profile.budget_manager == BudgetManager.BROKER
    page = await client.get(response.headers["location"])
    assert "Brenda Broker can now manage the budget" in page.text

    broker_client = client_for(tenant)
    await sign_in(broker_client, broker.user.email)
    dashboard = await broker_client.get("/broker")
    assert "Dora Wilkins" in dashboard.text


async def test_the_council_managing_needs_nothing_more_and_no_email_is_needed(app, client_for):
    tenant = await make_tenant()
    _, client = await client_as(client_for, tenant)

    response = await register(
        client, email="", invite_person=None, contact_preference="phone", budget_manager="council"
    )

    assert response.status_code == 303, response.text
    user = await User.get(display_name="Dora Wilkins")
    assert user.email is None and user.password_hash is None
    assert not await EmailMessage.exists()
    assert not await PersonAccess.exists()
    assert not await Invitation.exists()


async def test_an_admin_may_register_too_but_not_people_or_brokers(app, client_for):
    tenant = await make_tenant()
    _, admin = await client_as(client_for, tenant, ("council_admin",))
    assert (await register(admin)).status_code == 303

    for roles in (("person",), ("broker",), ("provider_owner",)):
        _, client = await client_as(client_for, tenant, roles)
        assert (await client.get("/council/people/new")).status_code == 403
        refused = await register(client, email="x@example.org", name="Not Registered")
        assert refused.status_code == 403
    assert not await User.exists(display_name="Not Registered")
    anonymous = await client_for(tenant).get("/council/people/new")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in")


async def test_console_lists_the_register_section_for_officers(app, client_for):
    tenant = await make_tenant()
    _, client = await client_as(client_for, tenant)
    home = await client.get("/council")
    assert 'href="/council/people/new"' in home.text


async def test_an_email_already_in_the_council_is_a_conflict(app, client_for):
    tenant = await make_tenant()
    await make_member(tenant, ["person"], email="dora@example.org")
    _, client = await client_as(client_for, tenant)
    response = await register(client)
    assert response.status_code == 409
    assert "dora@example.org already has an account with this council" in response.text


async def test_an_empty_form_names_every_field(app, client_for):
    tenant = await make_tenant()
    _, client = await client_as(client_for, tenant)
    response = await client.post("/council/people/new", data={}, headers=SAME_ORIGIN)
    assert response.status_code == 400
    for message in (
        "Enter their full name",
        "Enter a date of birth",
        "Enter their address",
        "Enter a postcode, like SW1A 1AA",
        "Choose how they like to be contacted",
        "Choose who will manage the budget",
    ):
        assert message in response.text, message
    for anchor in ("#name", "#date_of_birth", "#address", "#postcode", "#budget_manager"):
        assert f'href="{anchor}"' in response.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"date_of_birth-day": "31", "date_of_birth-month": "2"},
            "date_of_birth",
            "must be a real date",
        ),
        ({"date_of_birth-year": "47"}, "date_of_birth", "must be a real date"),
        ({"date_of_birth-year": str(uk_today().year + 1)}, "date_of_birth", "must be in the past"),
        ({"date_of_birth-year": "1890"}, "date_of_birth", "less than 120 years ago"),
        ({"postcode": "QA1 1AA"}, "postcode", "Enter a real postcode, like SW1A 1AA"),
        ({"postcode": "SW1A 1AC"}, "postcode", "Enter a real postcode, like SW1A 1AA"),
        ({"postcode": "A12 77Y"}, "postcode", "Enter a real postcode, like SW1A 1AA"),
        ({"name": "x" * 121}, "name", "120 characters or fewer"),
        ({"address": "x" * 301}, "address", "300 characters or fewer"),
        ({"email": "dora.example.org"}, "email", "Enter an email address, like name@example.com"),
        ({"email": ""}, "email", "or choose another way to contact them"),
        (
            {"email": "", "contact_preference": "letter"},
            "email",
            "so we can send them a link to sign in",
        ),
        ({"phone": "12345"}, "phone", "Enter a UK phone number"),
        ({"phone": "", "contact_preference": "phone"}, "phone", "Enter a phone number, or choose"),
        ({"phone": "", "contact_preference": "text"}, "phone", "Enter a mobile number, or choose"),
        (
            {"phone": "020 7946 0000", "contact_preference": "text"},
            "phone",
            "Enter a mobile number, like 07700 900 982, to get text messages",
        ),
        ({"contact_preference": "pigeon"}, "contact_preference", "Choose how they like"),
        ({"budget_manager": "neighbour"}, "budget_manager", "Choose who will manage the budget"),
        ({"budget_manager": "circle"}, "manager_email", "Enter the email address of the family"),
        (
            {"budget_manager": "circle", "manager_email": "dora@example.org"},
            "manager_email",
            "someone other than the person",
        ),
        ({"budget_manager": "broker"}, "broker", "Choose a broker"),
        ({"budget_manager": "broker", "broker": "not-an-id"}, "broker", "Choose a broker"),
    ],
)
async def test_each_field_is_checked_with_a_plain_message(app, client_for, changes, field, message):
    tenant = await make_tenant()
    _, client = await client_as(client_for, tenant)
    response = await register(client, **changes)
    assert response.status_code == 400
    assert message in response.text
    assert f'href="#{field}"' in response.text
    assert not await PersonProfile.exists()


async def test_a_broker_must_be_an_active_broker_of_this_council(app, client_for):
    tenant, other = await make_tenant(), await make_tenant()
    elsewhere = await make_member(other, ["broker"])
    not_a_broker = await make_member(tenant, ["person"])
    _, client = await client_as(client_for, tenant)
    for candidate in (elsewhere, not_a_broker):
        response = await register(client, budget_manager="broker", broker=str(candidate.id))
        assert response.status_code == 400 and "Choose a broker" in response.text
    assert not await PersonAccess.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("M1 1AA", "M1 1AA"),
        ("m601nw", "M60 1NW"),
        (" CR2  6XH ", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("w1a1hq", "W1A 1HQ"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
async def test_postcodes_are_stored_in_the_usual_form(app, client_for, typed, stored):
    tenant = await make_tenant()
    _, client = await client_as(client_for, tenant)
    assert (await register(client, postcode=typed)).status_code == 303
    assert (await PersonProfile.get()).postcode == stored


async def test_the_service_refuses_actors_without_council_permission(app):
    tenant = await make_tenant()
    person = await make_member(tenant, ["person"])
    actor = Actor(tenant=tenant, user=person.user, membership=person)
    with pytest.raises(PermissionDenied):
        await services.register_person(
            actor,
            name="X",
            date_of_birth=date(1950, 1, 1),
            address="1 Road",
            postcode="M1 1AA",
            site_url="http://x/",
        )
    assert await AuditEvent.filter(action="permission_refused").exists()


async def test_the_service_reports_every_problem_at_once(app):
    tenant = await make_tenant()
    officer = await make_member(tenant, ["council_officer"])
    actor = Actor(tenant=tenant, user=officer.user, membership=officer)
    with pytest.raises(InvalidInput) as refused:
        await services.register_person(
            actor,
            name="",
            date_of_birth=uk_today() + relativedelta(days=1),
            address="",
            postcode="nope",
            phone="1",
            contact_preference="text",
            budget_manager="circle",
            site_url="http://x/",
        )
    assert {p.field for p in refused.value.problems} == {
        "name",
        "date_of_birth",
        "address",
        "postcode",
        "phone",
        "manager_email",
    }
