"""Passwords are argon2id; tokens are random and stored only as digests."""

from __future__ import annotations

from core.identity.secrets import (
    hash_password,
    new_token,
    token_digest,
    verify_password,
)


def test_passwords_are_argon2id_and_verify():
    digest = hash_password("a long passphrase")
    assert digest.startswith("$argon2id$")
    assert verify_password(digest, "a long passphrase")
    assert not verify_password(digest, "a long passphrasE")


def test_an_account_without_a_password_never_verifies():
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


def test_tokens_are_unique_and_only_their_digest_is_kept():
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    token = tokens.pop()
    assert len(token) >= 43
    assert token_digest(token) != token and len(token_digest(token)) == 64
