"""Secrets are references resolved by the host; values never sit in the database."""

from __future__ import annotations

import pytest

from core.hooks.errors import PluginConfigError
from core.hooks.secrets import SecretUnavailable, check_reference_syntax, resolve_secret


def test_env_reference_resolves_from_the_environment():
    assert resolve_secret("env:PAYPAL_KEY", {"PAYPAL_KEY": "s3cret"}) == "s3cret"


def test_file_reference_resolves_and_is_stripped(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    assert resolve_secret(f"file:{secret}") == "from-a-file"


@pytest.mark.parametrize("reference", ["env:MISSING_VARIABLE", "file:/no/such/file", "vault:x"])
def test_unavailable_reference_says_why(reference):
    with pytest.raises(SecretUnavailable):
        resolve_secret(reference, {})


def test_a_raw_value_instead_of_a_reference_is_refused():
    with pytest.raises(PluginConfigError, match="must be a reference"):
        check_reference_syntax("payments", {"api_key": "sk_live_123"})
