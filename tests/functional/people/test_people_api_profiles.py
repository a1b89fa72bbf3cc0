"""``/api/v1/people`` with a person's details: checked like the console, returned on reads."""

from __future__ import annotations

from core.audit.models import AuditEvent
from core.email.models import EmailMessage
from core.oauth.services import create_client_as_operator
from core.people.models import PersonProfile
from tests.factories import make_tenant
from tests.support.members import make_member


async def token_for(client, tenant, scopes):
    api_client, secret = await create_client_as_operator(tenant, "Case system", scopes)
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(api_client.client_id, secret),
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_a_partner_adds_a_person_with_their_details(app, client_for):
    tenant = await make_tenant()
    client = client_for(tenant)
    headers = await token_for(client, tenant, ["people:write", "people:read"])
    created = await client.post(
        "/api/v1/people",
        json={
            "name": "Dora Wilkins",
            "email": "dora@example.org",
            "date_of_birth": "1947-03-27",
            "address": "12 Mill Lane",
            "postcode": "sw1a1aa",
            "phone": "07700900982",
            "contact_preference": "text",
            "budget_manager": "council",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["postcode"] == "SW1A 1AA" and body["phone"] == "07700 900982"
    assert body["date_of_birth"] == "1947-03-27"
    assert (body["contact_preference"], body["budget_manager"]) == ("text", "council")
    assert await EmailMessage.filter(to_address="dora@example.org").exists()
    assert await AuditEvent.filter(action="person_registered").exists()

    one = (await client.get(created.headers["location"], headers=headers)).json()
    assert one["address"] == "12 Mill Lane" and one["postcode"] == "SW1A 1AA"
    listed = (await client.get("/api/v1/people", headers=headers)).json()["items"]
    assert listed[0]["budget_manager"] == "council"


async def test_name_only_still_works_and_each_bad_field_is_named(app, client_for):
    tenant = await make_tenant()
    client = client_for(tenant)
    headers = await token_for(client, tenant, ["people:write"])
    plain = await client.post("/api/v1/people", json={"name": "Plain Person"}, headers=headers)
    assert plain.status_code == 201
    assert plain.json()["contact_preference"] == "letter"  # nothing else to reach them by
    assert (await PersonProfile.get()).budget_manager == "person"

    bad = await client.post(
        "/api/v1/people",
        json={
            "name": "Bad Details",
            "postcode": "QA1 1AA",
            "date_of_birth": "2999-01-01",
            "phone": "123",
            "contact_preference": "email",
        },
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in bad.json()["errors"]} == {
        "postcode",
        "date_of_birth",
        "phone",
        "email",
    }
    circle = await client.post(
        "/api/v1/people", json={"name": "C", "budget_manager": "circle"}, headers=headers
    )
    assert circle.status_code == 400  # appointing family or a broker is done in the console


async def test_a_person_registered_before_profiles_reads_with_nulls(app, client_for):
    tenant = await make_tenant()
    person = await make_member(tenant, ["person"], name="Old Record")
    client = client_for(tenant)
    headers = await token_for(client, tenant, ["people:read"])
    body = (await client.get(f"/api/v1/people/{person.id}", headers=headers)).json()
    assert body["postcode"] is None and body["budget_manager"] is None
