"""Every route, every method, as council A's administrator with council B's ids: no leak.

A route added without a way to fill its path parameters fails here, so new
routes cannot skip the walk.
"""

from __future__ import annotations

from core.identity.models import (
    Invitation,
    Membership,
    PasswordResetToken,
    PersonAccess,
    SessionHandoff,
)
from core.oauth.models import ApiClient
from tests.conftest import site_client
from tests.functional.walks.conftest import bearer_token
from tests.support.members import SAME_ORIGIN
from tests.support.routes import endpoints

# Answers that show nothing of council B. 200/303 are allowed only where no id
# is involved (a form, or a page about the caller's own council).
REFUSALS = {400, 401, 403, 404, 405, 409, 410, 422}


def foreign_fields(b) -> dict[str, str]:
    """Council B's identifiers, offered in the query string and the body."""
    return {
        "person_id": str(b.person.id),
        "member_id": str(b.person.id),
        "id": str(b.person.id),
        "broker": str(b.broker.id),
        "access_id": str(b.access.id),
        "invitation_id": str(b.invitation.id),
        "token": b.invitation_token,
        "client_id": b.client_id,
        "client_secret": b.client_secret,
        "grant_type": "client_credentials",
        "council": b.tenant.slug,
        "tenant": b.tenant.slug,
        "cursor": str(b.person.id),
        "email": "walker@example.org",
        "name": "Walk Er",
        "reason": "walk",
        "access": "manage",
        "roles": "person",
    }


async def b_state(b) -> tuple:
    members = (
        await Membership.filter(tenant_id=b.tenant.id)
        .order_by("id")
        .values_list("id", "roles", "status")
    )
    accesses = (
        await PersonAccess.filter(tenant_id=b.tenant.id)
        .order_by("id")
        .values_list("id", "revoked_at")
    )
    invitations = await Invitation.filter(tenant_id=b.tenant.id).values_list(
        "id", "accepted_at", "revoked_at"
    )
    clients = await ApiClient.filter(tenant_id=b.tenant.id).values_list("id", "revoked_at")
    resets = await PasswordResetToken.filter(user_id=b.person.user.id).values_list("used_at")
    tickets = await SessionHandoff.filter(tenant_id=b.tenant.id).values_list("used_at")
    return members, accesses, invitations, clients, resets, tickets


async def test_every_route_keeps_council_b_out_of_reach(app, councils, admin_of_alpha):
    alpha, bravo = councils
    token = await bearer_token(admin_of_alpha, alpha)
    bearer = site_client(app, f"{alpha.tenant.slug}.localhost", raise_errors=False)
    bearer.headers["Authorization"] = f"Bearer {token}"
    before = await b_state(bravo)
    walked, leaks = 0, []
    fields = foreign_fields(bravo)

    for endpoint in endpoints(app):
        if endpoint.site != "tenant":
            continue
        missing = set(endpoint.params) - set(bravo.path_values())
        assert not missing, f"{endpoint.path}: teach tests/support/world.py to fill {missing}"
        url = endpoint.fill(bravo.path_values())
        for method in endpoint.methods:
            for who, client in (("session", admin_of_alpha), ("bearer", bearer)):
                if who == "bearer" and not url.startswith("/api/"):
                    continue
                response = await client.request(
                    method,
                    url,
                    params=fields,
                    headers=SAME_ORIGIN,
                    data=fields if method != "GET" else None,
                )
                walked += 1
                shown = response.text + str(response.headers)
                for marker in bravo.markers:
                    if marker in shown:
                        leaks.append(f"{who} {method} {endpoint.path} showed {marker!r}")
                if endpoint.params and response.status_code not in REFUSALS:
                    leaks.append(
                        f"{who} {method} {endpoint.path} answered "
                        f"{response.status_code} for council B's ids"
                    )

    assert walked >= sum(len(e.methods) for e in endpoints(app) if e.site == "tenant")
    assert leaks == []
    assert await b_state(bravo) == before, "a request on council A changed council B"
