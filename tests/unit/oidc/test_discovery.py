"""Provider metadata and keys: checked, cached for ten minutes, keys refetched on rotation."""

from __future__ import annotations

import httpx
import pytest
from joserfc.jwk import KeySet, RSAKey

from core.oidc.discovery import Discovery, DiscoveryError

ISSUER = "https://login.alphaton.gov.uk"


class FakeProvider:
    """Counts fetches; a test can rotate keys or change the document."""

    def __init__(self) -> None:
        self.fetches: list[str] = []
        self.key = RSAKey.generate_key(2048, parameters={"kid": "one"})
        self.document = {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/authorize",
            "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/jwks",
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.fetches.append(request.url.path)
        if request.url.path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=self.document)
        if request.url.path == "/jwks":
            return httpx.Response(200, json=KeySet([self.key]).as_dict(private=False))
        return httpx.Response(404)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def provider():
    return FakeProvider()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def discovery(provider, clock):
    return Discovery(clock=clock, transport=httpx.MockTransport(provider.handle))


async def test_metadata_is_fetched_once_and_kept_for_ten_minutes(discovery, provider, clock):
    metadata = await discovery.metadata(ISSUER)
    assert metadata.token_endpoint == f"{ISSUER}/token"
    assert metadata.token_endpoint_auth_methods == ("client_secret_basic",)
    assert metadata.userinfo_endpoint is None
    await discovery.metadata(ISSUER)
    clock.now += 599
    await discovery.metadata(ISSUER)
    assert provider.fetches == ["/.well-known/openid-configuration"]
    clock.now += 2
    await discovery.metadata(ISSUER)
    assert provider.fetches.count("/.well-known/openid-configuration") == 2


async def test_keys_are_cached_and_refetched_once_when_rotated(discovery, provider, clock):
    first = await discovery.keys(ISSUER)
    assert [key.kid for key in first] == ["one"]
    provider.key = RSAKey.generate_key(2048, parameters={"kid": "two"})
    clock.now += 5
    # Asked again straight after a fetch: a flood of forged kids cannot hammer the provider.
    assert [key.kid for key in await discovery.keys(ISSUER, refresh=True)] == ["one"]
    clock.now += 10
    assert [key.kid for key in await discovery.keys(ISSUER, refresh=True)] == ["two"]
    assert [key.kid for key in await discovery.keys(ISSUER)] == ["two"]
    assert provider.fetches.count("/jwks") == 2


async def test_a_document_naming_another_issuer_is_refused(discovery, provider):
    provider.document["issuer"] = "https://login.betaville.gov.uk"
    with pytest.raises(DiscoveryError, match="calls itself"):
        await discovery.metadata(ISSUER)


async def test_plain_http_endpoints_are_refused(discovery, provider):
    provider.document["token_endpoint"] = "http://login.alphaton.gov.uk/token"
    with pytest.raises(DiscoveryError, match="token_endpoint must use https"):
        await discovery.metadata(ISSUER)


async def test_missing_endpoints_and_unreachable_providers_are_reported(provider, clock):
    del provider.document["jwks_uri"]
    discovery = Discovery(clock=clock, transport=httpx.MockTransport(provider.handle))
    with pytest.raises(DiscoveryError, match="no jwks_uri"):
        await discovery.metadata(ISSUER)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(DiscoveryError, match="cannot fetch"):
        await Discovery(transport=httpx.MockTransport(down)).metadata(ISSUER)
    with pytest.raises(DiscoveryError, match="cannot fetch"):
        await Discovery(
            transport=httpx.MockTransport(lambda request: httpx.Response(500))
        ).metadata(ISSUER)


async def test_forget_drops_the_cache(discovery, provider):
    await discovery.metadata(ISSUER)
    discovery.forget(ISSUER)
    await discovery.metadata(ISSUER)
    discovery.forget()
    await discovery.metadata(ISSUER)
    assert provider.fetches.count("/.well-known/openid-configuration") == 3
