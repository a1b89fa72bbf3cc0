"""The token endpoint's OAuth2 logic (RFC 6749 §4.4, client credentials) on Authlib's server.

Authlib's server is synchronous and asks for clients by id in the middle of its
work, so the endpoint does the database work first (it looks up the one client
the request names) and builds a small server around that row for each request.
What happens inside is then pure computation: checking the secret, the grant
type and the scopes, and signing the JWT. Nothing here knows about Starlette.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InsecureTransportError,
    InvalidClientError,
    InvalidRequestError,
    OAuth2Error,
    OAuth2Payload,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.util import extract_basic_authorization, list_to_scope, scope_to_list
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc.jwk import KeySet

from core.api.scopes import SCOPES
from core.oauth.credentials import secret_matches
from core.oauth.models import ApiClient
from core.oauth.tokens import ALGORITHM, api_audience, signing_keys, tenant_claim
from core.settings import Settings
from tenants.models import Tenant

GRANT_TYPE = "client_credentials"
AUTH_METHODS = ("client_secret_basic", "client_secret_post")


@dataclass(frozen=True)
class TokenRequest:
    """A token request as read from HTTP: the form is read (asynchronously) beforehand."""

    method: str
    origin: str
    path: str
    headers: Mapping[str, str]  # case-insensitive (Starlette's Headers)
    fields: Sequence[tuple[str, str]]

    @property
    def form(self) -> dict[str, str]:
        return dict(self.fields)

    @property
    def basic_credentials(self) -> tuple[str | None, str | None]:
        try:
            return extract_basic_authorization(self.headers)
        except ValueError:  # not UTF-8 once decoded
            return None, None

    @property
    def basic_unreadable(self) -> bool:
        """An ``Authorization: Basic`` header that Authlib would choke on."""
        try:
            extract_basic_authorization(self.headers)
        except ValueError:
            return True
        return False

    def attempted_client_id(self) -> str | None:
        """The client id this request claims to be, from HTTP Basic or the form."""
        basic_id, _ = self.basic_credentials
        return basic_id or self.form.get("client_id") or None


@dataclass(frozen=True)
class TokenResponse:
    status: int
    body: dict[str, Any]
    headers: list[tuple[str, str]]
    issued: dict[str, Any] | None = field(default=None)

    @property
    def error(self) -> str | None:
        return self.body.get("error") if self.status >= 400 else None


class _Payload(OAuth2Payload):
    def __init__(self, fields: Sequence[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in fields:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class _Request(OAuth2Request):
    def __init__(self, request: TokenRequest) -> None:
        # Carepurse decides what counts as a secure transport (https, except in
        # development and tests; TLS may end at a trusted proxy) before this is
        # built; Authlib's own check sees only a URL, so it gets the approved one.
        super().__init__(request.method, f"https://{_host(request.origin)}{request.path}")
        self.uri = request.origin + request.path
        self.headers = request.headers
        self.payload = _Payload(request.fields)
        self._form = request.form

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return self._form


def _host(origin: str) -> str:
    return origin.split("://", 1)[-1]


class _Client(ClientMixin):
    """An ApiClient row as Authlib's server sees it."""

    def __init__(self, row: ApiClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        return secret_matches(client_secret, self.row.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in AUTH_METHODS

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == GRANT_TYPE

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """No ``scope``: everything the client may do. Otherwise a subset, or None (refused)."""
        allowed = list(self.row.scopes)
        if not scope or not scope.strip():
            return list_to_scope(allowed)
        requested = set(scope_to_list(scope))
        if not requested <= set(allowed):
            return None
        return list_to_scope([s for s in allowed if s in requested])


class _Grant(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)


class _TokenGenerator(JWTBearerTokenGenerator):
    """RFC 9068 access tokens: audience is this council's API, with the council's id in them."""

    def __init__(self, origin: str, tenant: Tenant, settings: Settings) -> None:
        super().__init__(origin, alg=ALGORITHM, expires_generator=settings.api_token_minutes * 60)
        self.tenant = tenant
        self.settings = settings

    def get_jwks(self) -> KeySet:
        return signing_keys(self.settings)

    def get_audiences(self, client: _Client, user: object, scope: str) -> str:
        return api_audience(self.issuer)

    def get_extra_claims(
        self, client: _Client, grant_type: str, user: object, scope: str
    ) -> dict[str, Any]:
        return {"tenant": tenant_claim(self.tenant.id, self.tenant.slug)}


class _TokenServer(AuthorizationServer):
    """Authlib's server for one request, knowing only the one client that request named."""

    def __init__(
        self, client: ApiClient | None, tenant: Tenant, settings: Settings, origin: str
    ) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self._client = client
        self.issued: dict[str, Any] | None = None
        self.register_grant(_Grant)
        self.register_token_generator("default", _TokenGenerator(origin, tenant, settings))

    def query_client(self, client_id: str) -> _Client | None:
        if self._client is not None and client_id == self._client.client_id:
            return _Client(self._client)
        return None

    def authenticate_client(
        self, request: _Request, methods: list[str], endpoint: str = "token"
    ) -> _Client:
        # One answer for an unknown client, a revoked one, another council's and a
        # wrong secret, always 401 with a challenge (RFC 6749 §5.2).
        try:
            return super().authenticate_client(request, methods, endpoint)
        except InvalidClientError:
            raise _client_auth_failed() from None

    def save_token(self, token: dict[str, Any], request: _Request) -> None:
        self.issued = token  # a JWT needs no storage; kept so the endpoint can audit it

    def send_signal(self, name: str, *args: object, **kwargs: object) -> None:
        """No signals are used."""

    def create_oauth2_request(self, request: TokenRequest) -> _Request:
        return _Request(request)

    def handle_response(
        self, status: int, body: dict[str, Any], headers: list[tuple[str, str]]
    ) -> TokenResponse:
        return TokenResponse(status, body, list(headers), self.issued if status == 200 else None)


def _client_auth_failed() -> InvalidClientError:
    return InvalidClientError(status_code=401, description="Client authentication failed")


def _malformed(request: TokenRequest) -> OAuth2Error | None:
    """Request faults Authlib would otherwise let through, misname or crash on (§3.2, §5.2)."""
    if request.basic_unreadable:
        return _client_auth_failed()
    counts = Counter(key for key, _ in request.fields)
    if any(count > 1 for count in counts.values()):
        # Never echo the names back: error descriptions must be plain ASCII (§5.2).
        return InvalidRequestError("Each parameter may be sent only once")
    if not request.form.get("grant_type"):
        return InvalidRequestError("Missing grant_type")
    basic_id, _ = request.basic_credentials
    if basic_id and ("client_secret" in request.form or "client_id" in request.form):
        return InvalidRequestError("Authenticate with HTTP Basic or the form, not both")
    return None


def issue_token(
    request: TokenRequest, client: ApiClient | None, tenant: Tenant, settings: Settings
) -> TokenResponse:
    """Answer a token request: a token, or an RFC 6749 error. ``client`` is the row it named."""
    server = _TokenServer(client, tenant, settings, request.origin)
    fault = _malformed(request)
    if fault is not None:
        return server.handle_error_response(request, fault)
    try:
        return server.create_token_response(request)
    except InsecureTransportError:  # only for a host name Authlib cannot parse
        return server.handle_error_response(request, InvalidRequestError("Use HTTPS"))
