"""A person's details: who may see them, who may change them, and what is checked."""

from __future__ import annotations

from datetime import date

from core.audit.models import AuditEvent
from core.identity.models import AccessKind, AccessLevel, PersonAccess, User
from core.people.models import ContactPreference, PersonProfile
from tests.factories import make_tenant
from tests.functional.people.helpers import client_as
from tests.support.members import SAME_ORIGIN, make_member, sign_in

CHANGED = {
    "name": "Dora May Wilkins",
    "date_of_birth-day": "1",
    "date_of_birth-month": "4",
    "date_of_birth-year": "1946",
    "address": "3 New Street\nRiverbend",
    "postcode": "m60 1nw",
    "phone": "01632 960001",
    "contact_preference": "phone",
}


async def dora(tenant, **profile):
    person = await make_member(tenant, ["person"], name="Dora Wilkins", email="dora@example.org")
    defaults = {
        "date_of_birth": date(1947, 3, 27),
        "address": "12 Mill Lane",
        "postcode": "SW1A 1AA",
        "contact_preference": ContactPreference.EMAIL,
    }
    await PersonProfile.create(tenant_id=tenant.id, membership=person, **(defaults | profile))
    return person


async def supporter(tenant, person, access, kind=AccessKind.CIRCLE):
    helper = await make_member(tenant, ["broker"] if kind == AccessKind.BROKER else [])
    await PersonAccess.create(
        tenant=tenant, person=person, grantee=helper, kind=kind, access=access
    )
    return helper


async def test_an_officer_sees_and_changes_a_persons_details(app, client_for):
    tenant = await make_tenant()
    person = await dora(tenant)
    _, client = await client_as(client_for, tenant)

    page = await client.get(f"/people/{person.id}/details")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    assert 'value="12 Mill Lane"' not in page.text and "12 Mill Lane</textarea>" in page.text
    assert 'name="date_of_birth-year" type="text" inputmode="numeric" value="1947"' in page.text

    saved = await client.post(f"/people/{person.id}/details", data=CHANGED, headers=SAME_ORIGIN)

    assert saved.status_code == 303
    assert saved.headers["location"] == f"/people/{person.id}/details?saved=1"
    profile = await PersonProfile.get(membership_id=person.id)
    assert (profile.date_of_birth, profile.postcode, profile.phone) == (
        date(1946, 4, 1),
        "M60 1NW",
        "01632 960001",
    )
    assert profile.address == "3 New Street\nRiverbend"
    assert profile.contact_preference == ContactPreference.PHONE
    assert (await User.get(id=person.user.id)).display_name == "Dora May Wilkins"
    event = await AuditEvent.get(action="profile_changed")
    assert event.details == {
        "changed": [
            "address",
            "contact_preference",
            "date_of_birth",
            "name",
            "phone",
            "postcode",
        ]
    }
    assert "The details have been saved" in (await client.get(saved.headers["location"])).text


async def test_the_person_changes_their_own_details_in_their_own_words(app, client_for):
    tenant = await make_tenant()
    person = await dora(tenant)
    client = client_for(tenant)
    await sign_in(client, person.user.email)
    account = await client.get("/account")
    assert f'href="/people/{person.id}/details"' in account.text
    page = await client.get(f"/people/{person.id}/details")
    assert "Your details" in page.text

    refused = await client.post(
        f"/people/{person.id}/details",
        data=CHANGED | {"name": "", "contact_preference": ""},
        headers=SAME_ORIGIN,
    )
    assert refused.status_code == 400
    assert "Enter your full name" in refused.text
    assert "Choose how you like to be contacted" in refused.text

    saved = await client.post(f"/people/{person.id}/details", data=CHANGED, headers=SAME_ORIGIN)
    assert saved.status_code == 303


async def test_manage_members_and_brokers_change_details_review_members_only_see(app, client_for):
    tenant = await make_tenant()
    person = await dora(tenant)
    for access, kind, allowed in (
        (AccessLevel.MANAGE, AccessKind.CIRCLE, True),
        (AccessLevel.MANAGE, AccessKind.BROKER, True),
        (AccessLevel.REVIEW, AccessKind.CIRCLE, False),
    ):
        helper = await supporter(tenant, person, access, kind)
        client = client_for(tenant)
        await sign_in(client, helper.user.email)
        page = await client.get(f"/people/{person.id}/details")
        assert page.status_code == 200
        assert ("Save details" in page.text) is allowed
        assert ("You can see these details but not change them" in page.text) is not allowed
        if not allowed:
            # (the manage members above have already saved the changed details)
            assert "3 New Street<br>Riverbend<br>M60 1NW" in page.text
            assert "1 April 1946" in page.text and "Phone call" in page.text
        response = await client.post(
            f"/people/{person.id}/details", data=CHANGED, headers=SAME_ORIGIN
        )
        assert response.status_code == (303 if allowed else 403)


async def test_people_without_access_and_other_councils_get_not_found(app, client_for):
    tenant, other = await make_tenant(), await make_tenant()
    person = await dora(tenant)
    stranger_here = await make_member(tenant, ["person"])
    _, officer_elsewhere = await client_as(client_for, other)
    for client in (
        officer_elsewhere,
        (await client_as(client_for, tenant, ("broker",)))[1],
        (await client_as(client_for, tenant, ("person",)))[1],
    ):
        assert (await client.get(f"/people/{person.id}/details")).status_code == 404
        posted = await client.post(
            f"/people/{person.id}/details", data=CHANGED, headers=SAME_ORIGIN
        )
        assert posted.status_code == 404
    assert (await PersonProfile.get(membership_id=person.id)).postcode == "SW1A 1AA"
    assert stranger_here.id != person.id
    assert (await client_for(tenant).get(f"/people/{person.id}/details")).status_code == 303


async def test_recorded_details_can_be_corrected_but_not_removed(app, client_for):
    tenant = await make_tenant()
    person = await dora(tenant)
    _, client = await client_as(client_for, tenant)
    response = await client.post(
        f"/people/{person.id}/details",
        data=CHANGED
        | {
            "date_of_birth-day": "",
            "date_of_birth-month": "",
            "date_of_birth-year": "",
            "address": "",
            "postcode": "",
        },
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 400
    for message in ("Enter a date of birth", "Enter their address", "Enter a postcode"):
        assert message in response.text


async def test_email_contact_needs_an_email_address_and_bad_values_are_explained(app, client_for):
    tenant = await make_tenant()
    person = await make_member(tenant, ["person"], name="Edith Elder", password=None)
    person.user.email = None
    await person.user.save()
    _, client = await client_as(client_for, tenant)
    response = await client.post(
        f"/people/{person.id}/details",
        data={
            "name": "Edith Elder",
            "postcode": "QA1 1AA",
            "phone": "0770",
            "contact_preference": "email",
            "date_of_birth-day": "30",
            "date_of_birth-month": "2",
            "date_of_birth-year": "1940",
        },
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 400
    for message in (
        "They have no email address here",
        "Enter a real postcode",
        "Enter a UK phone number",
        "Date of birth must be a real date",
    ):
        assert message in response.text, message


async def test_someone_registered_before_profiles_gets_one_when_details_are_saved(app, client_for):
    tenant = await make_tenant()
    person = await make_member(tenant, ["person"], name="Olive Older")
    _, client = await client_as(client_for, tenant)
    page = await client.get(f"/people/{person.id}/details")
    assert page.status_code == 200 and "Not recorded" in page.text
    response = await client.post(
        f"/people/{person.id}/details",
        data={"name": "Olive Older", "contact_preference": "letter", "address": "1 Road"},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 400 and "Enter a postcode" in response.text
    response = await client.post(
        f"/people/{person.id}/details",
        data={
            "name": "Olive Older",
            "contact_preference": "letter",
            "address": "1 Road",
            "postcode": "DN55 1PT",
        },
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 303
    profile = await PersonProfile.get(membership_id=person.id)
    assert profile.postcode == "DN55 1PT" and profile.contact_preference == "letter"
