"""Client ids and secrets: random, shown once, and only a digest ever stored.

Secrets are 256 random bits, so a plain SHA-256 digest is enough: nobody can
guess their way back from it, and checking a token request stays cheap (a slow
password hash would only help an attacker tie up the server).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

CLIENT_ID_PREFIX = "cp_"
CLIENT_ID_MAX_LENGTH = 64  # ApiClient.client_id's column size


def new_client_id() -> str:
    """Public, but unguessable: ``cp_`` then 128 random bits."""
    return CLIENT_ID_PREFIX + secrets.token_hex(16)


def new_secret() -> str:
    """The client's password: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def secret_digest(secret: str) -> str:
    """What the database keeps instead of the secret (64 hex characters)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_digest: str) -> bool:
    """Constant-time comparison, so timing reveals nothing about the stored digest."""
    return hmac.compare_digest(secret_digest(secret), stored_digest)


def looks_like_client_id(value: str | None) -> bool:
    """Cheap pre-check before a database lookup for something a caller sent us."""
    return bool(value) and len(value or "") <= CLIENT_ID_MAX_LENGTH
