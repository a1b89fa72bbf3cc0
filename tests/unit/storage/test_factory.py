"""``CAREPURSE_STORAGE_URL`` picks the backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from core.storage import storage_from_url
from core.storage.local import LocalFileStorage
from core.storage.s3 import S3FileStorage


def test_file_url_gives_a_local_folder(tmp_path: Path) -> None:
    storage = storage_from_url(Settings(storage_url=f"file://{tmp_path}/files"))
    assert isinstance(storage, LocalFileStorage)
    assert storage.root == tmp_path.resolve() / "files"


def test_s3_url_gives_a_bucket_and_prefix() -> None:
    settings = Settings(
        storage_url="s3://carepurse-files/production/",
        s3_endpoint_url="http://127.0.0.1:9",
        s3_region="eu-west-1",
    )
    storage = storage_from_url(settings)
    assert isinstance(storage, S3FileStorage)
    assert storage.bucket == "carepurse-files"
    assert storage.prefix == "production"
    assert storage.client.meta.region_name == "eu-west-1"
    assert storage.client.meta.endpoint_url == "http://127.0.0.1:9"


def test_s3_url_without_prefix_uses_the_bucket_root() -> None:
    storage = storage_from_url(Settings(storage_url="s3://carepurse-files"))
    assert isinstance(storage, S3FileStorage)
    assert storage.prefix == ""
    assert storage._key(3, "a.txt") == "tenants/3/a.txt"


def test_s3_url_needs_a_bucket() -> None:
    with pytest.raises(ValueError, match="needs a bucket"):
        storage_from_url(Settings(storage_url="s3:///prefix"))


@pytest.mark.parametrize("url", ["ftp://files/x", "/var/storage", "var/storage", "gs://bucket"])
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="file:// or s3://"):
        storage_from_url(Settings(storage_url=url))
