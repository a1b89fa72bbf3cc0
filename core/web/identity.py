"""Who is asking: resolved once per request, after the site, before any route runs."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import Scope

from core.identity.actor import Actor
from core.identity.models import Membership, User
from core.identity.sessions import CookiePolicy, load_session
from core.oauth.bearer import authenticate_bearer
from core.oauth.tokens import InvalidToken, council_origin
from core.runtime import Runtime
from tenants.models import Tenant

SESSION_COOKIE = "cp_session"
BEARER_CHALLENGE = 'Bearer realm="carepurse", error="invalid_token"'


def client_ip(scope: Scope) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


def session_cookie_policy(scope: Scope, runtime: Runtime) -> CookiePolicy:
    return CookiePolicy.for_request(SESSION_COOKIE, scope.get("scheme", "http"), runtime.settings)


def read_cookie(scope: Scope, name: str) -> str | None:
    for part in Headers(scope=scope).get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def bearer_token(scope: Scope) -> str | None:
    """The token of an ``Authorization: Bearer`` header ("" if empty), or None if there is none."""
    scheme, _, token = Headers(scope=scope).get("authorization", "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


async def identify_bearer(
    scope: Scope, token: str, tenant: Tenant | None, runtime: Runtime
) -> Actor:
    """An API client, or a 401 at once (RFC 6750 §3.1): a bad token is never 'anonymous'."""
    try:
        if tenant is None:
            raise InvalidToken("the platform site has no API")
        origin = council_origin(scope.get("scheme", "http"), Headers(scope=scope).get("host", ""))
        actor = await authenticate_bearer(
            token, tenant, origin, settings=runtime.settings, ip=client_ip(scope)
        )
    except InvalidToken:
        raise HTTPException(
            401,
            "the access token is not valid here, has expired or was revoked; "
            "get a new one from /oauth/token",
            headers={"WWW-Authenticate": BEARER_CHALLENGE},
        ) from None
    scope.setdefault("state", {}).update(personal=True)
    return actor


async def identify(scope: Scope, tenant: Tenant | None, runtime: Runtime) -> Actor:
    """The actor for this request: an API client's token, a session's member, or anonymous.

    A bearer token, when sent, is the only credential looked at (cookies are
    ignored). A session only counts on the site (council or platform) it was
    started on, and a user's membership is looked up in this council only.
    """
    token = bearer_token(scope)
    if token is not None:
        return await identify_bearer(scope, token, tenant, runtime)
    ip = client_ip(scope)
    policy = session_cookie_policy(scope, runtime)
    session = await load_session(read_cookie(scope, policy.name), tenant, runtime.settings)
    if session is None:
        return Actor(tenant=tenant, ip=ip)
    user = await User.get(id=session.user_id)
    membership = None
    if tenant is not None:
        membership = await Membership.get_or_none(tenant_id=tenant.id, user_id=user.id)
    scope.setdefault("state", {}).update(session=session, personal=True)
    return Actor(tenant=tenant, user=user, membership=membership, ip=ip)
