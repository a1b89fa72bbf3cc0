"""The storage interface every backend implements, and the tenant key layout."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from typing import Protocol

SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


class StorageError(Exception):
    """A file could not be stored or read; the message says which and why."""


class FileMissing(StorageError):
    """No file at that key."""


class UnsafeKey(StorageError):
    """A key that could escape the tenant's prefix (``..``, absolute paths, odd characters)."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    key: str
    data: bytes
    content_type: str


def tenant_key(tenant_id: int | None, key: str) -> str:
    """Every file lives under its tenant's prefix, so one council never reads another's."""
    # fullmatch, not match: ``$`` alone would also accept a trailing newline ("logo.svg\n").
    if not SAFE_KEY.fullmatch(key) or ".." in key.split("/"):
        raise UnsafeKey(f"{key!r} is not a safe file name")
    owner = f"tenants/{tenant_id}" if tenant_id is not None else "platform"
    return f"{owner}/{key}"


def guess_content_type(key: str) -> str:
    return mimetypes.guess_type(key)[0] or "application/octet-stream"


class FileStorage(Protocol):
    """Async file storage; keys are relative to the tenant's prefix."""

    async def put(
        self, tenant_id: int | None, key: str, data: bytes, content_type: str | None = None
    ) -> str: ...

    async def get(self, tenant_id: int | None, key: str) -> StoredFile: ...

    async def delete(self, tenant_id: int | None, key: str) -> None: ...

    async def list(self, tenant_id: int | None, prefix: str = "") -> list[str]: ...

    async def check(self) -> None:
        """Raise :class:`StorageError` if the backend cannot be reached."""
        ...
