"""The tenant key layout every backend shares."""

from __future__ import annotations

import pytest

from core.storage import tenant_key
from core.storage.base import UnsafeKey, guess_content_type
from tests.support.storage_contract import UNSAFE_KEYS


def test_tenant_files_live_under_their_tenant_id() -> None:
    assert tenant_key(7, "public/logo.svg") == "tenants/7/public/logo.svg"


def test_platform_files_live_under_platform() -> None:
    assert tenant_key(None, "exports/all.csv") == "platform/exports/all.csv"


@pytest.mark.parametrize(
    "key", ["logo.svg", "public/branding/logo-0123abcd.svg", "a_b-c.d/e", "A1/b2.tar.gz"]
)
def test_ordinary_keys_are_accepted(key: str) -> None:
    assert tenant_key(1, key).endswith("/" + key)


@pytest.mark.parametrize("key", [*UNSAFE_KEYS, "..", ".", "a/..", "x\n", "\nx", "a\x00b", "é.png"])
def test_unsafe_keys_are_refused(key: str) -> None:
    with pytest.raises(UnsafeKey):
        tenant_key(1, key)


def test_unknown_extensions_are_served_as_plain_bytes() -> None:
    assert guess_content_type("data.unknownext") == "application/octet-stream"
