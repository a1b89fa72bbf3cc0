"""``/api/v1/budgets``, ``/holds``, ``/commitments``: partners move money exactly once, within the
money there is, and every refusal says why."""

from __future__ import annotations

import uuid

import pytest

from core.api.models import IdempotencyRecord
from core.audit.models import AuditEvent
from core.budgets.models import Budget, RecurringCommitment
from core.ledger.holds import place_hold
from core.ledger.models import Hold, HoldStatus, JournalEntry
from core.ledger.verify import verify_ledger
from tests.conftest import site_client
from tests.factories import make_tenant
from tests.support.api import bearer_headers
from tests.support.budgets import funded_budget, one_off
from tests.support.members import SAME_ORIGIN, make_member, sign_in

ALL = ("budgets:read", "budgets:write", "orders:write")
PROBLEMS = "https://carepurse.example/problems/"


@pytest.fixture
async def council(app, client_for):
    """A council with a person, a £1,000 budget and a client holding every budget scope."""
    tenant = await make_tenant()
    person = await make_member(tenant, ["person"], name="Bea Budget")
    budget = await funded_budget(tenant, one_off(100_000), person=person)
    client = client_for(tenant)
    client.headers.update(await bearer_headers(client, tenant, ALL))
    return tenant, person, budget, client


def hold_body(pence: int = 2_500, category: str = "leisure", **extra) -> dict:
    return {"amount_pence": pence, "category": category, "description": "Swimming", **extra}


# --- budgets --------------------------------------------------------------------------


async def test_partner_allocates_a_budget_and_reads_its_money(app, client_for):
    tenant = await make_tenant()
    person = await make_member(tenant, ["person"])
    client = client_for(tenant)
    headers = await bearer_headers(client, tenant, ["budgets:write", "budgets:read"])
    created = await client.post(
        "/api/v1/budgets",
        headers=headers,
        json={
            "person_id": str(person.id),
            "period_start": "2026-04-01",
            "period_end": "2027-03-31",
            "streams": [
                {"funding_type": "council-care", "instalment_pence": 60_000, "schedule": "one_off"},
                {
                    "funding_type": "nhs-chc",
                    "instalment_pence": 40_000,
                    "currency": "GBP",
                    "schedule": "one_off",
                    "top_ups_allowed": True,
                },
            ],
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/api/v1/budgets/{body['id']}"
    assert body["total"] == {
        "received_pence": 100_000,
        "held_pence": 0,
        "spent_pence": 0,
        "available_pence": 100_000,
        "currency": "GBP",
    }
    nhs = body["streams"][1]
    assert nhs["funding_type"] == "nhs-chc" and "leisure" not in nhs["allowed_categories"]

    fetched = await client.get(f"/api/v1/budgets/{body['id']}", headers=headers)
    assert fetched.json() == body
    assert await AuditEvent.filter(action="budget_allocated").count() == 1


async def test_budgets_are_listed_by_person_and_page_by_page(council):
    tenant, person, budget, client = council
    other = await funded_budget(tenant, one_off(5_000))
    everyone = (await client.get("/api/v1/budgets?limit=1")).json()
    second = (await client.get(everyone["next"])).json()
    assert {everyone["items"][0]["id"], second["items"][0]["id"]} == {str(budget.id), str(other.id)}
    assert (await client.get(second["next"])).json() == {"items": [], "next": None}

    theirs = (await client.get(f"/api/v1/budgets?person_id={person.id}")).json()
    assert [b["id"] for b in theirs["items"]] == [str(budget.id)]
    bad = await client.get("/api/v1/budgets?limit=0&cursor=x&person_id=y")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"limit", "cursor", "person_id"}


async def test_allocation_is_checked_field_by_field(council):
    tenant, _, _, client = council
    not_a_person = await make_member(tenant, ["council_officer"])
    response = await client.post(
        "/api/v1/budgets",
        json={
            "person_id": str(not_a_person.id),
            "streams": [{"funding_type": "council-care", "instalment_pence": 1, "schedule": "x"}],
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "streams.0.schedule", "message": response.json()["errors"][0]["message"]}
    ]
    refused = await client.post(
        "/api/v1/budgets",
        json={
            "person_id": str(not_a_person.id),
            "streams": [
                {"funding_type": "moon-money", "instalment_pence": 1, "schedule": "weekly"}
            ],
        },
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "person_id", "message": "is not a person in this council"}
    ]


# --- funding streams, statement, forecast ---------------------------------------------


async def test_a_stream_is_added_later_and_its_money_arrives(council):
    _, _, budget, client = council
    added = await client.post(
        f"/api/v1/budgets/{budget.id}/funding-streams",
        json={"funding_type": "direct-payment", "instalment_pence": 7_500, "schedule": "one_off"},
    )
    assert added.status_code == 201, added.text
    stream = added.json()
    assert (
        added.headers["location"] == f"/api/v1/budgets/{budget.id}/funding-streams/{stream['id']}"
    )
    assert stream["figures"]["available_pence"] == 7_500
    streams = (await client.get(f"/api/v1/budgets/{budget.id}/funding-streams")).json()
    assert [s["funding_type"] for s in streams["items"]] == ["council-care", "direct-payment"]
    one = await client.get(added.headers["location"])
    assert one.json() == stream
    event = await AuditEvent.get(action="budget_adjusted")
    assert event.details["change"] == "stream_added"

    wrong = await client.post(
        f"/api/v1/budgets/{budget.id}/funding-streams",
        json={"funding_type": "moon-money", "instalment_pence": 100, "schedule": "weekly"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == [{"field": "funding_type", "message": "Choose a funding type"}]


async def test_statement_pages_newest_first_and_forecast_counts_planned_spending(council):
    _, _, budget, client = council
    for pence in (1_000, 2_000, 3_000):
        assert (
            await client.post(f"/api/v1/budgets/{budget.id}/holds", json=hold_body(pence))
        ).is_success
    first = (await client.get(f"/api/v1/budgets/{budget.id}/statement?limit=2")).json()
    assert [r["committed_pence"] for r in first["items"]] == [3_000, 2_000]
    rest = (await client.get(first["next"])).json()
    assert [r["kind"] for r in rest["items"]] == ["hold", "funding"]
    assert rest["items"][1]["received_pence"] == 100_000
    assert (await client.get(rest["next"])).json()["items"] == []
    assert (await client.get(f"/api/v1/budgets/{budget.id}/statement?cursor=x")).status_code == 400

    planned = await client.post(
        f"/api/v1/budgets/{budget.id}/commitments",
        json={
            "description": "Home care",
            "amount_pence": 10_000,
            "schedule": "weekly",
            "starts_on": budget.period_start.isoformat(),
        },
    )
    assert planned.status_code == 201, planned.text
    forecast = (await client.get(f"/api/v1/budgets/{budget.id}/forecast")).json()
    assert forecast["available_now_pence"] == 94_000
    assert forecast["will_overspend"] is True and forecast["runs_out_on"] is not None
    assert forecast["currency"] == "GBP"


# --- holds ----------------------------------------------------------------------------


async def test_hold_then_settle_part_and_release_another(council):
    tenant, _, budget, client = council
    placed = await client.post(
        f"/api/v1/budgets/{budget.id}/holds", json=hold_body(4_000, reference="PO-7")
    )
    assert placed.status_code == 201, placed.text
    hold = placed.json()
    assert placed.headers["location"] == f"/api/v1/holds/{hold['id']}"
    assert (hold["status"], hold["reference"], hold["currency"]) == ("pending", "PO-7", "GBP")
    assert (await client.get(placed.headers["location"])).json() == hold

    posted = await client.post(
        f"/api/v1/holds/{hold['id']}/post", json={"amount_pence": 3_000, "description": "Inv 1"}
    )
    assert posted.status_code == 200, posted.text
    assert (posted.json()["status"], posted.json()["posted_pence"]) == ("posted", 3_000)

    other = (await client.post(f"/api/v1/budgets/{budget.id}/holds", json=hold_body())).json()
    voided = await client.post(f"/api/v1/holds/{other['id']}/void", json={"reason": "Cancelled"})
    assert voided.json()["status"] == "voided"
    again = await client.post(f"/api/v1/holds/{other['id']}/void", json={"reason": "Twice"})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["detail"] == "this commitment was already voided"

    total = (await client.get(f"/api/v1/budgets/{budget.id}")).json()["total"]
    assert (total["spent_pence"], total["held_pence"], total["available_pence"]) == (
        3_000,
        0,
        97_000,
    )
    assert await verify_ledger(tenant.id) == []


async def test_refusals_are_422_problems_with_the_plain_reason(app, client_for):
    tenant = await make_tenant()
    budget = await funded_budget(tenant, one_off(10_000, "nhs-chc"))
    stream = await budget.streams.all().first()
    client = client_for(tenant)
    client.headers.update(await bearer_headers(client, tenant, ALL))

    too_much = await client.post(
        f"/api/v1/budgets/{budget.id}/holds", json=hold_body(10_001, "therapy")
    )
    assert too_much.status_code == 422
    assert too_much.headers["content-type"] == "application/problem+json"
    assert too_much.json() == {
        "type": PROBLEMS + "not-enough-money",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "There is not enough money for this: £100.00 is available for therapy, "
        "and £100.01 is needed.",
        "available_pence": 10_000,
        "needed_pence": 10_001,
        "currency": "GBP",
    }
    restricted = await client.post(f"/api/v1/budgets/{budget.id}/holds", json=hold_body(100))
    assert restricted.status_code == 422
    assert restricted.json()["type"] == PROBLEMS + "funding-restricted"
    assert restricted.json()["detail"] == (
        "This budget's money (NHS continuing healthcare) may not be spent on leisure and "
        "community activities. Ask the council if you think it should be."
    )
    no_top_up = await client.post(
        f"/api/v1/budgets/{budget.id}/top-ups",
        json={"stream_id": str(stream.id), "amount_pence": 5},
    )
    assert no_top_up.status_code == 422
    assert no_top_up.json()["type"] == PROBLEMS + "funding-restricted"
    assert "does not take top-ups" in no_top_up.json()["detail"]
    over_reduced = await client.post(
        f"/api/v1/budgets/{budget.id}/adjustments",
        json={"kind": "reduce", "amount_pence": 20_000, "reason": "Review"},
    )
    assert over_reduced.status_code == 422
    assert over_reduced.json()["available_pence"] == 10_000
    unknown_stream = await client.post(
        f"/api/v1/budgets/{budget.id}/holds", json=hold_body(100, stream_id=str(uuid.uuid4()))
    )
    assert unknown_stream.status_code == 422
    assert unknown_stream.json()["errors"][0]["field"] == "stream_id"
    assert await Hold.all().count() == 0


@pytest.mark.parametrize("amount", [12.5, 1250.0, "1250", True, None, [1]])
async def test_amounts_must_be_whole_pence(council, amount):
    _, _, budget, client = council
    response = await client.post(f"/api/v1/budgets/{budget.id}/holds", json=hold_body(amount))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "amount_pence"
    if amount is not None:
        assert "whole number of pence" in response.json()["errors"][0]["message"]


async def test_bodies_that_are_not_json_objects_or_have_strange_fields_are_400(council):
    _, _, budget, client = council
    path = f"/api/v1/budgets/{budget.id}/holds"
    assert (await client.post(path, content=b"{oops")).status_code == 400
    assert (await client.post(path, json=[1, 2])).status_code == 400
    stray = await client.post(path, json=hold_body(amount=3))
    assert stray.json()["errors"] == [
        {"field": "amount", "message": "is not a field of this request"}
    ]
    zero = await client.post(path, json=hold_body(0))
    assert zero.status_code == 400 and zero.json()["errors"][0]["field"] == "amount_pence"


# --- adjustments, top-ups, planned spending -------------------------------------------


async def test_increase_reduce_and_end_a_budget(app, client_for):
    tenant = await make_tenant()
    budget = await funded_budget(
        tenant, one_off(10_000), one_off(5_000, "ilf", top_ups_allowed=True)
    )
    first, second = await budget.streams.all().order_by("position")
    client = client_for(tenant)
    client.headers.update(await bearer_headers(client, tenant, ALL))
    path = f"/api/v1/budgets/{budget.id}/adjustments"

    needs_stream = await client.post(
        path, json={"kind": "increase", "amount_pence": 1, "reason": "x"}
    )
    assert needs_stream.status_code == 400
    assert needs_stream.json()["errors"][0]["field"] == "stream_id"
    up = await client.post(
        path,
        json={
            "kind": "increase",
            "stream_id": str(first.id),
            "amount_pence": 2_000,
            "reason": "Review",
        },
    )
    assert up.status_code == 201, up.text
    assert up.json()["total"]["received_pence"] == 17_000 and up.json()["entry_id"]
    down = await client.post(
        path,
        json={
            "kind": "reduce",
            "stream_id": str(second.id),
            "amount_pence": 1_000,
            "reason": "Review",
        },
    )
    assert down.json()["total"]["available_pence"] == 16_000
    topped = await client.post(
        f"/api/v1/budgets/{budget.id}/top-ups",
        json={"stream_id": str(second.id), "amount_pence": 500, "note": "From savings"},
    )
    assert topped.status_code == 201 and topped.json()["total"]["available_pence"] == 16_500

    muddled = await client.post(path, json={"kind": "end", "amount_pence": 5, "reason": "x"})
    assert {e["field"] for e in muddled.json()["errors"]} == {"ends_on", "amount_pence"}
    ended = await client.post(
        path, json={"kind": "end", "ends_on": budget.period_start.isoformat(), "reason": "Moved"}
    )
    assert ended.status_code == 201, ended.text
    assert ended.json()["kind"] == "end"
    assert (await Budget.get(id=budget.id)).status == "ended"
    late = await client.post(f"/api/v1/budgets/{budget.id}/holds", json=hold_body(100))
    assert late.status_code == 422 and late.json()["type"] == PROBLEMS + "funding-restricted"
    assert await verify_ledger(tenant.id) == []


async def test_planned_spending_is_listed_and_stopped_once(council):
    _, _, budget, client = council
    plan = await client.post(
        f"/api/v1/budgets/{budget.id}/commitments",
        json={
            "description": "Day centre",
            "amount_pence": 3_000,
            "schedule": "monthly",
            "starts_on": budget.period_start.isoformat(),
        },
    )
    plan_id = plan.json()["id"]
    listed = (await client.get(f"/api/v1/budgets/{budget.id}/commitments")).json()
    assert [p["id"] for p in listed["items"]] == [plan_id]
    stopped = await client.post(f"/api/v1/commitments/{plan_id}/stop")
    assert stopped.status_code == 200 and stopped.json()["cancelled_at"] is not None
    assert (await client.post(f"/api/v1/commitments/{plan_id}/stop")).status_code == 409
    assert (await client.get(f"/api/v1/budgets/{budget.id}/commitments")).json()["items"] == []


# --- who may do what ------------------------------------------------------------------


async def test_a_token_needs_the_scope_and_no_token_is_401(council):
    tenant, _, budget, client = council
    reader = await bearer_headers(client, tenant, ["budgets:read"])
    spender = await bearer_headers(client, tenant, ["orders:write"])
    hold = await client.post(f"/api/v1/budgets/{budget.id}/holds", json=hold_body())
    cases = [
        (reader, "POST", f"/api/v1/budgets/{budget.id}/holds", hold_body()),
        (reader, "POST", f"/api/v1/holds/{hold.json()['id']}/void", {"reason": "x"}),
        (reader, "POST", "/api/v1/budgets", {}),
        (spender, "GET", f"/api/v1/budgets/{budget.id}", None),
        (spender, "POST", f"/api/v1/budgets/{budget.id}/adjustments", {}),
    ]
    for headers, method, path, body in cases:
        response = await client.request(
            method, path, json=body, headers={**headers, "Idempotency-Key": "same"}
        )
        assert response.status_code == 403, (path, response.text)
        assert response.json()["type"] == PROBLEMS + "forbidden"
    anonymous = await client.get(f"/api/v1/budgets/{budget.id}", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert await IdempotencyRecord.all().count() == 0  # refusals before any work free the key


async def test_another_councils_ids_are_not_found_and_untouched(council):
    *_, client = council
    elsewhere = await make_tenant()
    budget = await funded_budget(elsewhere, one_off(10_000))
    stream = await budget.streams.all().first()
    hold = await place_hold(budget, 1_000, "leisure", "Theirs", "test")
    plan = await RecurringCommitment.create(
        tenant_id=elsewhere.id,
        budget=budget,
        description="Theirs",
        amount_pence=100,
        schedule="weekly",
        starts_on=budget.period_start,
    )
    entries = await JournalEntry.all().count()
    for method, path, body in [
        ("GET", f"/api/v1/budgets/{budget.id}", None),
        ("GET", f"/api/v1/budgets/{budget.id}/statement", None),
        ("GET", f"/api/v1/budgets/{budget.id}/forecast", None),
        ("GET", f"/api/v1/budgets/{budget.id}/funding-streams/{stream.id}", None),
        ("GET", f"/api/v1/budgets?person_id={budget.person_id}", None),
        ("GET", f"/api/v1/holds/{hold.id}", None),
        ("POST", f"/api/v1/budgets/{budget.id}/holds", hold_body()),
        ("POST", f"/api/v1/holds/{hold.id}/post", {}),
        ("POST", f"/api/v1/holds/{hold.id}/void", {"reason": "x"}),
        ("POST", f"/api/v1/commitments/{plan.id}/stop", None),
        ("POST", f"/api/v1/budgets/{budget.id}/adjustments", {"kind": "increase"}),
        ("GET", "/api/v1/budgets/not-a-uuid", None),
    ]:
        response = await client.request(method, path, json=body)
        assert response.status_code == 404, (path, response.text)
        assert "Theirs" not in response.text
    assert await JournalEntry.all().count() == entries
    assert (await Hold.get(id=hold.id)).status == HoldStatus.PENDING
    assert (await client.get("/api/v1/budgets")).json()["items"][0]["id"] != str(budget.id)


async def test_members_use_their_session_within_their_rights(app, council):
    tenant, person, budget, _ = council
    officer = await make_member(tenant, ["council_officer"])
    officer_client = site_client(app, f"{tenant.slug}.localhost")
    await sign_in(officer_client, officer.user.email)
    allowed = await officer_client.post(
        f"/api/v1/budgets/{budget.id}/adjustments",
        json={"kind": "increase", "amount_pence": 100, "reason": "Review"},
        headers=SAME_ORIGIN,
    )
    assert allowed.status_code == 201, allowed.text

    self_client = site_client(app, f"{tenant.slug}.localhost")
    await sign_in(self_client, person.user.email)
    mine = await self_client.get(f"/api/v1/budgets/{budget.id}")
    assert mine.status_code == 200
    held = await self_client.post(
        f"/api/v1/budgets/{budget.id}/holds", json=hold_body(), headers=SAME_ORIGIN
    )
    assert held.status_code == 201
    refused = await self_client.post(
        f"/api/v1/budgets/{budget.id}/adjustments",
        json={"kind": "increase", "amount_pence": 100, "reason": "More please"},
        headers=SAME_ORIGIN,
    )
    assert refused.status_code == 403


# --- idempotency ----------------------------------------------------------------------


async def test_a_repeated_hold_is_answered_once_and_a_changed_one_is_refused(council):
    tenant, _, budget, client = council
    path = f"/api/v1/budgets/{budget.id}/holds"
    key = {"Idempotency-Key": "order-1234-hold"}
    first = await client.post(path, json=hold_body(2_000), headers=key)
    again = await client.post(path, json=hold_body(2_000), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.headers["location"] == first.headers["location"]
    assert await Hold.all().count() == 1

    changed = await client.post(path, json=hold_body(2_001), headers=key)
    assert changed.status_code == 422
    assert changed.json()["type"] == PROBLEMS + "idempotency-key-reused"
    elsewhere = await client.post(
        f"/api/v1/holds/{first.json()['id']}/void", json={"reason": "x"}, headers=key
    )
    assert elsewhere.status_code == 422  # a key names one request, whatever the path
    assert (await client.get(f"/api/v1/budgets/{budget.id}")).json()["total"]["held_pence"] == 2_000

    other_client = await bearer_headers(client, tenant, ALL, name="Another partner")
    theirs = await client.post(path, json=hold_body(2_000), headers={**other_client, **key})
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers
    assert await Hold.all().count() == 2  # keys are per caller: no collision between partners


async def test_a_repeated_adjustment_moves_money_once(council):
    _, _, budget, client = council
    path = f"/api/v1/budgets/{budget.id}/adjustments"
    body = {"kind": "increase", "amount_pence": 5_000, "reason": "Annual review"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    answers = [await client.post(path, json=body, headers=key) for _ in range(3)]
    assert {a.status_code for a in answers} == {201}
    assert answers[1].json() == answers[0].json() == answers[2].json()
    assert await JournalEntry.filter(kind="increase").count() == 1
    assert (await client.get(f"/api/v1/budgets/{budget.id}")).json()["total"][
        "received_pence"
    ] == 105_000
    reordered = await client.post(
        path,
        content=b'{"reason":"Annual review","amount_pence":5000,"kind":"increase"}',
        headers=key,
    )
    assert reordered.headers["idempotent-replayed"] == "true"  # same JSON, other key order


async def test_a_refusal_is_replayed_but_a_malformed_request_frees_its_key(council):
    _, _, budget, client = council
    path = f"/api/v1/budgets/{budget.id}/holds"
    key = {"Idempotency-Key": "k-refused"}
    refused = await client.post(path, json=hold_body(999_999), headers=key)
    assert refused.status_code == 422
    await client.post(
        f"/api/v1/budgets/{budget.id}/adjustments",
        json={"kind": "increase", "amount_pence": 999_999, "reason": "More"},
    )
    replayed = await client.post(path, json=hold_body(999_999), headers=key)
    assert replayed.status_code == 422 and replayed.headers["idempotent-replayed"] == "true"
    assert replayed.headers["content-type"] == "application/problem+json"
    assert replayed.json() == refused.json()

    retry = {"Idempotency-Key": "k-malformed"}
    assert (await client.post(path, json=hold_body(1.5), headers=retry)).status_code == 400
    fixed = await client.post(path, json=hold_body(150), headers=retry)
    assert fixed.status_code == 201 and "idempotent-replayed" not in fixed.headers
    too_long = await client.post(path, json=hold_body(), headers={"Idempotency-Key": "k" * 201})
    assert too_long.status_code == 400
    assert too_long.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_the_openapi_document_describes_bodies_keys_and_created_answers(app, client_for):
    document = (await client_for(await make_tenant()).get("/api/v1/openapi.json")).json()
    hold = document["paths"]["/budgets/{budget_id}/holds"]["post"]
    assert hold["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HoldOut"
    }
    assert hold["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NewHold"
    }
    assert {p["name"] for p in hold["parameters"]} == {"Idempotency-Key"}
    amount = document["components"]["schemas"]["NewHold"]["properties"]["amount_pence"]
    assert amount["type"] == "integer" and amount["minimum"] == 1
