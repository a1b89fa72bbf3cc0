"""Pick the storage backend from ``CAREPURSE_STORAGE_URL``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from core.settings import Settings
from core.storage.base import FileStorage
from core.storage.local import LocalFileStorage
from core.storage.s3 import S3FileStorage


def storage_from_url(settings: Settings) -> FileStorage:
    """``file://relative/or/absolute/path`` or ``s3://bucket/prefix``."""
    url = settings.storage_url
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalFileStorage(Path(url.removeprefix("file://")))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError("CAREPURSE_STORAGE_URL s3:// needs a bucket: s3://bucket/prefix")
        return S3FileStorage(
            parts.netloc,
            parts.path,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
        )
    raise ValueError(f"CAREPURSE_STORAGE_URL must start with file:// or s3://, not {url!r}")
