"""Partner API calls in tests: a bearer token for an API client with the given scopes."""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from core.oauth.services import create_client_as_operator
from tenants.models import Tenant


async def bearer_headers(
    client: httpx.AsyncClient, tenant: Tenant, scopes: Iterable[str], name: str = "Partner system"
) -> dict[str, str]:
    """``Authorization`` for a new API client of ``tenant`` holding ``scopes``."""
    api_client, secret = await create_client_as_operator(tenant, name, list(scopes))
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(api_client.client_id, secret),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
