"""The S3 backend against a real S3-compatible server (SeaweedFS on loopback), never a mock.

One ``weed mini`` serves the whole session (see tests/support/seaweedfs.py); every test
gets its own key prefix in a shared bucket, so tests never see each other's files.
The storage is always built the way the app builds it: ``storage_from_url`` from
:class:`Settings`, with credentials from the usual ``AWS_*`` environment variables.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.session
import pytest

from core.settings import Settings
from core.storage import StorageError, storage_from_url
from core.storage.base import FileMissing
from core.storage.s3 import S3FileStorage
from tenants.logo import upload_logo
from tests.factories import make_tenant
from tests.support.seaweedfs import SeaweedServer, running_seaweedfs, unused_port
from tests.support.storage_contract import RawKeys, StorageContract

pytestmark = pytest.mark.s3

BUCKET = "carepurse-test"
SVG_LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect/></svg>'

StorageFactory = Callable[..., S3FileStorage]


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """One SeaweedFS for the session, with the test bucket made; stopped at the end."""
    with running_seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        server.client().create_bucket(Bucket=BUCKET)
        yield server


@pytest.fixture
def s3_credentials(seaweedfs: SeaweedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's credentials in the environment, as boto3 finds them in production."""
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
    ):
        monkeypatch.delenv(name, raising=False)
    # A developer's ~/.aws files must not change what the tests see.
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", seaweedfs.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", seaweedfs.secret_key)


@pytest.fixture
def prefix() -> str:
    return f"run-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def aws_models() -> Any:
    """boto3's parsed service models, read once: a fresh session would re-read them (~0.2 s)."""
    return botocore.session.get_session().get_component("data_loader")


@pytest.fixture
def make_storage(
    seaweedfs: SeaweedServer,
    s3_credentials: None,
    aws_models: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> StorageFactory:
    """``make_storage(url, endpoint=...)`` -> the backend the app would build from those settings.

    boto3's process-wide default session looks credentials up once and keeps them, so each
    storage gets a fresh default session: it sees the ``AWS_*`` variables as they are now,
    as a freshly started process would.
    """

    def make(storage_url: str, *, endpoint_url: str | None = None) -> S3FileStorage:
        core = botocore.session.get_session()
        core.register_component("data_loader", aws_models)
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", boto3.session.Session(botocore_session=core))
        settings = Settings(
            environment="test",
            storage_url=storage_url,
            s3_endpoint_url=endpoint_url or seaweedfs.endpoint_url,
        )
        storage = storage_from_url(settings)
        assert isinstance(storage, S3FileStorage)
        return storage

    return make


@pytest.fixture
def storage(make_storage: StorageFactory, prefix: str) -> S3FileStorage:
    return make_storage(f"s3://{BUCKET}/{prefix}")


@pytest.fixture
def raw(seaweedfs: SeaweedServer) -> Any:
    """A boto3 client straight to the server, to look behind the storage layer."""
    return seaweedfs.client()


def bucket_keys(raw: Any, prefix: str = "") -> list[str]:
    pages = raw.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


@pytest.fixture
def raw_keys(raw: Any, prefix: str) -> RawKeys:
    async def keys() -> list[str]:
        return [key.removeprefix(f"{prefix}/") for key in bucket_keys(raw, f"{prefix}/")]

    return keys


class TestS3Storage(StorageContract):
    """Everything every backend must do, on a real S3 server."""


async def test_keys_land_under_the_prefix_then_tenants_then_the_id(
    storage: S3FileStorage, raw: Any, prefix: str
) -> None:
    await storage.put(5, "public/branding/logo.svg", SVG_LOGO)
    await storage.put(6, "private/evidence.pdf", b"%PDF-1.7")

    assert bucket_keys(raw, f"{prefix}/") == [
        f"{prefix}/tenants/5/public/branding/logo.svg",
        f"{prefix}/tenants/6/private/evidence.pdf",
    ]
    stored = raw.get_object(Bucket=BUCKET, Key=f"{prefix}/tenants/5/public/branding/logo.svg")
    assert stored["Body"].read() == SVG_LOGO
    assert stored["ContentType"] == "image/svg+xml"


async def test_a_bucket_url_without_prefix_puts_tenants_at_the_bucket_root(
    make_storage: StorageFactory, raw: Any, seaweedfs: SeaweedServer
) -> None:
    bucket = f"carepurse-bare-{uuid.uuid4().hex[:8]}"
    raw.create_bucket(Bucket=bucket)
    storage = make_storage(f"s3://{bucket}")

    await storage.put(8, "notes.txt", b"hello")

    listed = raw.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert [item["Key"] for item in listed] == ["tenants/8/notes.txt"]
    assert await storage.list(8) == ["notes.txt"]


async def test_an_explicit_content_type_is_kept(storage: S3FileStorage) -> None:
    await storage.put(1, "exports/report", b"a,b\n1,2\n", content_type="text/csv")
    assert (await storage.get(1, "exports/report")).content_type == "text/csv"


async def test_a_file_written_behind_the_storage_layer_is_read_through_it(
    storage: S3FileStorage, raw: Any, prefix: str
) -> None:
    raw.put_object(Bucket=BUCKET, Key=f"{prefix}/tenants/3/public/a.png", Body=b"png")

    assert await storage.list(3) == ["public/a.png"]
    assert (await storage.get(3, "public/a.png")).data == b"png"


async def test_listing_with_a_prefix_returns_only_that_folder(storage: S3FileStorage) -> None:
    for name in ("a", "b", "c", "d", "e"):
        await storage.put(1, f"letters/{name}.txt", name.encode())
        await storage.put(1, f"lettersbox/{name}.txt", name.encode())
    await storage.put(2, "letters/z.txt", b"other council")

    assert await storage.list(1, "letters/") == [f"letters/{n}.txt" for n in "abcde"]
    assert await storage.list(1, "letters/c") == ["letters/c.txt"]


async def test_listing_follows_continuation_pages(storage: S3FileStorage) -> None:
    """The server pages at 1000 keys; ask it for pages of 2 so 7 keys take 4 real pages."""
    keys = [f"page/{n:02d}.txt" for n in range(7)]
    for key in keys:
        await storage.put(1, key, b"x")
    await storage.put(2, "page/99.txt", b"another council")
    requests: list[dict[str, Any]] = []

    def small_pages(params: dict[str, Any], **_: Any) -> None:
        params["MaxKeys"] = 2
        requests.append(dict(params))

    storage.client.meta.events.register("provide-client-params.s3.ListObjectsV2", small_pages)

    assert await storage.list(1, "page/") == keys
    assert len(requests) == 4
    assert "ContinuationToken" not in requests[0]
    assert all("ContinuationToken" in request for request in requests[1:])


async def test_wrong_credentials_make_check_fail(
    make_storage: StorageFactory, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    storage = make_storage(f"s3://{BUCKET}/{prefix}")

    with pytest.raises(StorageError, match="S3 refused") as raised:
        await storage.check()
    assert not isinstance(raised.value, FileMissing)


async def test_wrong_credentials_are_never_mistaken_for_a_missing_file(
    storage: S3FileStorage,
    make_storage: StorageFactory,
    prefix: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await storage.put(1, "private/evidence.pdf", b"%PDF")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    intruder = make_storage(f"s3://{BUCKET}/{prefix}")

    for attempt in (
        lambda: intruder.get(1, "private/evidence.pdf"),
        lambda: intruder.put(1, "private/evidence.pdf", b"overwritten"),
        lambda: intruder.list(1),
        lambda: intruder.delete(1, "private/evidence.pdf"),
    ):
        with pytest.raises(StorageError, match="S3 refused") as raised:
            await attempt()
        assert not isinstance(raised.value, FileMissing)
    assert (await storage.get(1, "private/evidence.pdf")).data == b"%PDF"


async def test_a_missing_bucket_makes_check_fail_naming_the_bucket(
    make_storage: StorageFactory,
) -> None:
    storage = make_storage("s3://no-such-bucket-here/files")

    with pytest.raises(StorageError, match="bucket 'no-such-bucket-here' does not exist") as raised:
        await storage.check()
    assert not isinstance(raised.value, FileMissing)


async def test_an_unreachable_endpoint_gives_storage_errors(
    make_storage: StorageFactory, prefix: str
) -> None:
    with unused_port() as port:
        storage = make_storage(f"s3://{BUCKET}/{prefix}", endpoint_url=f"http://127.0.0.1:{port}")
        started = time.monotonic()

        for attempt in (
            storage.check,
            lambda: storage.put(1, "a.txt", b"x"),
            lambda: storage.get(1, "a.txt"),
            lambda: storage.list(1),
            lambda: storage.delete(1, "a.txt"),
        ):
            with pytest.raises(StorageError, match="unreachable") as raised:
                await attempt()
            assert not isinstance(raised.value, FileMissing)

    assert time.monotonic() - started < 30


async def test_logo_uploaded_to_s3_is_served_on_the_councils_site(
    app: Any,
    client_for: Any,
    make_storage: StorageFactory,
    prefix: str,
    raw: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = app.state.runtime
    monkeypatch.setattr(runtime, "storage", make_storage(f"s3://{BUCKET}/{prefix}"))
    council = await make_tenant("s3shire", "S3shire Council")
    other = await make_tenant("elsewhere", "Elsewhere Council")

    url = await upload_logo(runtime, council, "logo.svg", SVG_LOGO)

    assert f'src="{url}"' in (await client_for(council).get("/")).text
    response = await client_for(council).get(url)
    assert response.status_code == 200
    assert response.content == SVG_LOGO
    assert response.headers["content-type"] == "image/svg+xml"
    assert (await client_for(other).get(url)).status_code == 404
    assert bucket_keys(raw, f"{prefix}/") == [
        f"{prefix}/tenants/{council.id}/public{url.removeprefix('/media')}"
    ]
