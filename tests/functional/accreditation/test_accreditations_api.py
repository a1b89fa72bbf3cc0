"""``/api/v1/accreditations``: read with catalogue:read, decide with catalogue:write;
problems in RFC 9457 shape; another council's accreditations are not found."""

from __future__ import annotations

from core.accreditation import services
from core.accreditation.evidence import Registrations, Upload
from core.accreditation.models import AccreditationStatus, Decision
from core.audit.models import AuditEvent
from core.email.models import EmailMessage
from tests.functional.accreditation.conftest import PDF, council, firm, in_days, officer
from tests.support.api import bearer_headers
from tests.support.members import SAME_ORIGIN, signed_in_client


async def applied(app, tenant, name="Kindly Care Ltd"):
    company = await firm(tenant, name)
    accreditation = await services.apply(
        app.state.runtime,
        company.actor(tenant),
        uploads=[Upload("policy.pdf", PDF, "Safeguarding policy")],
        registrations=Registrations(
            cqc_location_id="1-545611283", insurance_expires_on=in_days(100)
        ),
    )
    return company, accreditation


async def test_reading_accreditations_needs_catalogue_read(app, client_for, registry):
    tenant = await council(registry)
    _, accreditation = await applied(app, tenant)
    await applied(app, tenant, "Second Care Ltd")
    client = client_for(tenant)

    assert (await client.get("/api/v1/accreditations")).status_code == 401
    wrong = await bearer_headers(client, tenant, ["people:read"])
    refused = await client.get("/api/v1/accreditations", headers=wrong)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "catalogue:read" in refused.json()["detail"]

    headers = await bearer_headers(client, tenant, ["catalogue:read"])
    listed = await client.get("/api/v1/accreditations?limit=1", headers=headers)
    assert listed.status_code == 200
    page = listed.json()
    assert len(page["items"]) == 1 and page["next"]
    rest = await client.get(page["next"], headers=headers)
    assert len(rest.json()["items"]) == 1 and rest.json()["next"] is None
    names = {page["items"][0]["provider_name"], rest.json()["items"][0]["provider_name"]}
    assert names == {"Kindly Care Ltd", "Second Care Ltd"}

    filtered = await client.get("/api/v1/accreditations?status=accredited", headers=headers)
    assert filtered.json()["items"] == []
    bad = await client.get("/api/v1/accreditations?status=great&limit=0", headers=headers)
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"status", "limit"}

    one = await client.get(f"/api/v1/accreditations/{accreditation.id}", headers=headers)
    assert one.status_code == 200
    body = one.json()
    assert body["status"] == "applied" and body["provider_name"] == "Kindly Care Ltd"
    assert set(body["actions"]) == {"accredit", "ask_for_more", "refuse"}
    kinds = {e["kind"]: e for e in body["evidence"]}
    assert kinds["document"]["has_file"] and kinds["document"]["content_type"] == "application/pdf"
    assert kinds["cqc"]["reference"] == "1-545611283" and not kinds["cqc"]["has_file"]
    assert "storage_key" not in str(body)
    assert body["decisions"][0]["status"] == "applied"


async def test_an_officer_reads_with_the_session(app, client_for, registry):
    tenant = await council(registry)
    _, accreditation = await applied(app, tenant)
    client = await signed_in_client(client_for(tenant), await officer(tenant))
    assert (await client.get("/api/v1/accreditations")).status_code == 200
    provider = await signed_in_client(client_for(tenant), (await firm(tenant)).owner)
    assert (await provider.get("/api/v1/accreditations")).status_code == 403
    decided = await client.post(
        f"/api/v1/accreditations/{accreditation.id}/decisions",
        json={"action": "ask_for_more", "reason": "Send your DBS checks"},
        headers=SAME_ORIGIN,
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["status"] == "more_info"


async def test_deciding_needs_catalogue_write_and_is_refused_twice(app, client_for, registry):
    tenant = await council(registry, "kitemark")
    _, accreditation = await applied(app, tenant)
    client = client_for(tenant)
    url = f"/api/v1/accreditations/{accreditation.id}/decisions"
    ends = in_days(365).isoformat()

    reader = await bearer_headers(client, tenant, ["catalogue:read"])
    refused = await client.post(
        url, json={"action": "accredit", "expires_on": ends}, headers=reader
    )
    assert refused.status_code == 403 and "catalogue:write" in refused.json()["detail"]

    writer = await bearer_headers(client, tenant, ["catalogue:write"], name="Vetting system")
    malformed = await client.post(url, json={"action": "approve", "colour": "red"}, headers=writer)
    assert malformed.status_code == 400
    assert {e["field"] for e in malformed.json()["errors"]} == {"action", "colour"}
    no_date = await client.post(url, json={"action": "accredit"}, headers=writer)
    assert no_date.status_code == 422
    assert no_date.json()["errors"] == [
        {"field": "expires_on", "message": "Enter the date the accreditation ends"}
    ]
    no_reason = await client.post(url, json={"action": "refuse"}, headers=writer)
    assert no_reason.status_code == 422

    done = await client.post(url, json={"action": "accredit", "expires_on": ends}, headers=writer)
    assert done.status_code == 201, done.text
    assert done.headers["location"] == f"/api/v1/accreditations/{accreditation.id}"
    body = done.json()
    assert body["status"] == "accredited" and body["expires_on"] == ends
    assert body["decided_by"] == "API client Vetting system"
    assert set(body["actions"]) == {"suspend", "revoke"}
    event = await AuditEvent.get(tenant_id=tenant.id, action="accredited")
    assert event.actor_label == "API client Vetting system"
    assert await EmailMessage.filter(tenant_id=tenant.id, purpose="accreditation").count() == 1

    twice = await client.post(url, json={"action": "accredit", "expires_on": ends}, headers=writer)
    assert twice.status_code == 409
    assert twice.headers["content-type"] == "application/problem+json"
    assert "accredited" in twice.json()["detail"]
    assert await Decision.filter(accreditation_id=accreditation.id).count() == 2


async def test_a_decision_with_an_idempotency_key_is_answered_once(app, client_for, registry):
    tenant = await council(registry)
    _, accreditation = await applied(app, tenant)
    client = client_for(tenant)
    writer = await bearer_headers(client, tenant, ["catalogue:write"])
    url = f"/api/v1/accreditations/{accreditation.id}/decisions"
    body = {"action": "refuse", "reason": "No safeguarding policy"}
    keyed = {**writer, "Idempotency-Key": "refusal-1"}
    first = await client.post(url, json=body, headers=keyed)
    again = await client.post(url, json=body, headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await Decision.filter(accreditation_id=accreditation.id, status="refused").count() == 1
    assert (await Decision.get(status=AccreditationStatus.REFUSED)).reason == body["reason"]


async def test_another_councils_accreditation_is_not_found(app, client_for, registry):
    tenant, other = await council(registry), await council(registry)
    _, accreditation = await applied(app, tenant)
    client = client_for(other)
    headers = await bearer_headers(client, other, ["catalogue:read", "catalogue:write"])
    one = await client.get(f"/api/v1/accreditations/{accreditation.id}", headers=headers)
    assert one.status_code == 404 and one.headers["content-type"] == "application/problem+json"
    decided = await client.post(
        f"/api/v1/accreditations/{accreditation.id}/decisions",
        json={"action": "refuse", "reason": "Not ours"},
        headers=headers,
    )
    assert decided.status_code == 404
    listed = await client.get("/api/v1/accreditations", headers=headers)
    assert listed.json()["items"] == []
    await accreditation.refresh_from_db()
    assert accreditation.status == AccreditationStatus.APPLIED


def test_the_endpoints_are_in_the_openapi_document():
    from core.api.v1 import openapi_document

    paths = openapi_document()["paths"]
    decide = paths["/accreditations/{accreditation_id}/decisions"]["post"]
    assert decide["operationId"] == "decideAccreditation"
    assert set(decide["responses"]) >= {"201", "400", "401", "403", "404", "409", "422"}
    assert paths["/accreditations"]["get"]["operationId"] == "listAccreditations"
