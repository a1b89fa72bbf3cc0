"""A provider owner connects their own system (an API client tied to the provider): only the
orders and deliveries scopes, the secret shown once, revocable, and never let into anything
of the council's."""

from __future__ import annotations

import re
import uuid

import pytest

from core.audit.models import AuditEvent
from core.errors import InvalidInput
from core.identity.actor import Actor
from core.identity.permissions import PermissionDenied, require_council
from core.identity.roles import Permission
from core.oauth.models import ApiClient
from core.oauth.services import create_client_as_operator
from tests.functional.marketplace.search_helpers import make_store
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_placement import setup
from tests.support.members import SAME_ORIGIN, make_member, signed_in_client

pytestmark = pytest.mark.usefixtures("db")

PAGE = "/provider/api-clients"
CLIENT_ID = re.compile(r'id="client-id" type="text" value="([^"]+)"')
SECRET = re.compile(r'id="client-secret" type="text" value="([^"]+)"')


@pytest.fixture
async def owner_site(app, client_for):
    """Kind Hands' owner, signed in on the council's site, and the store."""
    tenant, _, person, store, _ = await setup()
    owner = await team_member(tenant, await store.provider, "owner")
    site = await signed_in_client(client_for(tenant), owner)
    return tenant, store, site, person


async def test_an_owner_connects_a_system_and_sees_its_secret_once(owner_site):
    tenant, store, site, _ = owner_site
    page = await site.get(PAGE)
    assert page.status_code == 200 and "You have not connected a system yet" in page.text
    assert "budgets:read" not in page.text

    created = await site.post(
        PAGE,
        data={"name": "Rota system", "scopes": ["orders:read", "deliveries:write"]},
        headers=SAME_ORIGIN,
    )
    assert created.status_code == 200, created.text
    assert "no-store" in created.headers["cache-control"]
    client_id = CLIENT_ID.search(created.text)[1]  # type: ignore[index]
    secret = SECRET.search(created.text)[1]  # type: ignore[index]
    row = await ApiClient.get(client_id=client_id)
    assert row.provider_id == store.provider_id  # type: ignore[attr-defined]
    assert row.scopes == ["orders:read", "deliveries:write"] and row.tenant_id == tenant.id  # type: ignore[attr-defined]
    assert secret not in (await site.get(PAGE)).text
    [event] = await AuditEvent.filter(action="api_client_created")
    assert event.details["provider_id"] == str(store.provider_id)  # type: ignore[attr-defined]

    token = await site.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert token.status_code == 200
    assert set(token.json()["scope"].split()) == {"orders:read", "deliveries:write"}


async def test_council_scopes_and_no_name_are_refused_with_reasons(owner_site):
    _, _, site, _ = owner_site
    refused = await site.post(
        PAGE,
        data={"name": "", "scopes": ["orders:read", "budgets:read", "people:read"]},
        headers=SAME_ORIGIN,
    )
    assert refused.status_code == 400
    assert "Enter a name for the API client" in refused.text
    assert "A provider&#39;s system may not have" in refused.text
    assert "There is a problem" in refused.text
    assert await ApiClient.all().count() == 0
    with pytest.raises(InvalidInput):
        await create_client_as_operator(
            owner_site[0], "Sneaky", ["audit:read"], provider=await owner_site[1].provider
        )


async def test_only_an_owner_may_manage_the_providers_systems(owner_site, client_for):
    tenant, store, _, person = owner_site
    manager = await team_member(tenant, await store.provider, "manager")
    as_manager = await signed_in_client(client_for(tenant), manager)
    assert (await as_manager.get(PAGE)).status_code == 403
    posted = await as_manager.post(
        PAGE, data={"name": "Rota", "scopes": ["orders:read"]}, headers=SAME_ORIGIN
    )
    assert posted.status_code == 403
    as_person = await signed_in_client(client_for(tenant), person)
    assert (await as_person.get(PAGE)).status_code == 403
    officer = await make_member(tenant, ["council_admin"])
    as_officer = await signed_in_client(client_for(tenant), officer)
    assert (await as_officer.get(PAGE)).status_code == 403
    assert await ApiClient.all().count() == 0


async def test_an_owner_revokes_only_their_own_systems(owner_site):
    tenant, store, site, _ = owner_site
    ours, _ = await create_client_as_operator(
        tenant, "Rota system", ["orders:read"], provider=await store.provider
    )
    other_store = await make_store(tenant, "Bright Days")
    theirs, _ = await create_client_as_operator(
        tenant, "Their rota", ["orders:read"], provider=await other_store.provider
    )
    council, _ = await create_client_as_operator(tenant, "Case system", ["people:read"])
    listed = await site.get(PAGE)
    assert "Rota system" in listed.text
    assert "Their rota" not in listed.text and "Case system" not in listed.text

    for stranger in (theirs, council):
        form = await site.get(f"{PAGE}/revoke?client={stranger.client_id}")
        assert form.status_code == 404
        post = await site.post(
            f"{PAGE}/revoke", data={"client": stranger.client_id}, headers=SAME_ORIGIN
        )
        assert post.status_code == 404
    confirm = await site.get(f"{PAGE}/revoke?client={ours.client_id}")
    assert confirm.status_code == 200 and "Are you sure" in confirm.text
    done = await site.post(f"{PAGE}/revoke", data={"client": ours.client_id}, headers=SAME_ORIGIN)
    assert (
        done.status_code == 303 and done.headers["location"] == f"{PAGE}?revoked={ours.client_id}"
    )
    assert (await ApiClient.get(id=ours.id)).revoked_at is not None
    assert (await ApiClient.get(id=theirs.id)).revoked_at is None
    assert (await ApiClient.get(id=council.id)).revoked_at is None
    assert "has been revoked" in (await site.get(done.headers["location"])).text


async def test_a_provider_system_is_refused_by_every_council_endpoint(app, client_for):
    tenant, budget, person, store, _ = await setup()
    client = client_for(tenant)
    # Even a provider client given council scopes behind the services' back is refused.
    system, secret = await create_client_as_operator(
        tenant, "Rota", ["orders:read"], provider=await store.provider
    )
    council_scopes = ["orders:read", "people:read", "budgets:read", "audit:read", "catalogue:read"]
    await ApiClient.filter(id=system.id).update(scopes=council_scopes)
    token = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": " ".join(council_scopes)},
        auth=(system.client_id, secret),
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    for path in (
        "/api/v1/people",
        f"/api/v1/people/{person.id}",
        "/api/v1/audit-events",
        f"/api/v1/budgets/{budget.id}",
        "/api/v1/accreditations",
        "/api/v1/unmet-needs",
    ):
        response = await client.get(path, headers=headers)
        assert response.status_code in (403, 404), (path, response.status_code)
    for path in ("/api/v1/people", "/api/v1/audit-events", "/api/v1/accreditations"):
        response = await client.get(path, headers=headers)
        assert response.status_code == 403, path
    hold = await client.post(
        f"/api/v1/budgets/{budget.id}/holds",
        headers=headers,
        json={"amount_pence": 100, "category": "personal-care", "description": "x"},
    )
    assert hold.status_code in (403, 404)
    assert (await client.get("/api/v1/orders", headers=headers)).status_code == 200


async def test_a_provider_system_never_holds_a_council_permission(owner_site):
    tenant, store, _, _ = owner_site
    actor = Actor(
        tenant=tenant,
        api_client_name="Rota",
        api_client_id=uuid.uuid4(),
        api_provider_id=store.provider_id,  # type: ignore[attr-defined]
        scopes=frozenset({"people:read", "budgets:read", "audit:read"}),
    )
    for permission in (Permission.VIEW_USERS, Permission.VIEW_BUDGET, Permission.VIEW_AUDIT):
        with pytest.raises(PermissionDenied):
            await require_council(actor, permission)
