"""Storage in a local folder: the development default."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from core.storage.base import FileMissing, StorageError, StoredFile, guess_content_type, tenant_key


class LocalFileStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, tenant_id: int | None, key: str) -> Path:
        return self.root / tenant_key(tenant_id, key)

    async def put(
        self, tenant_id: int | None, key: str, data: bytes, content_type: str | None = None
    ) -> str:
        path = self._path(tenant_id, key)
        try:
            await asyncio.to_thread(self._write_atomically, path, data)
        except OSError as error:
            raise StorageError(f"cannot store {key!r}: {error.strerror or error}") from error
        return key

    @staticmethod
    def _write_atomically(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, tenant_id: int | None, key: str) -> StoredFile:
        path = self._path(tenant_id, key)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            # A folder, or a path through a file, is no file: as with a missing S3 key.
            raise FileMissing(f"no file {key!r}") from None
        except OSError as error:
            raise StorageError(f"cannot read {key!r}: {error.strerror}") from error
        return StoredFile(key, data, guess_content_type(key))

    async def delete(self, tenant_id: int | None, key: str) -> None:
        path = self._path(tenant_id, key)
        try:
            await asyncio.to_thread(path.unlink, missing_ok=True)
        except (IsADirectoryError, NotADirectoryError):
            return  # no file there (a folder of other files is left alone, as on S3)
        except OSError as error:
            raise StorageError(f"cannot delete {key!r}: {error.strerror or error}") from error

    async def list(self, tenant_id: int | None, prefix: str = "") -> list[str]:
        base = self.root / tenant_key(tenant_id, "x")[:-1]
        if not base.exists():
            return []
        files = await asyncio.to_thread(lambda: [p for p in base.rglob("*") if p.is_file()])
        keys = sorted(str(p.relative_to(base)) for p in files if not p.name.startswith(".upload-"))
        return [k for k in keys if k.startswith(prefix)]

    async def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(f"cannot use {self.root}: {error.strerror}") from error
        if not os.access(self.root, os.W_OK):
            raise StorageError(f"cannot write to {self.root}")
