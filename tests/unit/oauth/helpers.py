"""Stand-ins for a council and an ApiClient row: the token logic needs only their fields."""

from __future__ import annotations

import base64
from types import SimpleNamespace
from typing import Any

from core.oauth.credentials import new_client_id, new_secret, secret_digest
from core.oauth.server import TokenRequest
from core.settings import Settings

SETTINGS = Settings(environment="test", secret_key="unit-test-secret", api_token_minutes=15)
ORIGIN = "http://riverbend.localhost"


def council(tenant_id: int = 7, slug: str = "riverbend") -> Any:
    return SimpleNamespace(id=tenant_id, slug=slug)


def api_client(scopes: list[str] | None = None) -> tuple[Any, str]:
    secret = new_secret()
    row = SimpleNamespace(
        client_id=new_client_id(),
        secret_hash=secret_digest(secret),
        scopes=scopes or ["people:read", "audit:read"],
    )
    return row, secret


def basic(client_id: str, secret: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def token_request(
    fields: list[tuple[str, str]], headers: dict[str, str] | None = None
) -> TokenRequest:
    return TokenRequest(
        method="POST", origin=ORIGIN, path="/oauth/token", headers=headers or {}, fields=fields
    )
