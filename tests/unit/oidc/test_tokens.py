"""ID token checks: only a token signed by the issuer, for us, for this sign-in, is accepted."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from core.oidc.tokens import IdTokenRefused, key_id, knows_key, verify_id_token

ISSUER = "https://login.alphaton.gov.uk"
CLIENT = "carepurse-alphaton"
NONCE = "n-0S6_WzA2Mj"
KEY = RSAKey.generate_key(2048, parameters={"kid": "current", "use": "sig", "alg": "RS256"})
FORGED = RSAKey.generate_key(2048, parameters={"kid": "current", "use": "sig", "alg": "RS256"})
OTHER = RSAKey.generate_key(2048, parameters={"kid": "other", "use": "sig", "alg": "RS256"})
PUBLISHED = KeySet.import_key_set(KeySet([KEY]).as_dict(private=False))


def claims(**changes):
    now = int(time.time())
    values = {
        "iss": ISSUER,
        "sub": "248289761001",
        "aud": CLIENT,
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "name": "Jane Officer",
        "email": "jane@alphaton.gov.uk",
        "email_verified": True,
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def token(key=KEY, alg="RS256", **changes):
    return jwt.encode({"alg": alg, "kid": key.kid}, claims(**changes), key)


def verify(id_token, keys=PUBLISHED, nonce=NONCE):
    return verify_id_token(id_token, keys, issuer=ISSUER, client_id=CLIENT, nonce=nonce)


def test_a_good_token_gives_the_identity():
    identity = verify(token())
    assert (identity.issuer, identity.subject) == (ISSUER, "248289761001")
    assert identity.name == "Jane Officer"
    assert identity.email == "jane@alphaton.gov.uk" and identity.email_verified is True


def test_a_token_signed_with_another_key_under_the_same_kid_is_refused():
    with pytest.raises(IdTokenRefused, match="signature does not match"):
        verify(token(key=FORGED))


def test_a_token_signed_with_an_unpublished_key_is_refused():
    forged = token(key=OTHER)
    assert key_id(forged) == "other" and not knows_key(PUBLISHED, "other")
    with pytest.raises(IdTokenRefused, match="key the issuer does not publish"):
        verify(forged)


def test_a_tampered_payload_is_refused():
    header, payload, signature = token().split(".")
    other_payload = token(sub="someone-else").split(".")[1]
    with pytest.raises(IdTokenRefused, match="signature"):
        verify(f"{header}.{other_payload}.{signature}")
    assert payload != other_payload


@pytest.mark.parametrize(
    ("changes", "claim"),
    [
        ({"iss": "https://login.betaville.gov.uk"}, "iss"),
        ({"aud": "someone-elses-client"}, "aud"),
        ({"nonce": "a-replayed-nonce"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"sub": None}, "sub"),
        ({"iat": None}, "iat"),
        ({"iat": int(time.time()) + 3600}, "iat"),
    ],
)
def test_wrong_or_missing_claims_are_refused(changes, claim):
    with pytest.raises(IdTokenRefused, match=claim):
        verify(token(**changes))


def test_an_expired_token_is_refused_beyond_the_clock_leeway():
    now = int(time.time())
    with pytest.raises(IdTokenRefused, match="expired"):
        verify(token(iat=now - 900, exp=now - 120))
    assert verify(token(iat=now - 600, exp=now - 30)).subject  # 60 s of clock skew allowed


def test_several_audiences_need_azp_to_be_us():
    with pytest.raises(IdTokenRefused, match="azp"):
        verify(token(aud=[CLIENT, "another-app"]))
    assert verify(token(aud=[CLIENT, "another-app"], azp=CLIENT)).subject
    with pytest.raises(IdTokenRefused, match="azp"):
        verify(token(azp="another-app"))


def test_unsigned_and_hmac_tokens_are_refused():
    secret = OctKey.import_key("the-client-secret-everyone-at-the-council-knows")
    hmac_token = jwt.encode({"alg": "HS256", "kid": "current"}, claims(), secret)
    with pytest.raises(IdTokenRefused):
        verify(hmac_token)
    header, payload, _ = token().split(".")
    with pytest.raises(IdTokenRefused):
        verify(f"eyJhbGciOiJub25lIiwia2lkIjoiY3VycmVudCJ9.{payload}.")
    with pytest.raises(IdTokenRefused, match="not a signed JWT"):
        verify("not-a-token")
    assert header


def test_a_token_without_kid_is_checked_against_every_published_key():
    keys = KeySet.import_key_set(KeySet([OTHER, KEY]).as_dict(private=False))
    no_kid = jwt.encode({"alg": "RS256"}, claims(), KEY)
    assert key_id(no_kid) is None
    assert verify(no_kid, keys=keys).subject == "248289761001"
