"""Members for tests: a user with a membership and roles, and signing in over HTTP."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import httpx

from core.identity.models import Membership, User
from core.identity.secrets import hash_password
from tenants.models import Tenant

PASSWORD = "correct horse battery"
# argon2id is deliberately slow; hash the shared test password once per run.
_PASSWORD_HASH = hash_password(PASSWORD)
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
_numbers = itertools.count(1)


async def make_member(
    tenant: Tenant,
    roles: Sequence[str] = ("person",),
    *,
    email: str | None = None,
    name: str | None = None,
    password: str | None = PASSWORD,
    user: User | None = None,
) -> Membership:
    """A member of ``tenant`` (a new user unless ``user`` is given); ``password=None``: no login."""
    if user is None:
        number = next(_numbers)
        user = await User.create(
            email=email if email is not None else f"member{number}@example.org",
            display_name=name or f"Member {number}",
            password_hash=(_PASSWORD_HASH if password == PASSWORD else hash_password(password))
            if password
            else None,
        )
    membership = await Membership.create(tenant=tenant, user=user, roles=list(roles))
    membership.user = user
    return membership


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> httpx.Response:
    """Post the sign-in form as the browser would (same-origin fetch metadata)."""
    return await client.post(
        "/sign-in", data={"email": email, "password": password}, headers=SAME_ORIGIN
    )


async def signed_in_client(
    client: httpx.AsyncClient, membership: Membership, password: str = PASSWORD
) -> httpx.AsyncClient:
    response = await sign_in(client, membership.user.email or "", password)
    assert response.status_code == 303, response.text
    return client
