"""Client ids and secrets: random, and only a digest of the secret is kept."""

from __future__ import annotations

import hashlib

from core.oauth.credentials import (
    looks_like_client_id,
    new_client_id,
    new_secret,
    secret_digest,
    secret_matches,
)


def test_client_ids_are_prefixed_random_and_fit_the_column():
    ids = {new_client_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(i.startswith("cp_") and len(i) == 35 and looks_like_client_id(i) for i in ids)


def test_secrets_have_256_bits_and_are_url_safe():
    secret = new_secret()
    assert len(secret) >= 43
    assert set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert new_secret() != secret


def test_only_a_sha256_digest_is_stored_and_it_matches_only_the_secret():
    secret = new_secret()
    digest = secret_digest(secret)
    assert digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in digest and len(digest) == 64
    assert secret_matches(secret, digest)
    assert not secret_matches(secret + "x", digest)
    assert not secret_matches("", digest)


def test_client_id_pre_check_refuses_empty_and_oversized_values():
    assert not looks_like_client_id(None)
    assert not looks_like_client_id("")
    assert not looks_like_client_id("cp_" + "a" * 62)
