"""The pieces of the Authorization Code flow: the remembered attempt, the redirect, the exchange."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from itsdangerous import TimestampSigner

from core.oidc.discovery import ProviderMetadata
from core.oidc.flow import (
    PendingSignIn,
    ProviderUnavailable,
    authorization_url,
    exchange_code,
    seal,
    unseal,
)
from core.oidc.providers import IdentityProvider

SECRET = "test-secret-key"
PROVIDER = IdentityProvider(
    name="council",
    label="Sign in",
    issuer="https://login.alphaton.gov.uk",
    client_id="carepurse alphaton",
    client_secret="s3cret:with/odd&chars",
)


def metadata(methods=("client_secret_basic",)):
    return ProviderMetadata(
        issuer=PROVIDER.issuer,
        authorization_endpoint=f"{PROVIDER.issuer}/authorize?tenant=alpha",
        token_endpoint=f"{PROVIDER.issuer}/token",
        jwks_uri=f"{PROVIDER.issuer}/jwks",
        userinfo_endpoint=None,
        token_endpoint_auth_methods=methods,
    )


def pending():
    callback = "http://alphaton.localhost/sign-in/council/callback"
    return PendingSignIn.start(7, "council", callback, "/council")


def test_each_attempt_has_fresh_random_state_nonce_and_verifier():
    one, two = pending(), pending()
    assert len({one.state, two.state, one.nonce, two.nonce}) == 4
    assert one.verifier != two.verifier and 43 <= len(one.verifier) <= 128
    assert one.matches_state(one.state)
    assert not one.matches_state(two.state) and not one.matches_state(None)


def test_a_sealed_attempt_comes_back_only_untouched_and_within_ten_minutes(monkeypatch):
    attempt = pending()
    sealed = seal(attempt, SECRET)
    assert unseal(sealed, SECRET) == attempt
    assert unseal(sealed, "another-sites-secret") is None
    assert unseal(sealed[:-2] + "xx", SECRET) is None
    assert unseal(None, SECRET) is None and unseal("", SECRET) is None
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 601)
    assert unseal(sealed, SECRET) is None


def test_the_authorization_url_asks_for_a_code_with_pkce_s256_and_a_nonce():
    attempt = pending()
    url = urlsplit(authorization_url(metadata(), PROVIDER, attempt))
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{PROVIDER.issuer}/authorize"
    assert query == {
        "tenant": "alpha",
        "response_type": "code",
        "client_id": "carepurse alphaton",
        "redirect_uri": attempt.redirect_uri,
        "scope": "openid email profile",
        "state": attempt.state,
        "nonce": attempt.nonce,
        "code_challenge": create_s256_code_challenge(attempt.verifier),
        "code_challenge_method": "S256",
    }
    assert attempt.verifier not in url.query


def recording_transport(seen, status=200, answer=None):
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=answer or {"id_token": "a.b.c", "access_token": "at"})

    return httpx.MockTransport(handle)


async def test_the_exchange_sends_the_verifier_and_authenticates_with_basic_by_default():
    seen = []
    attempt = pending()
    tokens = await exchange_code(
        metadata(), PROVIDER, attempt, "the-code", transport=recording_transport(seen)
    )
    assert (tokens.id_token, tokens.access_token) == ("a.b.c", "at")
    (request,) = seen
    form = {key: values[0] for key, values in parse_qs(request.content.decode()).items()}
    assert form == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": attempt.redirect_uri,
        "code_verifier": attempt.verifier,
    }
    scheme, _, encoded = request.headers["authorization"].partition(" ")
    assert scheme == "Basic"
    assert base64.b64decode(encoded).decode() == (
        "carepurse%20alphaton:s3cret%3Awith%2Fodd%26chars"
    )


async def test_the_exchange_posts_the_secret_when_the_provider_only_takes_that():
    seen = []
    await exchange_code(
        metadata(("client_secret_post",)),
        PROVIDER,
        pending(),
        "code",
        transport=recording_transport(seen),
    )
    form = parse_qs(seen[0].content.decode())
    assert form["client_secret"] == ["s3cret:with/odd&chars"]
    assert "authorization" not in seen[0].headers


@pytest.mark.parametrize(
    ("status", "answer", "reason"),
    [
        (400, {"error": "invalid_grant"}, "400 invalid_grant"),
        (200, {"access_token": "only"}, "no id_token"),
    ],
)
async def test_a_failed_exchange_is_reported(status, answer, reason):
    with pytest.raises(ProviderUnavailable, match=reason):
        await exchange_code(
            metadata(),
            PROVIDER,
            pending(),
            "code",
            transport=recording_transport([], status, answer),
        )
