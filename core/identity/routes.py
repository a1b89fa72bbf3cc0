"""Sign in, sign out and forgotten passwords, on council sites and the platform site."""

from __future__ import annotations

from datetime import datetime
from math import ceil

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import utcnow
from core.errors import InvalidInput
from core.identity.accounts import (
    GENERIC_REFUSAL,
    AccountBarred,
    NotAMember,
    SignInRefused,
    SignInThrottled,
    sign_in_with_password,
)
from core.identity.models import User
from core.identity.password_reset import EXPIRED, complete_reset, request_reset, valid_reset
from core.identity.sessions import end_session, start_session
from core.oidc.providers import sign_in_choices
from core.web.forms import actor_of, field_errors, form_values, safe_next, see_other
from core.web.identity import client_ip, session_cookie_policy
from core.web.platform import council_url
from core.web.responses import render, runtime_of


def home_of(request: Request) -> str:
    """Where a signed-in person lands: their account, or the operator console on the platform."""
    return "/account" if actor_of(request).tenant is not None else "/operator"


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    policy = session_cookie_policy(request.scope, runtime_of(request))
    response.set_cookie(
        policy.name, value, httponly=True, secure=policy.secure, samesite="lax", path="/"
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    policy = session_cookie_policy(request.scope, runtime_of(request))
    response.delete_cookie(
        policy.name, path="/", secure=policy.secure, httponly=True, samesite="lax"
    )


async def begin_session(request: Request, user: User, next_url: str) -> Response:
    """Start a fresh session (never reuse the visitor's old one) and go on."""
    old = getattr(request.state, "session", None)
    if old is not None:
        await end_session(old)
    runtime = runtime_of(request)
    cookie = await start_session(
        user, request.state.actor.tenant, runtime.settings, client_ip(request.scope)
    )
    response = see_other(safe_next(next_url, home_of(request)))
    set_session_cookie(response, request, cookie)
    return response


def sign_in_page(request: Request, status: int = 200, **values: object) -> Response:
    values.setdefault("errors", {})
    values.setdefault("values", {})
    values.setdefault("next", safe_next(request.query_params.get("next"), home_of(request)))
    values.setdefault("throttled_minutes", None)
    values.setdefault("identity_providers", sign_in_choices(request.state))
    return render(request, "identity/sign_in.html", "Sign in", status_code=status, **values)


async def sign_in_form(request: Request) -> Response:
    return sign_in_page(request)


def _minutes_until(moment: datetime) -> int:
    return max(1, ceil((moment - utcnow()).total_seconds() / 60))


async def sign_in(request: Request) -> Response:
    values = await form_values(request)
    email, password = values.get("email", ""), values.get("password", "")
    next_url = safe_next(values.get("next"), home_of(request))
    if not email or not password:
        errors = {}
        if not email:
            errors["email"] = "Enter your email address"
        if not password:
            errors["password"] = "Enter your password"
        return sign_in_page(request, 400, errors=errors, values={"email": email}, next=next_url)
    tenant = actor_of(request).tenant
    try:
        result = await sign_in_with_password(tenant, email, password, client_ip(request.scope))
    except SignInThrottled as refused:
        return sign_in_page(
            request,
            429,
            values={"email": email},
            next=next_url,
            throttled_minutes=_minutes_until(refused.until),
        )
    except SignInRefused:
        return sign_in_page(
            request, 400, errors={"email": GENERIC_REFUSAL}, values={"email": email}, next=next_url
        )
    except AccountBarred as barred:
        return render(
            request,
            "identity/barred.html",
            "You cannot use this website",
            status_code=403,
            reason=barred.membership.barred_reason,
        )
    except NotAMember as outsider:
        councils = [
            {"name": t.name, "url": council_url(request, t.slug)[0]} for t in outsider.councils
        ]
        return render(
            request,
            "identity/not_a_member.html",
            "Account not part of this council",
            status_code=403,
            councils=councils,
        )
    return await begin_session(request, result.user, next_url)


async def sign_out(request: Request) -> Response:
    session = getattr(request.state, "session", None)
    actor = actor_of(request)
    if session is not None:
        await end_session(session)
        await record(
            actor.tenant.id if actor.tenant else None,
            AuditAction.SIGN_OUT,
            actor,
            target_type="user",
            target_id=actor.user.id if actor.user else None,
        )
    response = see_other("/signed-out")
    clear_session_cookie(response, request)
    return response


async def signed_out(request: Request) -> Response:
    return render(request, "identity/signed_out.html", "You have signed out")


async def forgotten_password_form(request: Request) -> Response:
    return render(
        request, "identity/forgotten_password.html", "Reset your password", errors={}, values={}
    )


async def forgotten_password(request: Request) -> Response:
    values = await form_values(request)
    email = values.get("email", "")
    if "@" not in email:
        return render(
            request,
            "identity/forgotten_password.html",
            "Reset your password",
            status_code=400,
            values=values,
            errors={"email": "Enter an email address, like name@example.com"},
        )
    site_url = str(request.base_url)
    await request_reset(actor_of(request).tenant, email, site_url, client_ip(request.scope))
    return render(request, "identity/check_email.html", "Check your email", email=email)


def reset_page(
    request: Request,
    status: int = 200,
    errors: dict[str, str] | None = None,
    *,
    expired: bool = False,
) -> Response:
    return render(
        request,
        "identity/reset_password.html",
        "Choose a new password",
        status_code=status,
        token=request.path_params["token"],
        errors=errors or {},
        expired=EXPIRED if expired else None,
    )


async def reset_password_form(request: Request) -> Response:
    try:
        await valid_reset(request.path_params["token"])
    except InvalidInput:
        return reset_page(request, 410, expired=True)
    return reset_page(request)


async def reset_password(request: Request) -> Response:
    values = await form_values(request)
    try:
        user = await complete_reset(
            actor_of(request).tenant,
            request.path_params["token"],
            values.get("password", ""),
            values.get("confirm", ""),
            client_ip(request.scope),
        )
    except InvalidInput as refused:
        errors = field_errors(refused.problems)
        if "token" in errors:
            return reset_page(request, 410, expired=True)
        return reset_page(request, 400, errors)
    return await begin_session(request, user, home_of(request))


routes = [
    Route("/sign-in", sign_in_form, methods=["GET"], name="identity:sign-in-form"),
    Route("/sign-in", sign_in, methods=["POST"], name="identity:sign-in"),
    Route("/sign-out", sign_out, methods=["POST"], name="identity:sign-out"),
    Route("/signed-out", signed_out, methods=["GET"], name="identity:signed-out"),
    Route("/forgotten-password", forgotten_password_form, methods=["GET"]),
    Route("/forgotten-password", forgotten_password, methods=["POST"]),
    Route("/reset-password/{token}", reset_password_form, methods=["GET"]),
    Route("/reset-password/{token}", reset_password, methods=["POST"]),
]
