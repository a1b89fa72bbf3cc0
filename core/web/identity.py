"""Who is asking: resolved once per request, after the site, before any route runs."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import Scope

from core.identity.actor import Actor
from core.identity.models import Membership, User
from core.identity.sessions import CookiePolicy, load_session
from core.runtime import Runtime
from tenants.models import Tenant

SESSION_COOKIE = "cp_session"


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


async def identify(scope: Scope, tenant: Tenant | None, runtime: Runtime) -> Actor:
    """The actor for this request: a session's member, or anonymous.

    A session only counts on the site (council or platform) it was started on,
    and a user's membership is looked up in this council only.
    """
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
