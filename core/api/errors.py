"""Domain errors answered as problems inside an API handler rather than raised past it.

An endpoint that honours ``Idempotency-Key`` must turn a refusal into a response
itself, so the refusal can be stored and replayed like any other first answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from core.api.bodies import MalformedBody
from core.api.problem import problem
from core.errors import CarepurseError, RuleRefused
from core.web.errors import domain_error


async def problem_for(request: Request, exc: CarepurseError) -> Response:
    """The problem the app's exception handlers would give, plus a rule's own members
    (e.g. ``available_pence`` for not enough money)."""
    if isinstance(exc, MalformedBody):
        return problem(400, str(exc), errors=exc.problems)
    if isinstance(exc, RuleRefused):
        members_of = getattr(exc, "problem_members", None)
        members = members_of() if callable(members_of) else {}
        return problem(422, str(exc), slug=getattr(exc, "slug", "rule-refused"), **members)
    return await domain_error(request, exc)


async def answer(request: Request, handler: Callable[[], Awaitable[Response]]) -> Response:
    """Run ``handler``; a domain error becomes its problem response."""
    try:
        return await handler()
    except CarepurseError as exc:
        return await problem_for(request, exc)
