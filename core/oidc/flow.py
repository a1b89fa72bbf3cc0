"""The Authorization Code flow with PKCE, as plain functions (no web framework here).

A sign-in in progress (state, nonce, PKCE verifier, where to go next) is kept
in the browser that started it, in a cookie signed with the site's secret and
dated, so no server-side row is needed and a stale or tampered one is
refused. The cookie only proves "this browser started this sign-in"; the ID
token still has to carry the same nonce.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.oidc.discovery import TIMEOUT, ProviderMetadata
from core.oidc.providers import IdentityProvider

PENDING_SECONDS = 600
PENDING_SALT = "carepurse.oidc"


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered the code exchange with an error."""


@dataclass(frozen=True)
class PendingSignIn:
    """What a sign-in must find when the browser comes back from the provider."""

    tenant_id: int
    provider: str
    state: str
    nonce: str
    verifier: str
    redirect_uri: str
    next_url: str

    @classmethod
    def start(
        cls, tenant_id: int, provider: str, redirect_uri: str, next_url: str
    ) -> PendingSignIn:
        return cls(
            tenant_id=tenant_id,
            provider=provider,
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            verifier=secrets.token_urlsafe(64),  # 86 characters: RFC 7636 wants 43 to 128
            redirect_uri=redirect_uri,
            next_url=next_url,
        )

    def matches_state(self, state: str | None) -> bool:
        return state is not None and hmac.compare_digest(self.state.encode(), state.encode())


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=PENDING_SALT)


def seal(pending: PendingSignIn, secret_key: str) -> str:
    """The signed, dated cookie value for a sign-in in progress."""
    return _serializer(secret_key).dumps(asdict(pending))


def unseal(
    value: str | None, secret_key: str, max_age: int = PENDING_SECONDS
) -> PendingSignIn | None:
    """The sign-in in progress, or ``None`` if missing, tampered with or too old."""
    if not value:
        return None
    try:
        data = _serializer(secret_key).loads(value, max_age=max_age)
        return PendingSignIn(**data)
    except (BadSignature, TypeError):
        return None


def authorization_url(
    metadata: ProviderMetadata, provider: IdentityProvider, pending: PendingSignIn
) -> str:
    """Where to send the browser: the provider's sign-in page, with PKCE (S256) and a nonce."""
    return str(
        prepare_grant_uri(
            metadata.authorization_endpoint,
            provider.client_id,
            "code",
            redirect_uri=pending.redirect_uri,
            scope=" ".join(provider.scopes),
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=create_s256_code_challenge(pending.verifier),
            code_challenge_method="S256",
        )
    )


def _client_authentication(
    metadata: ProviderMetadata, provider: IdentityProvider
) -> tuple[dict[str, str], dict[str, str]]:
    """``client_secret_basic`` unless the provider only takes ``client_secret_post``."""
    methods = metadata.token_endpoint_auth_methods
    if "client_secret_basic" not in methods and "client_secret_post" in methods:
        return {}, {"client_id": provider.client_id, "client_secret": provider.client_secret}
    # RFC 6749 section 2.3.1: both parts are form-encoded before base64.
    pair = f"{quote(provider.client_id, safe='')}:{quote(provider.client_secret, safe='')}"
    header = "Basic " + base64.b64encode(pair.encode()).decode()
    return {"Authorization": header}, {}


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str | None


async def exchange_code(
    metadata: ProviderMetadata,
    provider: IdentityProvider,
    pending: PendingSignIn,
    code: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Tokens:
    """Swap the one-time code for tokens, proving we started the sign-in (PKCE verifier)."""
    headers, auth_fields = _client_authentication(metadata, provider)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": pending.redirect_uri,
        "code_verifier": pending.verifier,
        **auth_fields,
    }
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, transport=transport) as client:
            response = await client.post(
                metadata.token_endpoint,
                data=form,
                headers={**headers, "Accept": "application/json"},
            )
        answer: Any = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise ProviderUnavailable(f"token endpoint: {type(error).__name__}") from error
    if response.status_code != 200 or not isinstance(answer, dict):
        error_code = answer.get("error") if isinstance(answer, dict) else None
        raise ProviderUnavailable(f"token endpoint said {response.status_code} {error_code}")
    id_token = answer.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise ProviderUnavailable("token endpoint returned no id_token")
    access_token = answer.get("access_token")
    return Tokens(id_token, access_token if isinstance(access_token, str) else None)


async def fetch_userinfo(
    metadata: ProviderMetadata,
    access_token: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """Profile claims the ID token left out; ``{}`` when the provider has none to give."""
    if metadata.userinfo_endpoint is None:
        return {}
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, transport=transport) as client:
            response = await client.get(
                metadata.userinfo_endpoint,
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            )
        answer = response.json() if response.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        return {}
    return answer if isinstance(answer, dict) else {}
