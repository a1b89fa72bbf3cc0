"""``/api/v1/people``: partners with scopes, council staff with sessions, nobody else."""

from __future__ import annotations

from core.identity.models import Membership
from core.oauth.services import create_client_as_operator
from tests.factories import make_tenant
from tests.support.members import make_member, sign_in


async def token_for(client, tenant, scopes):
    api_client, secret = await create_client_as_operator(tenant, "Case system", scopes)
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(api_client.client_id, secret),
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_partner_lists_people_page_by_page(app, client_for):
    tenant = await make_tenant()
    for number in range(5):
        await make_member(tenant, ["person"], name=f"Person {number}")
    await make_member(tenant, ["council_officer"], name="Not A Person")
    client = client_for(tenant)
    headers = await token_for(client, tenant, ["people:read"])

    first = (await client.get("/api/v1/people?limit=3", headers=headers)).json()
    second = (await client.get(first["next"], headers=headers)).json()

    names = [p["name"] for p in first["items"] + second["items"]]
    assert sorted(names) == [f"Person {n}" for n in range(5)]
    assert second["next"] is None


async def test_partner_reads_one_person_with_their_circle(app, client_for):
    tenant = await make_tenant()
    person = await make_member(tenant, ["person"], name="Paula Person")
    helper = await make_member(tenant, [], name="Hal Helper")
    from core.identity.models import PersonAccess

    await PersonAccess.create(
        tenant=tenant, person=person, grantee=helper, kind="circle", access="review"
    )
    client = client_for(tenant)
    headers = await token_for(client, tenant, ["people:read"])
    body = (await client.get(f"/api/v1/people/{person.id}", headers=headers)).json()
    assert body["name"] == "Paula Person"
    assert body["circle"] == [
        {"name": "Hal Helper", "kind": "circle", "access": "review", "expires_on": None}
    ]


async def test_partner_adds_a_person_and_bad_bodies_are_explained(app, client_for):
    tenant = await make_tenant()
    client = client_for(tenant)
    headers = await token_for(client, tenant, ["people:write", "people:read"])
    created = await client.post("/api/v1/people", json={"name": "New Person"}, headers=headers)
    assert created.status_code == 201
    assert created.headers["location"] == f"/api/v1/people/{created.json()['id']}"
    assert (await Membership.get(id=created.json()["id"])).roles == ["person"]

    bad = await client.post("/api/v1/people", json={"name": "", "age": 3}, headers=headers)
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in bad.json()["errors"]} == {"name", "age"}
    not_json = await client.post("/api/v1/people", content=b"{oops", headers=headers)
    assert not_json.status_code == 400


async def test_missing_scope_is_403_and_no_token_is_401(app, client_for):
    tenant = await make_tenant()
    client = client_for(tenant)
    read_only = await token_for(client, tenant, ["people:read"])
    refused = await client.post("/api/v1/people", json={"name": "X"}, headers=read_only)
    assert refused.status_code == 403
    anonymous = await client.get("/api/v1/people")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")


async def test_council_officer_uses_the_api_with_their_session(app, client_for):
    tenant = await make_tenant()
    officer = await make_member(tenant, ["council_officer"])
    await make_member(tenant, ["person"], name="Session Seen")
    client = client_for(tenant)
    await sign_in(client, officer.user.email)
    response = await client.get("/api/v1/people")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["items"]] == ["Session Seen"]


async def test_bad_cursor_and_limit_are_400_with_fields(app, client_for):
    tenant = await make_tenant()
    client = client_for(tenant)
    headers = await token_for(client, tenant, ["people:read"])
    response = await client.get("/api/v1/people?limit=0&cursor=nonsense", headers=headers)
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"limit", "cursor"}
