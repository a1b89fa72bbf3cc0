"""Refuse cross-site state changes: Fetch Metadata first, then Origin, then a form token.

Browsers label every request with ``Sec-Fetch-Site``; a page on another site
(another council's site included: that is ``same-site``, not ``same-origin``)
cannot forge it. Older browsers without it are checked by ``Origin``, and those
without either by a token in the form, signed against a cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.api.problem import problem, wants_problem_json
from core.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
COOKIE = "cp_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
MAX_FORM_BYTES = 1_000_000
# Endpoints authenticated by credentials in the request itself, never by cookies.
CREDENTIAL_PATHS = frozenset({"/oauth/token"})


def token_for(cookie_value: str, settings: Settings) -> str:
    key = hashlib.sha256(f"csrf:{settings.secret_key}".encode()).digest()
    return hmac.new(key, cookie_value.encode(), hashlib.sha256).hexdigest()


def request_origin(scope: Scope) -> str:
    host = Headers(scope=scope).get("host", "")
    return f"{scope.get('scheme', 'http')}://{host}"


class CsrfMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookie_value = _cookie(headers, COOKIE)
        new_cookie = None
        if cookie_value is None:
            cookie_value = new_cookie = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf_token"] = token_for(cookie_value, self.settings)

        if scope["method"] not in SAFE_METHODS and not _carries_own_credentials(scope, headers):
            receive, allowed = await self._allowed(scope, receive, headers, cookie_value)
            if not allowed:
                await self._refuse(scope, receive, send)
                return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and new_cookie is not None:
                secure = scope.get("scheme") == "https" or not self.settings.is_local
                attributes = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
                message.setdefault("headers", []).append(
                    (b"set-cookie", f"{COOKIE}={new_cookie}; {attributes}".encode())
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _allowed(
        self, scope: Scope, receive: Receive, headers: Headers, cookie_value: str
    ) -> tuple[Receive, bool]:
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site is not None:
            return receive, fetch_site in ("same-origin", "none")
        origin = headers.get("origin")
        if origin is not None:
            return receive, origin == request_origin(scope)
        # No browser signals at all: the form (or header) must carry the signed token.
        expected = token_for(cookie_value, self.settings)
        supplied = headers.get(HEADER)
        if supplied is None:
            body, receive = await _buffer(receive)
            if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                supplied = (parse_qs(body.decode("latin-1")).get(FIELD) or [None])[0]
        return receive, supplied is not None and hmac.compare_digest(supplied, expected)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        detail = "this request came from another website, or its form expired"
        if wants_problem_json(request.url.path):
            response = problem(403, detail, slug="cross-site-request")
        else:
            from core.web.responses import render

            try:
                response = render(
                    request,
                    "errors/forbidden_cross_site.html",
                    "Form could not be sent",
                    status_code=403,
                )
            except Exception:  # the site may not be resolved yet (platform/unknown host)
                from starlette.responses import PlainTextResponse

                response = PlainTextResponse(detail, status_code=403)
        await response(scope, receive, send)


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def _carries_own_credentials(scope: Scope, headers: Headers) -> bool:
    """Partner calls: nothing a browser on another site could forge.

    A bearer token is the only credential looked at when one is sent (cookies
    are then ignored, see core.web.identity), and another site cannot make a
    browser add an ``Authorization: Bearer`` header. The token endpoint reads
    only the client credentials in the request itself. Partners' HTTP libraries
    often keep the ``cp_csrf`` cookie, so its presence must not matter.
    """
    if scope.get("path") in CREDENTIAL_PATHS:
        return True
    return headers.get("authorization", "").lower().startswith("bearer ")


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            break
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
