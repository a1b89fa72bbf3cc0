"""Councils add their own funding types, with restrictions, and use them in budgets."""

from __future__ import annotations

import pytest

from core.audit.models import AuditEvent
from core.ledger.errors import FundingRestricted
from core.ledger.holds import place_hold
from tests.factories import make_tenant
from tests.support.budgets import funded_budget, one_off
from tests.support.members import SAME_ORIGIN, make_member, sign_in


async def test_officer_adds_a_restricted_type_that_budgets_then_obey(app, client_for):
    tenant = await make_tenant()
    officer = await make_member(tenant, ["council_officer"])
    client = client_for(tenant)
    await sign_in(client, officer.user.email)
    page = await client.get("/council/funding-types")
    assert "NHS continuing healthcare" in page.text

    added = await client.post(
        "/council/funding-types",
        headers=SAME_ORIGIN,
        data={"label": "Carers' breaks fund", "code": "carers-breaks", "categories": ["respite"]},
    )
    assert added.status_code == 303
    listing = await client.get("/council/funding-types?added=1")
    assert "Carers&#39; breaks fund" in listing.text and "Funding type added" in listing.text
    assert await AuditEvent.filter(tenant_id=tenant.id, target_id="carers-breaks").exists()

    budget = await funded_budget(tenant, one_off(10_000, "carers-breaks"))
    await place_hold(budget, 1_000, "respite", "Weekend break", "test")
    with pytest.raises(FundingRestricted):
        await place_hold(budget, 1_000, "leisure", "Cinema", "test")


async def test_bad_or_duplicate_types_are_refused_by_field(app, client_for):
    tenant = await make_tenant()
    officer = await make_member(tenant, ["council_officer"])
    client = client_for(tenant)
    await sign_in(client, officer.user.email)
    standard = await client.post(
        "/council/funding-types", headers=SAME_ORIGIN, data={"label": "Mine", "code": "nhs-chc"}
    )
    assert standard.status_code == 400 and "not a standard type" in standard.text
    await client.post(
        "/council/funding-types", headers=SAME_ORIGIN, data={"label": "Fund A", "code": "fund-a"}
    )
    again = await client.post(
        "/council/funding-types",
        headers=SAME_ORIGIN,
        data={"label": "Fund A again", "code": "fund-a"},
    )
    assert "already has a type with this code" in again.text
    empty = await client.post(
        "/council/funding-types", headers=SAME_ORIGIN, data={"label": "", "code": ""}
    )
    assert "Give the type a name" in empty.text


async def test_people_and_brokers_cannot_manage_funding_types(app, client_for):
    tenant = await make_tenant()
    person = await make_member(tenant, ["broker"])
    client = client_for(tenant)
    await sign_in(client, person.user.email)
    assert (await client.get("/council/funding-types")).status_code == 403
