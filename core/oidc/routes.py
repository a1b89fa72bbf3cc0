"""``/sign-in/<provider>`` and its callback: the web side of council sign-in (OpenID Connect).

The start is a plain GET link, not a form: the site's CSP has ``form-action
'self'``, which Chrome also applies to the redirect a form submission gets, so
a form could never reach the council's provider.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.identity.accounts import AccountBarred
from core.identity.routes import begin_session
from core.identity.sessions import CookiePolicy
from core.oidc.flow import PENDING_SECONDS, unseal
from core.oidc.providers import IdentityProvider, provider_named
from core.oidc.sign_in import FailureKind, SignInFailed, finish_sign_in, start_sign_in
from core.web.forms import safe_next
from core.web.identity import client_ip, read_cookie
from core.web.responses import render, runtime_of

PENDING_COOKIE = "cp_oidc"
DEFAULT_NEXT = "/account"

PROBLEM_PAGES: dict[FailureKind, tuple[int, str]] = {
    FailureKind.EXPIRED: (400, "Your sign-in could not be finished"),
    FailureKind.CANCELLED: (400, "You have not signed in"),
    FailureKind.REFUSED: (403, "We could not confirm who you are"),
    FailureKind.UNAVAILABLE: (502, "Council sign-in is not working at the moment"),
}


def _provider(request: Request) -> IdentityProvider:
    provider = provider_named(request.state.plugins, request.path_params["provider"])
    if provider is None:
        raise HTTPException(404)
    return provider


def _cookie_policy(request: Request) -> CookiePolicy:
    settings = runtime_of(request).settings
    return CookiePolicy.for_request(PENDING_COOKIE, request.url.scheme, settings)


def _forget_pending(response: Response, request: Request) -> Response:
    policy = _cookie_policy(request)
    response.delete_cookie(
        policy.name, path="/", secure=policy.secure, httponly=True, samesite="lax"
    )
    return response


def redirect_uri(request: Request, provider: IdentityProvider) -> str:
    """This council's own address (the host the browser used) + the callback path."""
    return f"{str(request.base_url).rstrip('/')}/sign-in/{provider.name}/callback"


def _problem(request: Request, kind: FailureKind, next_url: str) -> Response:
    status, title = PROBLEM_PAGES[kind]
    response = render(
        request,
        "identity/oidc_problem.html",
        title,
        status_code=status,
        kind=kind.value,
        next=next_url,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def start(request: Request) -> Response:
    """Send the browser to the council's provider, remembering the attempt in a cookie."""
    provider = _provider(request)
    next_url = safe_next(request.query_params.get("next"), DEFAULT_NEXT)
    try:
        url, sealed = await start_sign_in(
            request.state.tenant,
            provider,
            redirect_uri(request, provider),
            next_url,
            runtime_of(request).settings.secret_key,
        )
    except SignInFailed as failed:
        return _problem(request, failed.kind, next_url)
    response = RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
    policy = _cookie_policy(request)
    # Lax, so it comes back on the provider's top-level redirect; host-only and short-lived.
    response.set_cookie(
        policy.name,
        sealed,
        max_age=PENDING_SECONDS,
        path="/",
        secure=policy.secure,
        httponly=True,
        samesite="lax",
    )
    return response


async def callback(request: Request) -> Response:
    """Check the provider's answer against this browser's attempt, then start a session."""
    provider = _provider(request)
    settings = runtime_of(request).settings
    pending = unseal(read_cookie(request.scope, _cookie_policy(request).name), settings.secret_key)
    next_url = pending.next_url if pending else DEFAULT_NEXT
    try:
        result = await finish_sign_in(
            request.state.tenant,
            provider,
            pending,
            dict(request.query_params),
            client_ip(request.scope),
        )
    except SignInFailed as failed:
        return _forget_pending(_problem(request, failed.kind, next_url), request)
    except AccountBarred as barred:
        page = render(
            request,
            "identity/barred.html",
            "You cannot use this website",
            status_code=403,
            reason=barred.membership.barred_reason,
        )
        return _forget_pending(page, request)
    return _forget_pending(await begin_session(request, result.user, next_url), request)


routes: list[BaseRoute] = [
    Route("/sign-in/{provider}", start, methods=["GET"], name="oidc:start"),
    Route("/sign-in/{provider}/callback", callback, methods=["GET"], name="oidc:callback"),
]
