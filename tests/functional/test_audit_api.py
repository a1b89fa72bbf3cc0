"""`GET /api/v1/audit-events`: the council's own events, filtered and paged with a cursor."""

from __future__ import annotations

from core.api.v1 import openapi_document
from core.audit.actions import AuditAction
from core.audit.models import AuditEvent
from tests.factories import make_tenant
from tests.support.audit import record_events
from tests.support.members import make_member, signed_in_client


async def admin_of(client_for, tenant):
    member = await make_member(tenant, ["council_admin"], email=f"admin@{tenant.slug}.example")
    return await signed_in_client(client_for(tenant), member)


async def test_signed_in_admin_gets_their_councils_events_as_json(app, client_for):
    council, other = await make_tenant("riverbend"), await make_tenant("moorfield")
    await record_events(council, 1, AuditAction.BARRED, target_label="Barry")
    await record_events(other, 1, AuditAction.BARRED, target_label="Not yours")
    admin = await admin_of(client_for, council)

    response = await admin.get("/api/v1/audit-events")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert [item["action"] for item in body["items"]] == ["sign_in", "barred"]
    barred = body["items"][1]
    assert barred["action_label"] == "Account barred" and barred["target_label"] == "Barry"
    assert barred["sequence"] == 1 and barred["ip"] == "198.51.100.7"
    assert barred["occurred_at"].endswith("Z")
    assert body["next"] is None and body["previous"] is None
    assert "Not yours" not in response.text


async def test_anonymous_callers_get_a_401_problem(app, client_for):
    council = await make_tenant("riverbend")
    response = await client_for(council).get("/api/v1/audit-events")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_members_without_audit_access_get_a_403_problem(app, client_for):
    council = await make_tenant("riverbend")
    person = await make_member(council, ["person"], email="person@riverbend.example")
    client = await signed_in_client(client_for(council), person)
    response = await client.get("/api/v1/audit-events")
    assert response.status_code == 403 and response.json()["status"] == 403
    assert await AuditEvent.filter(action=AuditAction.PERMISSION_REFUSED).exists()


async def test_pages_are_followed_with_the_next_link(app, client_for):
    council = await make_tenant("riverbend")
    await record_events(council, 12, AuditAction.ROLE_CHANGED)
    admin = await admin_of(client_for, council)

    seen: list[int] = []
    url: str | None = "/api/v1/audit-events?action=role_changed&limit=5"
    pages = 0
    while url:
        body = (await admin.get(url)).json()
        seen += [item["sequence"] for item in body["items"]]
        url, pages = body["next"], pages + 1
        assert url is None or "action=role_changed" in url
    assert pages == 3 and seen == list(range(12, 0, -1))

    second = (await admin.get("/api/v1/audit-events?action=role_changed&limit=5")).json()["next"]
    back = (await admin.get((await admin.get(second)).json()["previous"])).json()
    assert [item["sequence"] for item in back["items"]] == [12, 11, 10, 9, 8]


async def test_filters_work_and_bad_ones_are_a_400_naming_each_parameter(app, client_for):
    council = await make_tenant("riverbend")
    await record_events(council, 2, AuditAction.SIGN_IN_FAILED, actor_label="Eve <eve@x.org>")
    admin = await admin_of(client_for, council)

    found = (await admin.get("/api/v1/audit-events", params={"actor": "EVE@"})).json()
    assert len(found["items"]) == 2
    dated = await admin.get(
        "/api/v1/audit-events", params={"from": "2000-01-01", "to": "2000-12-31"}
    )
    assert dated.json()["items"] == []

    bad = await admin.get(
        "/api/v1/audit-events",
        params={"action": "nope", "from": "yesterday", "limit": "500", "cursor": "!!"},
    )
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"
    assert {error["field"] for error in bad.json()["errors"]} == {
        "action",
        "from",
        "limit",
        "cursor",
    }
    too_many = await admin.get("/api/v1/audit-events", params={"limit": "201"})
    assert too_many.status_code == 400 and too_many.json()["errors"][0]["field"] == "limit"
    cursor = await admin.get("/api/v1/audit-events", params={"cursor": "not-a-cursor"})
    assert cursor.status_code == 400 and cursor.json()["errors"][0]["field"] == "cursor"


def test_the_endpoint_is_documented_with_its_parameters():
    operation = openapi_document()["paths"]["/audit-events"]["get"]
    assert operation["operationId"] == "listAuditEvents"
    assert {p["name"] for p in operation["parameters"]} == {
        "action",
        "actor",
        "target",
        "q",
        "from",
        "to",
        "cursor",
        "limit",
    }
    assert {"400", "401", "403"} <= set(operation["responses"])
