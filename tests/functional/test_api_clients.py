"""Partner API clients end to end: made by the CLI or a council admin, tokens, use, revocation."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from core.api.access import require_api
from core.audit.models import AuditEvent
from core.identity.roles import Permission
from core.oauth.models import ApiClient
from core.oauth.services import create_client_as_operator, note_use
from core.oauth.tokens import sign
from core.web.forms import actor_of
from tests.factories import make_tenant
from tests.support.cli import carepurse
from tests.support.members import SAME_ORIGIN, make_member, signed_in_client

SECRET_PATTERN = re.compile(r"client secret: (\S+)")
PROBE = "/api/probe"


async def probe(request: Request) -> Response:
    """A stand-in endpoint that needs the ``audit:read`` scope (or the audit permission)."""
    actor = actor_of(request)
    await require_api(actor, "audit:read", Permission.VIEW_AUDIT)
    return JSONResponse({"client": actor.api_client_name, "scopes": sorted(actor.scopes)})


@pytest.fixture
def with_probe(app):
    """Mount the probe on every council's site of this test's app."""
    site = next(r.app for r in app.router.routes if isinstance(r, Mount) and r.path == "")
    site.tenant_app.routes.append(Route(PROBE, probe, methods=["GET", "POST"]))
    return PROBE


async def get_token(
    client: httpx.AsyncClient, client_id: str, secret: str, *, form: bool = False, **extra: str
) -> httpx.Response:
    data = {"grant_type": "client_credentials", **extra}
    if form:
        data |= {"client_id": client_id, "client_secret": secret}
        return await client.post("/oauth/token", data=data)
    return await client.post("/oauth/token", data=data, auth=(client_id, secret))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def audit_actions(tenant_id: int) -> list[str]:
    return [e.action for e in await AuditEvent.filter(tenant_id=tenant_id).order_by("sequence")]


def assert_invalid_token(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert response.headers["www-authenticate"].startswith("Bearer ")


# --- The command line ---------------------------------------------------------------------


async def test_operator_creates_lists_and_revokes_a_client_from_the_cli(app, settings, client_for):
    tenant = await make_tenant("riverbend")
    created = await carepurse(
        settings,
        "client",
        "create",
        "riverbend",
        "--name",
        "Mosaic case management",
        "--scope",
        "people:read",
        "--scope",
        "audit:read",
    )
    assert created.exit_code == 0, created.output
    secret = SECRET_PATTERN.search(created.output).group(1)
    assert "not stored and cannot be shown again" in created.output
    row = await ApiClient.get(tenant_id=tenant.id)
    assert row.client_id in created.output
    assert row.scopes == ["people:read", "audit:read"] and row.created_by_id is None
    # Only the digest is stored: no column holds the secret.
    assert secret not in str(row.__dict__) and len(row.secret_hash) == 64

    listed = await carepurse(settings, "client", "list", "riverbend")
    assert row.client_id in listed.output and "active" in listed.output
    assert secret not in listed.output

    async with client_for(tenant) as site:
        assert (await get_token(site, row.client_id, secret)).status_code == 200

    revoked = await carepurse(settings, "client", "revoke", "riverbend", row.client_id)
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    again = await carepurse(settings, "client", "revoke", "riverbend", row.client_id)
    assert again.exit_code == 0  # idempotent
    events = await AuditEvent.filter(tenant_id=tenant.id, action="api_client_created")
    assert events[0].actor_label == "Platform operator (command line)"
    assert (await audit_actions(tenant.id)).count("api_client_revoked") == 1


async def test_cli_refuses_unknown_scope_council_and_client(app, settings):
    await make_tenant("riverbend")
    bad_scope = await carepurse(
        settings, "client", "create", "riverbend", "--name", "X", "--scope", "budgets:delete"
    )
    assert bad_scope.exit_code == 2 and "--scope" in bad_scope.output
    no_council = await carepurse(
        settings, "client", "create", "nowhere", "--name", "X", "--scope", "people:read"
    )
    assert no_council.exit_code == 1 and "no council called 'nowhere'" in no_council.output
    no_client = await carepurse(settings, "client", "revoke", "riverbend", "cp_nothing")
    assert no_client.exit_code == 1 and "no such API client" in no_client.output
    assert await ApiClient.all().count() == 0


# --- Tokens ----------------------------------------------------------------------------------


async def test_tokens_by_basic_and_by_form_work_on_this_council_only(app, client_for, with_probe):
    riverbend, moorfield = await make_tenant("riverbend"), await make_tenant("moorfield")
    row, secret = await create_client_as_operator(riverbend, "Finance", ["audit:read"])
    async with client_for(riverbend) as site, client_for(moorfield) as other:
        for form in (False, True):
            answer = await get_token(site, row.client_id, secret, form=form)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert body["token_type"] == "Bearer" and body["scope"] == "audit:read"
            assert body["expires_in"] == 60 * 60
            assert answer.headers["cache-control"] == "no-store"
            used = await site.get(PROBE, headers=bearer(body["access_token"]))
            assert used.status_code == 200, used.text
            assert used.json() == {"client": "Finance", "scopes": ["audit:read"]}
            assert "no-store" in used.headers["cache-control"]

            assert_invalid_token(await other.get(PROBE, headers=bearer(body["access_token"])))
            # Public endpoints too: a token that is sent must be good.
            assert_invalid_token(
                await other.get("/api/v1/council", headers=bearer(body["access_token"]))
            )
        # A client of another council cannot get a token here.
        refused = await get_token(other, row.client_id, secret)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
        assert 'error="invalid_client"' in refused.headers["www-authenticate"]
    assert (await ApiClient.get(id=row.id)).last_used_at is not None


async def test_token_errors_are_rfc6749_json(app, client_for):
    tenant = await make_tenant("riverbend")
    row, secret = await create_client_as_operator(tenant, "Finance", ["people:read"])
    async with client_for(tenant) as site:
        wrong = await get_token(site, row.client_id, "not-the-secret")
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
        assert wrong.headers["www-authenticate"].startswith("Basic ")
        unknown = await get_token(site, "cp_unknown", secret, form=True)
        assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"

        grant = await site.post(
            "/oauth/token", data={"grant_type": "password"}, auth=(row.client_id, secret)
        )
        assert grant.status_code == 400 and grant.json() == {"error": "unsupported_grant_type"}
        scope = await get_token(site, row.client_id, secret, scope="audit:read")
        assert scope.status_code == 400 and scope.json()["error"] == "invalid_scope"

        as_json = await site.post(
            "/oauth/token", json={"grant_type": "client_credentials"}, auth=(row.client_id, secret)
        )
        assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
        not_post = await site.get("/oauth/token")
        assert not_post.status_code == 405
        assert not_post.headers["content-type"] == "application/problem+json"


async def test_scope_narrowing_and_missing_scope_is_403_problem(app, client_for, with_probe):
    tenant = await make_tenant("riverbend")
    row, secret = await create_client_as_operator(
        tenant, "Case system", ["people:read", "audit:read"]
    )
    async with client_for(tenant) as site:
        narrowed = await get_token(site, row.client_id, secret, scope="people:read")
        assert narrowed.json()["scope"] == "people:read"
        refused = await site.get(PROBE, headers=bearer(narrowed.json()["access_token"]))
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert "audit:read" in refused.json()["detail"]

        full = await get_token(site, row.client_id, secret)
        allowed = await site.get(PROBE, headers=bearer(full.json()["access_token"]))
        assert allowed.json()["scopes"] == ["audit:read", "people:read"]
    refusal = await AuditEvent.get(tenant_id=tenant.id, action="permission_refused")
    assert refusal.target_id == "audit:read" and refusal.actor_label == "API client Case system"


async def test_revoking_stops_tokens_already_issued_at_once(app, client_for, with_probe):
    tenant = await make_tenant("riverbend")
    row, secret = await create_client_as_operator(tenant, "Finance", ["audit:read"])
    async with client_for(tenant) as site:
        access_token = (await get_token(site, row.client_id, secret)).json()["access_token"]
        assert (await site.get(PROBE, headers=bearer(access_token))).status_code == 200
        await ApiClient.filter(id=row.id).update(revoked_at=row.created_at)
        assert_invalid_token(await site.get(PROBE, headers=bearer(access_token)))
        again = await get_token(site, row.client_id, secret)
        assert again.status_code == 401 and again.json()["error"] == "invalid_client"


async def test_expired_tampered_and_garbage_tokens_are_refused(
    app, settings, client_for, with_probe
):
    tenant = await make_tenant("riverbend")
    row, secret = await create_client_as_operator(tenant, "Finance", ["audit:read"])
    origin = "http://riverbend.localhost"
    long_ago = int(time.time()) - 7200
    expired = sign(
        {
            "iss": origin,
            "aud": origin + "/api/v1",
            "sub": row.client_id,
            "client_id": row.client_id,
            "scope": "audit:read",
            "tenant": {"id": tenant.id, "slug": tenant.slug},
            "iat": long_ago,
            "exp": long_ago + 3600,
            "jti": "old",
        },
        settings,
    )
    async with client_for(tenant) as site:
        good = (await get_token(site, row.client_id, secret)).json()["access_token"]
        header, payload, signature = good.split(".")
        tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
        for token in (expired, tampered, "garbage", ""):
            assert_invalid_token(await site.get(PROBE, headers=bearer(token)))


async def test_a_bearer_header_is_never_topped_up_by_cookies(app, client_for, with_probe):
    tenant = await make_tenant("riverbend")
    admin = await make_member(tenant, ["council_admin"])
    async with client_for(tenant) as site:
        await signed_in_client(site, admin)
        assert (await site.get(PROBE)).status_code == 200  # the session works on its own
        assert_invalid_token(await site.get(PROBE, headers=bearer("not-a-token")))


async def test_token_and_bearer_posts_need_no_csrf_token_even_with_cookies(
    app, client_for, with_probe
):
    tenant = await make_tenant("riverbend")
    row, secret = await create_client_as_operator(tenant, "Finance", ["audit:read"])
    async with client_for(tenant) as site:
        await site.get("/")  # a partner's HTTP library keeps the cp_csrf cookie it is sent
        assert site.cookies.get("cp_csrf")
        access_token = (await get_token(site, row.client_id, secret)).json()["access_token"]
        posted = await site.post(PROBE, headers=bearer(access_token))
        assert posted.status_code == 200, posted.text


async def test_issued_and_refused_tokens_are_audited_without_secrets(app, client_for):
    tenant = await make_tenant("riverbend")
    row, secret = await create_client_as_operator(tenant, "Finance", ["audit:read"])
    async with client_for(tenant) as site:
        await get_token(site, row.client_id, secret)
        await get_token(site, row.client_id, "wrong-secret")
        await get_token(site, "cp_somebody_else", "guess", form=True)
    events = await AuditEvent.filter(tenant_id=tenant.id).order_by("sequence")
    assert [e.action for e in events] == [
        "api_client_created",
        "api_token_issued",
        "api_token_refused",
        "api_token_refused",
    ]
    issued, wrong, unknown = events[1:]
    assert issued.target_id == row.client_id and issued.actor_label == "API client Finance"
    assert issued.details["scope"] == "audit:read"
    assert wrong.target_id == row.client_id and wrong.details == {"error": "invalid_client"}
    assert unknown.target_id == "cp_somebody_else"
    everything = " ".join(str(e.__dict__) for e in events)
    assert secret not in everything and "wrong-secret" not in everything
    assert "guess" not in everything


# --- The council console ---------------------------------------------------------------------


async def test_admin_creates_a_client_and_sees_the_secret_only_once(app, client_for):
    tenant = await make_tenant("riverbend")
    admin = await make_member(tenant, ["council_admin"])
    async with client_for(tenant) as site:
        await signed_in_client(site, admin)
        empty = await site.get("/council/api-clients")
        assert empty.status_code == 200 and "There are no API clients yet" in empty.text
        form = await site.get("/council/api-clients/new")
        assert form.status_code == 200 and 'value="people:read"' in form.text
        assert form.text.count("<h1") == 1

        created = await site.post(
            "/council/api-clients/new",
            data={"name": "Mosaic", "scopes": ["people:read", "audit:read"]},
            headers=SAME_ORIGIN,
        )
        assert created.status_code == 200, created.text
        assert "no-store" in created.headers["cache-control"]
        assert (
            created.text.count("<h1") == 1
            and "You will not be able to see it again" in created.text
        )
        secret = re.search(r'id="client-secret" type="text" value="([^"]+)"', created.text).group(1)
        row = await ApiClient.get(tenant_id=tenant.id)
        assert row.created_by_id == admin.user.id
        assert row.scopes == ["people:read", "audit:read"]
        assert secret not in str(row.__dict__)

        listing = await site.get("/council/api-clients")
        assert "Mosaic" in listing.text and row.client_id in listing.text
        assert secret not in listing.text and "Active" in listing.text
        assert (await get_token(site, row.client_id, secret)).status_code == 200
    event = await AuditEvent.get(tenant_id=tenant.id, action="api_client_created")
    assert event.actor_user_id == admin.user.id and event.target_id == row.client_id


async def test_bad_input_shows_the_error_summary_and_creates_nothing(app, client_for):
    tenant = await make_tenant("riverbend")
    admin = await make_member(tenant, ["council_admin"])
    async with client_for(tenant) as site:
        await signed_in_client(site, admin)
        refused = await site.post(
            "/council/api-clients/new",
            data={"name": "x" * 121, "scopes": ["made:up"]},
            headers=SAME_ORIGIN,
        )
        assert refused.status_code == 400
        assert "There is a problem" in refused.text
        assert 'href="#name"' in refused.text and 'href="#scopes"' in refused.text
        assert "<title>Error: " in refused.text
        nothing = await site.post(
            "/council/api-clients/new", data={"name": "Mosaic"}, headers=SAME_ORIGIN
        )
        assert nothing.status_code == 400 and "Select at least one" in nothing.text
        assert 'value="Mosaic"' in nothing.text
    assert await ApiClient.all().count() == 0


async def test_admin_revokes_after_confirming(app, client_for):
    tenant = await make_tenant("riverbend")
    admin = await make_member(tenant, ["council_admin"])
    row, secret = await create_client_as_operator(tenant, "Finance", ["audit:read"])
    async with client_for(tenant) as site:
        await signed_in_client(site, admin)
        confirm = await site.get(f"/council/api-clients/{row.client_id}/revoke")
        assert confirm.status_code == 200 and "Are you sure" in confirm.text
        done = await site.post(f"/council/api-clients/{row.client_id}/revoke", headers=SAME_ORIGIN)
        assert done.status_code == 303
        assert done.headers["location"] == f"/council/api-clients?revoked={row.client_id}"
        listing = await site.get(done.headers["location"])
        assert "Finance has been revoked" in listing.text and "Revoked" in listing.text
        assert (await get_token(site, row.client_id, secret)).status_code == 401
        again = await site.get(f"/council/api-clients/{row.client_id}/revoke")
        assert "already revoked" in again.text
    assert (await audit_actions(tenant.id)).count("api_client_revoked") == 1


async def test_only_council_admins_may_manage_clients(app, client_for):
    tenant = await make_tenant("riverbend")
    officer = await make_member(tenant, ["council_officer"])
    person = await make_member(tenant, ["person"])
    row, _ = await create_client_as_operator(tenant, "Finance", ["audit:read"])
    async with client_for(tenant) as anonymous:
        page = await anonymous.get("/council/api-clients")
        assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")
    for member in (officer, person):
        async with client_for(tenant) as site:
            await signed_in_client(site, member)
            for path in ("/council/api-clients", "/council/api-clients/new"):
                assert (await site.get(path)).status_code == 403
            refused = await site.post(
                "/council/api-clients/new",
                data={"name": "Sneaky", "scopes": ["people:read"]},
                headers=SAME_ORIGIN,
            )
            assert refused.status_code == 403 and "You cannot do that" in refused.text
            revoke = await site.post(
                f"/council/api-clients/{row.client_id}/revoke", headers=SAME_ORIGIN
            )
            assert revoke.status_code == 403
    assert await ApiClient.filter(revoked_at__isnull=True).count() == 1
    assert "permission_refused" in await audit_actions(tenant.id)


async def test_another_councils_client_is_not_found(app, client_for):
    riverbend, moorfield = await make_tenant("riverbend"), await make_tenant("moorfield")
    admin = await make_member(riverbend, ["council_admin"])
    theirs, _ = await create_client_as_operator(moorfield, "Theirs", ["audit:read"])
    async with client_for(riverbend) as site:
        await signed_in_client(site, admin)
        path = f"/council/api-clients/{theirs.client_id}/revoke"
        assert (await site.get(path)).status_code == 404
        assert (await site.post(path, headers=SAME_ORIGIN)).status_code == 404
        assert theirs.client_id not in (await site.get("/council/api-clients")).text
    assert (await ApiClient.get(id=theirs.id)).revoked_at is None


async def test_cross_site_posts_are_refused(app, client_for):
    tenant = await make_tenant("riverbend")
    admin = await make_member(tenant, ["council_admin"])
    row, _ = await create_client_as_operator(tenant, "Finance", ["audit:read"])
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    async with client_for(tenant) as site:
        await signed_in_client(site, admin)
        created = await site.post(
            "/council/api-clients/new",
            data={"name": "Forged", "scopes": ["people:write"]},
            headers=cross_site,
        )
        assert created.status_code == 403
        revoked = await site.post(
            f"/council/api-clients/{row.client_id}/revoke", headers=cross_site
        )
        assert revoked.status_code == 403
    assert await ApiClient.filter(revoked_at__isnull=True).count() == 1


async def test_last_used_is_written_at_most_once_a_minute(db):
    tenant = await make_tenant("riverbend")
    row, _ = await create_client_as_operator(tenant, "Finance", ["audit:read"])
    await note_use(row)
    first = (await ApiClient.get(id=row.id)).last_used_at
    await note_use(row)
    assert (await ApiClient.get(id=row.id)).last_used_at == first
    row.last_used_at = first - timedelta(minutes=2)
    await note_use(row)
    assert (await ApiClient.get(id=row.id)).last_used_at > first


async def test_a_bearer_token_on_the_platform_site_is_refused(app, platform_client):
    assert_invalid_token(await platform_client.get("/api/v1/council", headers=bearer("anything")))
