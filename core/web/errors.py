"""Error pages and problem responses: friendly to people, precise for programs."""

from __future__ import annotations

import logging
import uuid
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.api.problem import problem, wants_problem_json
from core.errors import Conflict, InvalidInput, NotFound, RuleRefused
from core.identity.permissions import PermissionDenied, SignInRequired
from core.web.forms import see_other
from core.web.responses import render

logger = logging.getLogger(__name__)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if wants_problem_json(request.url.path):
        return problem(exc.status_code, exc.detail, headers=exc.headers)
    if exc.status_code == 404:
        return render(request, "errors/not_found.html", "Page not found", status_code=404)
    if exc.status_code == 405:
        return Response("Method not allowed", status_code=405, headers=exc.headers)
    return Response(exc.detail, status_code=exc.status_code, headers=exc.headers)


async def domain_error(request: Request, exc: Exception) -> Response:
    """Service errors that escaped a handler: the API maps them to problems."""
    if isinstance(exc, NotFound):
        return await http_error(request, HTTPException(404, str(exc)))
    if isinstance(exc, SignInRequired):
        if wants_problem_json(request.url.path):
            return problem(
                401,
                str(exc),
                slug="unauthorised",
                headers={"WWW-Authenticate": 'Bearer realm="carepurse"'},
            )
        return see_other(f"/sign-in?next={quote(request.url.path)}")
    if isinstance(exc, PermissionDenied):
        if wants_problem_json(request.url.path):
            return problem(403, str(exc), slug="forbidden")
        return render(request, "errors/forbidden.html", "You cannot do that", status_code=403)
    status = 409 if isinstance(exc, Conflict) else 422
    if isinstance(exc, RuleRefused) and wants_problem_json(request.url.path):
        return problem(422, str(exc), slug=getattr(exc, "slug", "rule-refused"))
    errors = exc.problems if isinstance(exc, InvalidInput) else []
    if wants_problem_json(request.url.path):
        return problem(status, str(exc), errors=errors)
    return Response(str(exc), status_code=status)


async def server_error(request: Request, exc: Exception) -> Response:
    """Log with a reference the person can quote; never show a stack trace."""
    reference = uuid.uuid4().hex[:10].upper()
    logger.exception("unhandled error %s on %s %s", reference, request.method, request.url.path)
    if wants_problem_json(request.url.path):
        return problem(
            500, f"something went wrong; quote reference {reference}", reference=reference
        )
    try:
        return render(
            request,
            "errors/server_error.html",
            "Sorry, there is a problem",
            status_code=500,
            reference=reference,
        )
    except Exception:
        logger.exception("error page failed too (%s)", reference)
        return Response(f"Sorry, there is a problem. Reference {reference}.", status_code=500)


exception_handlers = {
    HTTPException: http_error,
    SignInRequired: domain_error,
    PermissionDenied: domain_error,
    NotFound: domain_error,
    Conflict: domain_error,
    InvalidInput: domain_error,
    RuleRefused: domain_error,
    Exception: server_error,
}
