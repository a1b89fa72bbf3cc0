"""Every state-changing route refuses a cross-site request, however it is dressed up."""

from __future__ import annotations

from core.audit.models import AuditEvent
from tests.support.routes import UNSAFE, endpoints

ATTEMPTS = {
    "another site": {"Sec-Fetch-Site": "cross-site"},
    "another council (same site)": {"Sec-Fetch-Site": "same-site"},
    "old browser, foreign Origin": {"Origin": "http://evil.example"},
    "no browser signals, no token": {},
}
# Authenticated by credentials in the request itself, never by a cookie (see csrf.py).
OWN_CREDENTIALS = {"/oauth/token"}


async def test_cross_site_posts_are_refused_on_every_unsafe_route(
    app, councils, admin_of_alpha, operator_client
):
    alpha, _ = councils
    values = alpha.path_values()
    events_before = await AuditEvent.all().count()
    tried, accepted = 0, []
    clients = {"tenant": admin_of_alpha, "platform": operator_client}
    for endpoint in endpoints(app):
        if endpoint.site not in clients or endpoint.path in OWN_CREDENTIALS:
            continue
        client = clients[endpoint.site]
        for method in endpoint.methods:
            if method not in UNSAFE:
                continue
            for label, headers in ATTEMPTS.items():
                response = await client.request(
                    method,
                    endpoint.fill(values),
                    headers=headers,
                    data={"reason": "forged", "roles": "council_admin", "email": "x@e.org"},
                )
                tried += 1
                refused = "could not be sent" in response.text or "cross-site-request" in (
                    response.text
                )
                if response.status_code != 403 or not refused:
                    accepted.append(f"{label}: {method} {endpoint.path} -> {response.status_code}")
    assert tried >= 4 * 15
    assert accepted == []
    # Nothing happened: no new audit events (every change is audited).
    assert await AuditEvent.all().count() == events_before


async def test_a_form_from_this_site_with_its_token_still_works_without_browser_signals(
    app, councils, admin_of_alpha
):
    alpha, _ = councils
    page = await admin_of_alpha.get(f"/council/users/{alpha.person.id}")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = await admin_of_alpha.post(
        f"/council/users/{alpha.person.id}/bar",
        data={"csrf_token": token, "reason": "Testing the token path"},
    )
    assert response.status_code == 303


async def test_api_calls_with_a_bearer_token_need_no_csrf_token(app, councils, admin_of_alpha):
    from tests.functional.walks.conftest import bearer_token

    alpha, _ = councils
    token = await bearer_token(admin_of_alpha, alpha)
    admin_of_alpha.cookies.clear()
    response = await admin_of_alpha.post(
        "/api/v1/people",
        json={"name": "Added By Partner"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
