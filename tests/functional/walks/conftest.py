"""Fixtures for the whole-app walks: two populated councils and signed-in clients."""

from __future__ import annotations

import httpx
import pytest_asyncio

from core.identity.operators import make_operator
from tests.conftest import site_client
from tests.support.members import PASSWORD, sign_in
from tests.support.world import Council, make_council


@pytest_asyncio.fixture
async def councils(app) -> tuple[Council, Council]:
    runtime = app.state.runtime
    return await make_council(runtime, "alpha"), await make_council(runtime, "bravo")


@pytest_asyncio.fixture
async def admin_of_alpha(app, councils) -> httpx.AsyncClient:
    alpha, _ = councils
    client = site_client(app, f"{alpha.tenant.slug}.localhost", raise_errors=False)
    response = await sign_in(client, alpha.admin.user.email)
    assert response.status_code == 303
    return client


@pytest_asyncio.fixture
async def operator_client(app, councils) -> httpx.AsyncClient:
    """A platform operator signed in on the platform's own host."""
    operator = await make_operator("operator@platform.example", "Opal Operator", PASSWORD)
    client = site_client(app, "localhost", raise_errors=False)
    response = await sign_in(client, operator.email or "")
    assert response.status_code == 303
    return client


async def bearer_token(client: httpx.AsyncClient, council: Council) -> str:
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(council.client_id, council.client_secret),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
