"""An identity provider's published metadata and signing keys, fetched and cached per issuer.

Every sign-in needs the provider's endpoints and keys; fetching them each time
would make the council's sign-in as slow as its provider and hammer it. They
are public documents, so a process-local cache (like the plugin cache) is
safe: ten minutes, with the keys fetched again at once when a token names a
key we have not seen (the provider rotated its keys), but not more often than
every few seconds, so forged tokens cannot make us hammer the provider.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from core.oidc.providers import check_provider_url

CACHE_SECONDS = 600.0
KEYS_REFRESH_GAP_SECONDS = 10.0
TIMEOUT = httpx.Timeout(5.0, connect=3.0)
WELL_KNOWN = "/.well-known/openid-configuration"


class DiscoveryError(Exception):
    """The provider could not be reached or published something unusable."""


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of ``/.well-known/openid-configuration`` sign-in uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    token_endpoint_auth_methods: tuple[str, ...]

    @classmethod
    def from_document(cls, expected_issuer: str, document: Any) -> ProviderMetadata:
        """Check the document (OpenID Connect Discovery 1.0, section 4.3) and keep what we use."""
        if not isinstance(document, dict):
            raise DiscoveryError("the discovery document is not a JSON object")
        if document.get("issuer") != expected_issuer:
            # The spec requires an exact match: anything else may be another provider.
            raise DiscoveryError(
                f"the provider calls itself {document.get('issuer')!r}, not {expected_issuer!r}"
            )
        try:
            urls = {
                name: check_provider_url(str(document[name]), name)
                for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
            }
            userinfo = document.get("userinfo_endpoint")
            userinfo = check_provider_url(str(userinfo), "userinfo_endpoint") if userinfo else None
        except KeyError as missing:
            raise DiscoveryError(f"the discovery document has no {missing.args[0]}") from None
        except ValueError as error:
            raise DiscoveryError(str(error)) from None
        methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        return cls(
            issuer=expected_issuer,
            userinfo_endpoint=userinfo,
            token_endpoint_auth_methods=tuple(str(m) for m in methods),
            **urls,
        )


@dataclass
class _Entry:
    metadata: ProviderMetadata
    fetched_at: float
    keys: KeySet | None = None
    keys_fetched_at: float = 0.0


class Discovery:
    """Metadata and keys per issuer, kept for :data:`CACHE_SECONDS`."""

    def __init__(
        self,
        *,
        cache_seconds: float = CACHE_SECONDS,
        keys_refresh_gap: float = KEYS_REFRESH_GAP_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.cache_seconds = cache_seconds
        self.keys_refresh_gap = keys_refresh_gap
        self.clock = clock
        self.transport = transport
        self._entries: dict[str, _Entry] = {}

    def client(self) -> httpx.AsyncClient:
        """A short-lived client with short timeouts: a slow provider must not hang a page."""
        return httpx.AsyncClient(timeout=TIMEOUT, transport=self.transport)

    def forget(self, issuer: str | None = None) -> None:
        if issuer is None:
            self._entries.clear()
        else:
            self._entries.pop(issuer, None)

    async def _get_json(self, url: str) -> Any:
        try:
            async with self.client() as client:
                response = await client.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                return response.json()
        except httpx.HTTPError as error:
            raise DiscoveryError(f"cannot fetch {url}: {type(error).__name__}") from error
        except ValueError as error:
            raise DiscoveryError(f"{url} did not return JSON") from error

    async def _entry(self, issuer: str) -> _Entry:
        entry = self._entries.get(issuer)
        if entry is not None and self.clock() - entry.fetched_at < self.cache_seconds:
            return entry
        document = await self._get_json(issuer.rstrip("/") + WELL_KNOWN)
        entry = _Entry(ProviderMetadata.from_document(issuer, document), self.clock())
        self._entries[issuer] = entry
        return entry

    async def metadata(self, issuer: str) -> ProviderMetadata:
        return (await self._entry(issuer)).metadata

    async def keys(self, issuer: str, *, refresh: bool = False) -> KeySet:
        """The provider's public keys; ``refresh`` asks again unless we just did."""
        entry = await self._entry(issuer)
        now = self.clock()
        stale = entry.keys is None or now - entry.keys_fetched_at >= self.cache_seconds
        wanted = refresh and now - entry.keys_fetched_at >= self.keys_refresh_gap
        if stale or wanted:
            document = await self._get_json(entry.metadata.jwks_uri)
            try:
                entry.keys = KeySet.import_key_set(document)
            except (JoseError, TypeError, KeyError, ValueError) as error:
                raise DiscoveryError(f"the provider's keys are unusable: {error}") from error
            entry.keys_fetched_at = now
        assert entry.keys is not None
        return entry.keys


# Shared by the whole process; the documents are public and keyed by issuer.
discovery = Discovery()
