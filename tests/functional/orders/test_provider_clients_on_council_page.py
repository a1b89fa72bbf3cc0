"""The council's API clients page tells a provider's own system apart from the council's
partner systems (names the provider), and a council admin may still revoke it."""

from __future__ import annotations

import re

import pytest

from core.audit.models import AuditEvent
from core.oauth.models import ApiClient
from core.oauth.services import create_client_as_operator
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_store
from tests.support.members import SAME_ORIGIN, make_member, signed_in_client

pytestmark = pytest.mark.usefixtures("db")

PAGE = "/council/api-clients"


def row_of(html: str, name: str) -> str:
    """The table row whose header cell starts with ``name``."""
    for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S):
        if re.search(rf'<th scope="row"[^>]*>\s*{re.escape(name)}\b', row):
            return row
    raise AssertionError(f"no row for {name!r}")


async def test_a_providers_system_is_named_and_the_councils_are_not(client_for):
    tenant = await make_tenant()
    store = await make_store(tenant, "Kind Hands")
    rota, _ = await create_client_as_operator(
        tenant, "Rota system", ["orders:read"], provider=await store.provider
    )
    await create_client_as_operator(tenant, "Case system", ["people:read"])
    admin = await make_member(tenant, ["council_admin"])
    site = await signed_in_client(client_for(tenant), admin)

    page = await site.get(PAGE)
    assert page.status_code == 200
    ours = row_of(page.text, "Rota system")
    assert "Provider’s system" in ours and "Kind Hands" in ours
    partner = row_of(page.text, "Case system")
    assert "Provider’s system" not in partner and "Kind Hands" not in partner

    form = await site.get(f"{PAGE}/{rota.client_id}/revoke")
    assert form.status_code == 200
    assert "Provider’s system: this belongs to Kind Hands" in form.text

    revoked = await site.post(f"{PAGE}/{rota.client_id}/revoke", headers=SAME_ORIGIN)
    assert revoked.status_code == 303
    assert (await ApiClient.get(id=rota.id)).revoked_at is not None
    assert await AuditEvent.filter(tenant_id=tenant.id, action="api_client_revoked").count() == 1
    after = await site.get(f"{PAGE}?revoked={rota.client_id}")
    assert "Rota system has been revoked" in after.text
    assert "Kind Hands" in row_of(after.text, "Rota system")


async def test_another_councils_provider_system_is_not_listed(client_for):
    tenant = await make_tenant("riverbend")
    elsewhere = await make_tenant("moorfield")
    store = await make_store(elsewhere, "Far Away Care")
    theirs, _ = await create_client_as_operator(
        elsewhere, "Their rota", ["orders:read"], provider=await store.provider
    )
    admin = await make_member(tenant, ["council_admin"])
    site = await signed_in_client(client_for(tenant), admin)

    page = await site.get(PAGE)
    assert "Their rota" not in page.text and "Far Away Care" not in page.text
    assert (await site.get(f"{PAGE}/{theirs.client_id}/revoke")).status_code == 404
