"""``Idempotency-Key``: a retried POST gets the first answer instead of moving money twice.

A partner whose connection drops after sending "hold £40" cannot know whether the
money was held. With a key it simply sends the same request again: if the first
one finished, the stored answer comes back (with ``Idempotent-Replayed: true``);
if it is still running, a 409 says try again shortly; if the same key comes with a
different request, that is a bug on their side and a 422 says so.

How it stays exact:

1. The first request *claims* the key by inserting an :class:`IdempotencyRecord`
   with no answer yet, committed on its own, so a concurrent duplicate sees the
   claim at once (409) rather than running too.
2. The handler then runs in one transaction together with the write of its answer
   into that claim. Either the money moved and the answer is stored, or neither
   happened. A claim left unanswered by a crash therefore has nothing committed
   under it, and after :data:`LEASE` another attempt may take it over; the
   completion is conditional on the claim row still being the one it inserted, so
   even a request slower than the lease cannot store an answer twice.

Keys are scoped per council and per caller (API client or user), so two partners
can never collide. Only answers to requests that were carried out are kept (2xx,
and 409/422 refusals); a request that never ran (malformed, unauthorised, not
found, server error) frees its key to be tried again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.api.errors import answer
from core.api.models import IdempotencyRecord
from core.api.openapi import Operation, header_parameter
from core.api.problem import PROBLEM_MEDIA_TYPE, problem
from core.clock import utcnow
from core.errors import FieldProblem
from core.identity.actor import Actor
from core.web.forms import actor_of

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
LEASE = timedelta(minutes=5)  # far longer than any request may run
KEPT_PROBLEMS = frozenset({409, 422})

Handler = Callable[[], Awaitable[Response]]
Location = Callable[[Request, Any], str | None]

PARAMETER = header_parameter(
    HEADER,
    "Any unique string up to 200 characters (a UUID is ideal). Send the same key again to "
    "get the first answer instead of repeating the change.",
    type="string",
    maxLength=MAX_KEY_LENGTH,
)


def operation(
    method: str,
    path: str,
    operation_id: str,
    summary: str,
    description: str,
    response_model: type[Any],
    problems: tuple[int, ...],
    tags: tuple[str, ...],
    **extra: Any,
) -> Operation:
    """An API operation; every POST documents (and its handler honours) ``Idempotency-Key``."""
    if method == "POST":
        extra.setdefault("parameters", (PARAMETER,))
        description += " Honours `Idempotency-Key`."
    return Operation(
        method=method,
        path=path,
        operation_id=operation_id,
        summary=summary,
        description=description,
        response_model=response_model,
        tags=tags,
        problems=problems,
        **extra,
    )


class _ClaimLost(Exception):
    """The claim was taken over after its lease ran out: this answer must not be stored."""


def caller_of(actor: Actor) -> str | None:
    """Whose keys these are: one API client, or one signed-in user."""
    if actor.api_client_id is not None:
        return f"client:{actor.api_client_id}"
    if actor.user is not None:
        return f"user:{actor.user.id}"
    return None


def request_hash(method: str, path: str, body: bytes) -> str:
    """What "the same request" means: method, path and body (JSON compared by meaning,
    so a client that re-serialises with other spacing or key order still matches)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256(f"{method.upper()}\n{path}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


def key_problem(key: str) -> str | None:
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        return f"must be 1 to {MAX_KEY_LENGTH} characters"
    if not all(" " <= character <= "~" for character in key):
        return "must be printable ASCII characters"
    return None


async def idempotent(
    request: Request, handler: Handler, *, location: Location | None = None
) -> Response:
    """Answer ``request`` with ``handler``, honouring its ``Idempotency-Key`` if it has one.

    ``handler`` may raise domain errors: they become problems (and are kept if they are
    refusals). ``location`` rebuilds the ``Location`` header of a replayed answer.
    """
    key = request.headers.get(HEADER)
    actor = actor_of(request)
    caller = caller_of(actor)
    if key is None or caller is None or actor.tenant is None:
        return await answer(request, handler)  # not signed in: the handler says 401
    if (wrong := key_problem(key)) is not None:
        return problem(
            400, f"the {HEADER} header is not valid", errors=[FieldProblem(HEADER, wrong)]
        )
    digest = request_hash(request.method, request.url.path, await request.body())
    claim = await _claim(request, actor.tenant.id, caller, key, digest, location)
    if isinstance(claim, Response):
        return claim
    return await _run(request, handler, claim)


async def _claim(
    request: Request,
    tenant_id: int,
    caller: str,
    key: str,
    digest: str,
    location: Location | None,
) -> IdempotencyRecord | Response:
    """Our new claim on the key, or the answer for a key already used."""
    for _ in range(3):
        try:
            return await IdempotencyRecord.create(
                tenant_id=tenant_id, caller=caller, key=key, request_hash=digest
            )
        except IntegrityError:
            pass
        existing = await IdempotencyRecord.get_or_none(tenant_id=tenant_id, caller=caller, key=key)
        if existing is None:
            continue  # the other attempt gave the key up meanwhile
        if existing.request_hash != digest:
            return problem(
                422,
                f"this {HEADER} was already used for a different request; "
                "use a new key for a new request",
                slug="idempotency-key-reused",
            )
        if existing.status_code is not None:
            return replay(request, existing, location)
        if existing.created_at > utcnow() - LEASE:
            return problem(
                409,
                f"a request with this {HEADER} is still being processed; "
                "send it again in a moment to get its answer",
                slug="idempotency-key-in-use",
                headers={"Retry-After": "1"},
            )
        # An abandoned claim: nothing was committed under it, so take it over.
        await IdempotencyRecord.filter(id=existing.id, status_code__isnull=True).delete()
    return problem(409, f"this {HEADER} is busy; try again", slug="idempotency-key-in-use")


def replay(
    request: Request, record: IdempotencyRecord, location: Location | None = None
) -> Response:
    """The stored first answer again, marked as a replay."""
    assert record.status_code is not None
    headers = {REPLAYED_HEADER: "true"}
    if location is not None and record.status_code < 300:
        where = location(request, record.response_body)
        if where:
            headers["Location"] = where
    response = JSONResponse(record.response_body, status_code=record.status_code, headers=headers)
    if record.status_code >= 400:
        response.headers["content-type"] = PROBLEM_MEDIA_TYPE
    return response


def _keeps(status: int) -> bool:
    return 200 <= status < 300 or status in KEPT_PROBLEMS


async def _run(request: Request, handler: Handler, claim: IdempotencyRecord) -> Response:
    kept = False
    try:
        async with in_transaction():
            response = await answer(request, handler)
            keep = _keeps(response.status_code)
            if keep:
                stored = await IdempotencyRecord.filter(
                    id=claim.id, status_code__isnull=True
                ).update(
                    status_code=response.status_code,
                    response_body=json.loads(bytes(response.body)),
                )
                if not stored:
                    raise _ClaimLost
        kept = keep
    except _ClaimLost:
        return problem(
            409,
            f"this request took too long and its {HEADER} was taken over; nothing was changed",
            slug="idempotency-key-in-use",
        )
    finally:
        if not kept:
            await IdempotencyRecord.filter(id=claim.id, status_code__isnull=True).delete()
    return response
