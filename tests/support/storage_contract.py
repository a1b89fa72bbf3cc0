"""What every storage backend must do, written once and run against each backend.

A test class inherits :class:`StorageContract` and provides two fixtures:

``storage``
    a fresh, empty :class:`~core.storage.FileStorage` for the test;
``raw_keys``
    an async callable returning every object the backend holds for that storage,
    as paths relative to its root (local folder) or prefix (S3), read *behind*
    the storage layer, so the tenant layout itself is checked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from core.storage import FileStorage, StorageError
from core.storage.base import FileMissing, UnsafeKey

RawKeys = Callable[[], Awaitable[list[str]]]

UNSAFE_KEYS = [
    "../x",
    "/etc/passwd",
    "a/../../b",
    "",
    "a//b",
    "a/./b",
    ".hidden",
    "a/",
    "a\\b",
    "logo.svg\n",
    "evidence pdf",
]

ALL_BYTES = bytes(range(256)) * 4


class StorageContract:
    """Behaviour shared by the local folder and S3 backends."""

    async def test_put_then_get_returns_the_same_bytes(self, storage: FileStorage) -> None:
        returned = await storage.put(1, "uploads/blob.bin", ALL_BYTES)

        stored = await storage.get(1, "uploads/blob.bin")

        assert returned == "uploads/blob.bin"
        assert stored.key == "uploads/blob.bin"
        assert stored.data == ALL_BYTES

    async def test_empty_file_round_trips(self, storage: FileStorage) -> None:
        await storage.put(1, "empty.txt", b"")
        assert (await storage.get(1, "empty.txt")).data == b""

    @pytest.mark.parametrize(
        ("key", "content_type"),
        [
            ("branding/logo.svg", "image/svg+xml"),
            ("branding/logo.png", "image/png"),
            ("private/evidence.pdf", "application/pdf"),
            ("notes.txt", "text/plain"),
            ("no-extension", "application/octet-stream"),
        ],
    )
    async def test_content_type_is_guessed_from_the_key(
        self, storage: FileStorage, key: str, content_type: str
    ) -> None:
        await storage.put(7, key, b"content")
        assert (await storage.get(7, key)).content_type == content_type

    async def test_putting_again_replaces_the_file(self, storage: FileStorage) -> None:
        await storage.put(1, "letter.txt", b"first draft")
        await storage.put(1, "letter.txt", b"final")

        assert (await storage.get(1, "letter.txt")).data == b"final"
        assert await storage.list(1) == ["letter.txt"]

    async def test_list_returns_the_keys_under_a_prefix_in_order(
        self, storage: FileStorage
    ) -> None:
        for key in ("public/b.png", "public/a.svg", "private/x.pdf", "publicity.txt"):
            await storage.put(3, key, b"x")

        assert await storage.list(3) == [
            "private/x.pdf",
            "public/a.svg",
            "public/b.png",
            "publicity.txt",
        ]
        assert await storage.list(3, "public/") == ["public/a.svg", "public/b.png"]
        assert await storage.list(3, "public") == [
            "public/a.svg",
            "public/b.png",
            "publicity.txt",
        ]
        assert await storage.list(3, "nothing/") == []

    async def test_list_of_a_tenant_without_files_is_empty(self, storage: FileStorage) -> None:
        assert await storage.list(99) == []

    async def test_deleted_file_is_gone_and_deleting_again_is_harmless(
        self, storage: FileStorage
    ) -> None:
        await storage.put(1, "old/report.pdf", b"%PDF")
        await storage.put(1, "old/keep.pdf", b"%PDF")

        await storage.delete(1, "old/report.pdf")
        await storage.delete(1, "old/report.pdf")
        await storage.delete(1, "never/existed.txt")

        with pytest.raises(FileMissing):
            await storage.get(1, "old/report.pdf")
        assert await storage.list(1) == ["old/keep.pdf"]

    async def test_missing_file_raises_file_missing(self, storage: FileStorage) -> None:
        with pytest.raises(FileMissing, match=r"nowhere\.txt"):
            await storage.get(1, "nowhere.txt")

    async def test_file_missing_is_a_storage_error(self, storage: FileStorage) -> None:
        with pytest.raises(StorageError):
            await storage.get(1, "nowhere.txt")

    @pytest.mark.parametrize("key", UNSAFE_KEYS)
    async def test_unsafe_keys_are_refused_by_every_operation(
        self, storage: FileStorage, raw_keys: RawKeys, key: str
    ) -> None:
        with pytest.raises(UnsafeKey):
            await storage.put(1, key, b"escaped")
        with pytest.raises(UnsafeKey):
            await storage.get(1, key)
        with pytest.raises(UnsafeKey):
            await storage.delete(1, key)
        assert await raw_keys() == []

    async def test_files_of_one_tenant_are_invisible_to_another(self, storage: FileStorage) -> None:
        await storage.put(1, "private/evidence.pdf", b"tenant one's secret")
        await storage.put(2, "private/other.pdf", b"tenant two's own")

        assert await storage.list(1) == ["private/evidence.pdf"]
        assert await storage.list(2) == ["private/other.pdf"]
        assert await storage.list(2, "private/") == ["private/other.pdf"]
        with pytest.raises(FileMissing):
            await storage.get(2, "private/evidence.pdf")

    async def test_one_tenant_deleting_a_key_leaves_anothers_file_alone(
        self, storage: FileStorage
    ) -> None:
        await storage.put(1, "shared-name.txt", b"one")
        await storage.put(2, "shared-name.txt", b"two")

        await storage.delete(2, "shared-name.txt")

        assert (await storage.get(1, "shared-name.txt")).data == b"one"

    async def test_tenant_ids_are_not_prefixes_of_each_other(self, storage: FileStorage) -> None:
        await storage.put(12, "a.txt", b"twelve")
        await storage.put(1, "b.txt", b"one")

        assert await storage.list(1) == ["b.txt"]
        assert await storage.list(12) == ["a.txt"]

    async def test_platform_files_are_kept_apart_from_councils(self, storage: FileStorage) -> None:
        await storage.put(None, "exports/all.csv", b"platform")
        await storage.put(1, "exports/mine.csv", b"council")

        assert await storage.list(None) == ["exports/all.csv"]
        assert await storage.list(1) == ["exports/mine.csv"]
        with pytest.raises(FileMissing):
            await storage.get(1, "exports/all.csv")

    async def test_files_land_under_their_tenants_prefix(
        self, storage: FileStorage, raw_keys: RawKeys
    ) -> None:
        await storage.put(1, "public/branding/logo.svg", b"<svg/>")
        await storage.put(2, "private/evidence.pdf", b"%PDF")
        await storage.put(None, "exports/all.csv", b"a,b")

        assert sorted(await raw_keys()) == [
            "platform/exports/all.csv",
            "tenants/1/public/branding/logo.svg",
            "tenants/2/private/evidence.pdf",
        ]

    async def test_check_passes_when_the_backend_is_usable(self, storage: FileStorage) -> None:
        await storage.check()
