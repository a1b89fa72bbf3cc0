"""A real OpenID Connect provider on loopback, for tests: "Test Council IdP".

Small on purpose, strict where it matters to the client under test: it checks
client credentials (basic or post), the registered redirect URI, one-time
codes and the PKCE (S256) verifier, and puts the nonce it was given in the
ID token. Switches let a test make it misbehave the way an attacker or a
broken provider would:

* ``forge_signature``: sign ID tokens with a key it does not publish (same kid);
* ``wrong_nonce``: put a different nonce in ID tokens;
* ``issuer_in_tokens``: claim another issuer in ID tokens (signed with our key);
* ``mint_as``: hand out ID tokens minted by another provider (its key, its issuer);
* ``profile_in_id_token``: leave name and email out of ID tokens (UserInfo has them).

Served by uvicorn in a thread of the test process, so both in-process apps
and the live server subprocess (and Chromium) can reach it.
"""

from __future__ import annotations

import base64
import html
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus, urlencode

import uvicorn
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.support.live_server import free_port

CODE_SECONDS = 60
PROFILE_CLAIMS = ("name", "given_name", "family_name", "email", "email_verified")


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: set[str] = field(default_factory=set)


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    subject: str
    nonce: str
    challenge: str
    scope: str
    expires_at: float
    used: bool = False


def _new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


class TestIdentityProvider:
    """One issuer. Start it with :func:`running`; ``issuer`` is known once it listens."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        title: str = "Test Council IdP",
        auth_methods: tuple[str, ...] = ("client_secret_basic", "client_secret_post"),
    ) -> None:
        self.title = title
        self.auth_methods = auth_methods
        self.issuer = ""
        kid = secrets.token_hex(8)
        self.key = _new_key(kid)
        self.forged_key = _new_key(kid)  # same kid, different key: a forgery
        self.users: dict[str, dict[str, Any]] = {}
        self.clients: dict[str, Client] = {}
        self.grants: dict[str, Grant] = {}
        self.access_tokens: dict[str, str] = {}
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.reset()

    def reset(self) -> None:
        """Switches off and history cleared; users, clients and keys are kept."""
        self.forge_signature = False
        self.wrong_nonce = False
        self.issuer_in_tokens: str | None = None
        self.mint_as: TestIdentityProvider | None = None
        self.profile_in_id_token = True
        self.grants.clear()
        self.access_tokens.clear()
        self.authorize_requests.clear()
        self.token_requests.clear()

    # -- set-up ---------------------------------------------------------------

    def add_user(self, subject: str, name: str, email: str | None = None, **claims: Any) -> None:
        self.users[subject] = {
            "name": name,
            **({"email": email, "email_verified": True} if email else {}),
            **claims,
        }

    def register_client(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        client = self.clients.setdefault(client_id, Client(client_id, client_secret))
        client.client_secret = client_secret
        client.redirect_uris.add(redirect_uri)

    def jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))

    def mint_id_token(self, claims: dict[str, Any], *, forged: bool = False) -> str:
        key = self.forged_key if forged else self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    # -- endpoints --------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks_endpoint),
                Route("/authorize", self.authorize_page, methods=["GET"]),
                Route("/authorize", self.authorize_decision, methods=["POST"]),
                Route("/token", self.token, methods=["POST"]),
                Route("/userinfo", self.userinfo, methods=["GET"]),
            ]
        )

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": list(self.auth_methods),
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def jwks_endpoint(self, request: Request) -> Response:
        return JSONResponse(self.jwks())

    def _client_and_redirect(self, params: Any) -> tuple[Client, str] | None:
        client = self.clients.get(params.get("client_id", ""))
        redirect_uri = params.get("redirect_uri", "")
        if client is None or redirect_uri not in client.redirect_uris:
            return None
        return client, redirect_uri

    def _page(self, body: str, status: int = 200) -> HTMLResponse:
        title = html.escape(f"Sign in to {self.title}")
        return HTMLResponse(
            "<!DOCTYPE html>\n"
            '<html lang="en-GB"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head>"
            f"<body><main><h1>{title}</h1>{body}</main></body></html>",
            status_code=status,
        )

    async def authorize_page(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.authorize_requests.append(params)
        checked = self._client_and_redirect(params)
        if checked is None:  # never redirect to an unregistered address
            return self._page("<p>Unknown application or redirect address.</p>", 400)
        _, redirect_uri = checked
        problem = None
        if params.get("response_type") != "code":
            problem = "unsupported_response_type"
        elif "openid" not in params.get("scope", "").split():
            problem = "invalid_scope"
        elif params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            problem = "invalid_request"  # this provider insists on PKCE
        elif not params.get("nonce"):
            problem = "invalid_request"
        if problem:
            query = urlencode({"error": problem, "state": params.get("state", "")})
            return RedirectResponse(f"{redirect_uri}?{query}", status_code=303)
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
        )
        choices = "".join(
            f'<div><input type="radio" id="user-{i}" name="subject" value="{html.escape(sub)}"'
            f"{' checked' if i == 0 else ''}>"
            f' <label for="user-{i}">{html.escape(user["name"])}'
            f"{html.escape(' (' + user['email'] + ')') if user.get('email') else ''}</label></div>"
            for i, (sub, user) in enumerate(self.users.items())
        )
        return self._page(
            f'<form method="post" action="/authorize">{hidden}'
            f"<fieldset><legend>Who are you?</legend>{choices}</fieldset>"
            '<p><button type="submit" name="action" value="sign-in">Sign in</button> '
            '<button type="submit" name="action" value="cancel">Cancel</button></p></form>'
        )

    async def authorize_decision(self, request: Request) -> Response:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        checked = self._client_and_redirect(form)
        if checked is None:
            return self._page("<p>Unknown application or redirect address.</p>", 400)
        client, redirect_uri = checked
        state = form.get("state", "")
        if form.get("action") == "cancel" or form.get("subject") not in self.users:
            query = urlencode({"error": "access_denied", "state": state})
            return RedirectResponse(f"{redirect_uri}?{query}", status_code=303)
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            subject=form["subject"],
            nonce=form.get("nonce", ""),
            challenge=form.get("code_challenge", ""),
            scope=form.get("scope", ""),
            expires_at=time.time() + CODE_SECONDS,
        )
        return RedirectResponse(
            f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", status_code=303
        )

    def _authenticate(self, request: Request, form: dict[str, str]) -> tuple[Client, str] | None:
        """The client and how it authenticated, or ``None``."""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic ") and "client_secret_basic" in self.auth_methods:
            try:
                pair = base64.b64decode(header[6:]).decode()
            except ValueError:
                return None
            client_id, _, secret = (unquote_plus(part) for part in pair.partition(":"))
            method = "client_secret_basic"
        elif "client_secret" in form and "client_secret_post" in self.auth_methods:
            client_id, secret = form.get("client_id", ""), form["client_secret"]
            method = "client_secret_post"
        else:
            return None
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.client_secret, secret):
            return None
        return client, method

    async def token(self, request: Request) -> Response:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        authenticated = self._authenticate(request, form)
        self.token_requests.append(
            {**form, "auth_method": authenticated[1] if authenticated else "none"}
        )
        if authenticated is None:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        client, _ = authenticated
        grant = self.grants.get(form.get("code", ""))
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.used
            or grant.expires_at < time.time()
            or grant.client_id != client.client_id
            or grant.redirect_uri != form.get("redirect_uri")
            or create_s256_code_challenge(form.get("code_verifier", "")) != grant.challenge
        ):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        grant.used = True
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = grant.subject
        return JSONResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant, client),
            },
            headers={"Cache-Control": "no-store"},
        )

    def _id_token(self, grant: Grant, client: Client) -> str:
        minter = self.mint_as or self
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer_in_tokens or minter.issuer,
            "sub": grant.subject,
            "aud": client.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": "not-the-nonce-you-sent" if self.wrong_nonce else grant.nonce,
        }
        if self.profile_in_id_token:
            user = self.users[grant.subject]
            claims |= {k: user[k] for k in PROFILE_CLAIMS if k in user}
        return minter.mint_id_token(claims, forged=self.forge_signature)

    async def userinfo(self, request: Request) -> Response:
        header = request.headers.get("authorization", "")
        subject = self.access_tokens.get(header.removeprefix("Bearer ").strip())
        if subject is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        user = self.users[subject]
        return JSONResponse({"sub": subject, **{k: user[k] for k in PROFILE_CLAIMS if k in user}})


@contextmanager
def running(provider: TestIdentityProvider, timeout: float = 10) -> Iterator[TestIdentityProvider]:
    """Serve ``provider`` on a free loopback port for the duration of the block."""
    port = free_port()
    provider.issuer = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(
        provider.app(),
        host="127.0.0.1",
        port=port,
        loop="asyncio",
        http="h11",
        lifespan="off",
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"oidc-provider-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test identity provider did not start on port {port}")
        time.sleep(0.02)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout)
