"""Platform operators sign in on the platform host and can close or reopen a council."""

from __future__ import annotations

from core.audit.models import AuditEvent
from core.identity.operators import make_operator
from tenants.models import Tenant, TenantStatus
from tests.factories import make_tenant
from tests.support.members import PASSWORD, SAME_ORIGIN, make_member, sign_in


async def test_operator_closes_and_reopens_a_council(app, platform_client, client_for):
    tenant = await make_tenant("closeby", "Closeby Council")
    operator = await make_operator("op@platform.example", "Opal Operator", PASSWORD)
    signed = await sign_in(platform_client, operator.email)
    assert signed.headers["location"] == "/operator"
    console = await platform_client.get("/operator")
    assert "Closeby Council" in console.text

    empty = await platform_client.post(
        "/operator/councils/closeby/suspend", data={"reason": ""}, headers=SAME_ORIGIN
    )
    assert empty.status_code == 400 and "cannot be empty" in empty.text
    closed = await platform_client.post(
        "/operator/councils/closeby/suspend",
        headers=SAME_ORIGIN,
        data={"reason": "Moving to a new contract on Monday."},
    )
    assert closed.status_code == 303
    assert (await Tenant.get(id=tenant.id)).status == TenantStatus.SUSPENDED
    assert "Moving to a new contract" in (await client_for(tenant).get("/")).text

    await platform_client.post("/operator/councils/closeby/activate", headers=SAME_ORIGIN)
    assert (await client_for(tenant).get("/")).status_code == 200
    events = await AuditEvent.filter(tenant_id=None, action="council_status_changed")
    assert [e.details["status"] for e in events] == ["suspended", "active"]


async def test_council_members_cannot_use_the_operator_console(app, platform_client):
    tenant = await make_tenant()
    admin = await make_member(tenant, ["council_admin"])
    refused = await sign_in(platform_client, admin.user.email)
    assert refused.status_code == 403
    assert (await platform_client.get("/operator")).status_code == 303
