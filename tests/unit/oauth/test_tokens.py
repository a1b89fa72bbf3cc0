"""Token checks: signature, type, issuer, audience, expiry and council must all hold."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from core.oauth.tokens import (
    InvalidToken,
    api_audience,
    council_origin,
    sign,
    signing_keys,
    verify,
)
from core.settings import Settings
from tests.unit.oauth.helpers import ORIGIN, SETTINGS


def claims(**changes):
    now = int(time.time())
    values = {
        "iss": ORIGIN,
        "aud": ORIGIN + "/api/v1",
        "sub": "cp_abc",
        "client_id": "cp_abc",
        "scope": "people:read audit:read",
        "tenant": {"id": 7, "slug": "riverbend"},
        "iat": now,
        "exp": now + 600,
        "jti": "j1",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def check(token, origin=ORIGIN, tenant_id=7, settings=SETTINGS):
    return verify(token, settings, origin=origin, tenant_id=tenant_id)


def test_a_good_token_gives_client_scopes_and_council():
    verified = check(sign(claims(), SETTINGS))
    assert verified.client_id == "cp_abc"
    assert verified.scopes == {"people:read", "audit:read"}
    assert verified.tenant_id == 7


def test_key_is_derived_from_the_secret_key_not_the_secret_itself():
    [key] = signing_keys(SETTINGS).keys
    assert SETTINGS.secret_key.encode() not in key.raw_value
    assert len(key.raw_value) == 32
    other = Settings(environment="test", secret_key="another-secret")
    with pytest.raises(InvalidToken):
        check(sign(claims(), SETTINGS), settings=other)


def test_origin_and_audience():
    assert council_origin("https", "Riverbend.Example ") == "https://riverbend.example"
    assert api_audience("https://riverbend.example") == "https://riverbend.example/api/v1"


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "http://moorfield.localhost"},
        {"aud": "http://moorfield.localhost/api/v1"},
        {"aud": ORIGIN},
        {"tenant": {"id": 8, "slug": "riverbend"}},
        {"tenant": None},
        {"exp": int(time.time()) - 120},
        {"exp": None},
        {"iat": int(time.time()) + 3600},
        {"scope": None},
        {"client_id": None},
        {"sub": "cp_other"},
        {"jti": None},
    ],
    ids=lambda c: ",".join(c),
)
def test_a_token_with_any_wrong_or_missing_claim_is_refused(changes):
    with pytest.raises(InvalidToken):
        check(sign(claims(**changes), SETTINGS))


def test_expiry_uses_the_current_time():
    token = sign(claims(iat=800, exp=1_000), SETTINGS)
    with pytest.raises(InvalidToken):
        check(token)
    assert verify(token, SETTINGS, origin=ORIGIN, tenant_id=7, now=900).client_id == "cp_abc"


def test_tampered_payload_or_signature_is_refused():
    token = sign(claims(), SETTINGS)
    header, payload, signature = token.split(".")
    forged_payload = jwt.encode(
        {"alg": "HS256"}, claims(scope="people:write"), OctKey.import_key(b"k" * 32)
    ).split(".")[1]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for bad in (f"{header}.{forged_payload}.{signature}", f"{header}.{payload}.{flipped}"):
        with pytest.raises(InvalidToken):
            check(bad)


@pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")
def test_unsigned_tokens_and_other_keys_are_refused():
    unsigned = jwt.encode({"alg": "none"}, claims(), None, algorithms=["none"])
    other_key = jwt.encode(
        {"alg": "HS256", "typ": "at+jwt"}, claims(), OctKey.import_key(b"x" * 32)
    )
    for bad in (unsigned, other_key, "", "not.a.token", "x" * 5000):
        with pytest.raises(InvalidToken):
            check(bad)


def test_an_id_token_or_plain_jwt_is_not_an_access_token():
    [key] = signing_keys(SETTINGS).keys
    plain = jwt.encode({"alg": "HS256"}, claims(), key)  # typ "JWT"
    with pytest.raises(InvalidToken):
        check(plain)
