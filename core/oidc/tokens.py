"""Checking an ID token (OpenID Connect Core 1.0, section 3.1.3.7) with joserfc.

The ID token is the only thing that says who signed in, so every check is
made, in this order: a signature by one of the issuer's published keys with an
asymmetric algorithm (never ``none``, never HMAC with the client secret), then
``iss`` equal to the issuer *this council* configured, ``aud`` containing our
client id (and ``azp`` when there are several audiences), ``exp``/``iat``,
and ``nonce`` equal to the one this browser's sign-in started with.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LEEWAY_SECONDS = 60


class IdTokenRefused(Exception):
    """The token is not one we can trust; ``reason`` goes to the audit log, not the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IdentityClaims:
    """Who the provider says signed in."""

    issuer: str
    subject: str
    email: str | None = None
    email_verified: bool | None = None
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> IdentityClaims:
        def text(key: str) -> str | None:
            value = claims.get(key)
            return value.strip() or None if isinstance(value, str) else None

        verified = claims.get("email_verified")
        if isinstance(verified, str):  # some providers send "true"/"false"
            verified = verified.lower() == "true"
        return cls(
            issuer=claims["iss"],
            subject=claims["sub"],
            email=text("email"),
            email_verified=verified if isinstance(verified, bool) else None,
            name=text("name"),
            given_name=text("given_name"),
            family_name=text("family_name"),
            raw=dict(claims),
        )

    def with_profile(self, userinfo: dict[str, Any]) -> IdentityClaims:
        """Fill missing name and email from the UserInfo answer (same subject only)."""
        if userinfo.get("sub") != self.subject:
            return self
        extra = IdentityClaims.from_claims({**userinfo, "iss": self.issuer})
        return IdentityClaims(
            issuer=self.issuer,
            subject=self.subject,
            email=self.email or extra.email,
            email_verified=self.email_verified if self.email else extra.email_verified,
            name=self.name or extra.name,
            given_name=self.given_name or extra.given_name,
            family_name=self.family_name or extra.family_name,
            raw=self.raw,
        )


def key_id(id_token: str) -> str | None:
    """The ``kid`` a token says it was signed with (unverified: only to pick a key)."""
    try:
        header = jws.extract_compact(id_token.encode()).headers()
    except (JoseError, ValueError, TypeError):
        raise IdTokenRefused("the ID token is not a signed JWT") from None
    kid = header.get("kid")
    return kid if isinstance(kid, str) else None


def knows_key(keys: KeySet, kid: str | None) -> bool:
    return kid is None or any(key.kid == kid for key in keys)


def _candidate_keys(keys: KeySet, kid: str | None) -> list[Any]:
    signing = [key for key in keys if key.get("use") in (None, "sig") and key.key_type != "oct"]
    if kid is not None:
        return [key for key in signing if key.kid == kid]
    return signing


def _verified(id_token: str, keys: KeySet) -> jwt.Token:
    candidates = _candidate_keys(keys, key_id(id_token))
    if not candidates:
        raise IdTokenRefused("the ID token was signed with a key the issuer does not publish")
    for key in candidates:
        try:
            return jwt.decode(id_token, key, algorithms=list(ALGORITHMS))
        except JoseError:
            continue
    raise IdTokenRefused("the ID token's signature does not match the issuer's keys")


def verify_id_token(
    id_token: str,
    keys: KeySet,
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    now: int | None = None,
    leeway: int = LEEWAY_SECONDS,
) -> IdentityClaims:
    """Return the token's identity, or raise :class:`IdTokenRefused` saying why."""
    token = _verified(id_token, keys)
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=now if now is not None else int(time.time()),
        leeway=leeway,
        iss={"essential": True, "value": issuer},
        sub={"essential": True},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise IdTokenRefused("the ID token has expired") from None
    except JoseError as error:
        claim = getattr(error, "claim", None) or str(error)
        raise IdTokenRefused(f"the ID token's {claim} claim is missing or wrong") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != client_id:
        raise IdTokenRefused("the ID token's azp claim is missing or wrong")
    return IdentityClaims.from_claims(claims)
