"""Access tokens: RFC 9068 JWTs signed HS256, bound to one council's address and tenant.

Signing and checking happen in the same service, so a symmetric key derived
from the platform secret is enough (nothing outside Carepurse verifies these
tokens). Changing ``CAREPURSE_SECRET_KEY`` ends every token at once.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OctKey
from joserfc.jwt import JWTClaimsRegistry

from core.errors import CarepurseError
from core.settings import Settings

ALGORITHM = "HS256"
TOKEN_TYPE = "at+jwt"  # RFC 9068 §2.1: says "this is an access token", not an ID token
API_PATH = "/api/v1"
KEY_PURPOSE = b"carepurse-api-tokens"
MAX_TOKEN_LENGTH = 4096
# Web processes' clocks may differ by a few seconds; a token must not look
# "issued in the future" on the process next door.
CLOCK_LEEWAY_SECONDS = 30


class InvalidToken(CarepurseError):
    """Not a token we issued for this council, or no longer valid. Never says which."""


@dataclass(frozen=True)
class VerifiedToken:
    """What a valid token says about its bearer."""

    client_id: str
    scopes: frozenset[str]
    tenant_id: int
    jti: str
    expires_at: int


@functools.lru_cache(maxsize=4)
def _keys_for(secret_key: str) -> KeySet:
    raw = hmac.new(secret_key.encode(), KEY_PURPOSE, hashlib.sha256).digest()
    return KeySet([OctKey.import_key(raw, {"alg": ALGORITHM})])


def signing_keys(settings: Settings) -> KeySet:
    """The token key, derived from the platform secret (so it is never stored anywhere)."""
    return _keys_for(settings.secret_key)


def council_origin(scheme: str, host: str) -> str:
    """``https://riverbend.example``: the token's issuer, from the address the client called."""
    return f"{scheme}://{host.strip().lower()}"


def api_audience(origin: str) -> str:
    return origin + API_PATH


def tenant_claim(tenant_id: int, slug: str) -> dict[str, Any]:
    return {"id": tenant_id, "slug": slug}


def sign(claims: dict[str, Any], settings: Settings) -> str:
    """Encode claims as a token. Token requests go through Authlib; tests forge with this."""
    return jwt.encode({"alg": ALGORITHM, "typ": TOKEN_TYPE}, claims, signing_keys(settings))


def verify(
    token: str, settings: Settings, *, origin: str, tenant_id: int, now: int | None = None
) -> VerifiedToken:
    """Check signature, type, issuer, audience, expiry and council; InvalidToken if any fail."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("malformed token")
    try:
        decoded = jwt.decode(token, signing_keys(settings), algorithms=[ALGORITHM])
        if decoded.header.get("typ") != TOKEN_TYPE:
            raise InvalidToken("not an access token")
        registry = JWTClaimsRegistry(
            now=now,
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": origin},
            aud={"essential": True, "value": api_audience(origin)},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            jti={"essential": True},
            client_id={"essential": True},
            scope={"essential": True},
            tenant={"essential": True},
        )
        registry.validate(decoded.claims)
    except (JoseError, ValueError, TypeError) as error:
        raise InvalidToken(f"token refused: {type(error).__name__}") from None
    claims = decoded.claims
    tenant, client_id, scope = claims["tenant"], claims["client_id"], claims["scope"]
    if not isinstance(tenant, dict) or tenant.get("id") != tenant_id:
        raise InvalidToken("token is for another council")
    if not isinstance(client_id, str) or claims["sub"] != client_id or not isinstance(scope, str):
        raise InvalidToken("malformed token")
    return VerifiedToken(
        client_id=client_id,
        scopes=frozenset(scope.split()),
        tenant_id=tenant_id,
        jti=str(claims["jti"]),
        expires_at=int(claims["exp"]),
    )
