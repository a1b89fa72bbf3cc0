"""Small helpers for HTML form handlers: reading forms, errors, redirects, sign-in gates."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.errors import FieldProblem
from core.identity.actor import Actor

Handler = Callable[[Request], Awaitable[Response]]


async def form_values(request: Request) -> dict[str, str]:
    """Text fields of a submitted form, stripped (passwords are kept as typed)."""
    form = await request.form()
    values = {}
    for key, value in form.multi_items():
        if isinstance(value, str) and key != "csrf_token":
            values[key] = value if "password" in key or key == "confirm" else value.strip()
    return values


def field_errors(problems: Iterable[FieldProblem]) -> dict[str, str]:
    """``{field: message}`` for the error summary; the first message per field wins."""
    errors: dict[str, str] = {}
    for problem in problems:
        errors.setdefault(problem.field.split(".")[-1], problem.message)
    return errors


def safe_next(value: str | None, default: str = "/") -> str:
    """Only paths on this site: never ``//evil.example`` or ``https://...``."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def actor_of(request: Request) -> Actor:
    return request.state.actor  # type: ignore[no-any-return]


def signed_in(handler: Handler) -> Handler:
    """Send visitors who are not signed in (as a member of this site) to the sign-in page."""

    @functools.wraps(handler)
    async def gate(request: Request) -> Response:
        actor = actor_of(request)
        member_here = actor.membership is not None or (
            actor.tenant is None and actor.user is not None and actor.user.is_platform_operator
        )
        if not actor.is_signed_in or not member_here:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return see_other(f"/sign-in?next={quote(target)}")
        return await handler(request)

    return gate
