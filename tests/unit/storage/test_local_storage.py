"""The local-folder backend (the development default): the shared contract and its own details."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.storage import StorageError
from core.storage.base import FileMissing
from core.storage.local import LocalFileStorage
from tests.support.storage_contract import RawKeys, StorageContract


def files_under(root: Path) -> list[str]:
    """Every file below ``root``, dot-files included, as POSIX paths relative to it."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "storage"


@pytest.fixture
def storage(root: Path) -> LocalFileStorage:
    return LocalFileStorage(root)


@pytest.fixture
def raw_keys(root: Path) -> RawKeys:
    async def keys() -> list[str]:
        return files_under(root) if root.exists() else []

    return keys


class TestLocalStorage(StorageContract):
    """Everything every backend must do, on a folder."""


async def test_unsafe_keys_write_nothing_outside_the_root(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path / "root")
    for key in ("../x", "a/../../b", "/etc/passwd", "../../../tmp/escaped"):
        with pytest.raises(StorageError):
            await storage.put(1, key, b"escaped")
    assert files_under(tmp_path) == []


async def test_write_leaves_no_temporary_files(storage: LocalFileStorage, root: Path) -> None:
    await storage.put(1, "public/branding/logo.svg", b"<svg/>")
    await storage.put(1, "public/branding/logo.svg", b"<svg></svg>")
    await storage.put(1, "private/evidence.pdf", b"%PDF")

    assert files_under(root) == [
        "tenants/1/private/evidence.pdf",
        "tenants/1/public/branding/logo.svg",
    ]


async def test_failed_write_removes_its_temporary_file_and_raises_storage_error(
    storage: LocalFileStorage, root: Path
) -> None:
    # A folder already sits where the file would go, so the final rename fails.
    (root / "tenants/1/report.pdf").mkdir(parents=True)

    with pytest.raises(StorageError, match=r"report\.pdf"):
        await storage.put(1, "report.pdf", b"%PDF")

    assert files_under(root) == []


async def test_write_under_a_file_raises_storage_error(storage: LocalFileStorage) -> None:
    await storage.put(1, "report.pdf", b"%PDF")

    with pytest.raises(StorageError, match=r"report\.pdf/appendix\.pdf"):
        await storage.put(1, "report.pdf/appendix.pdf", b"%PDF")


async def test_temporary_upload_files_are_never_listed(
    storage: LocalFileStorage, root: Path
) -> None:
    await storage.put(1, "public/logo.svg", b"<svg/>")
    # What an upload interrupted by a crash would leave behind.
    (root / "tenants/1/public/.upload-abc123").write_bytes(b"half a file")

    assert await storage.list(1) == ["public/logo.svg"]


async def test_a_folder_is_not_a_file(storage: LocalFileStorage) -> None:
    """A folder (or a path through a file) reads as missing, as a missing S3 key would."""
    await storage.put(1, "public/branding/logo.svg", b"<svg/>")

    with pytest.raises(FileMissing):
        await storage.get(1, "public/branding")
    with pytest.raises(FileMissing):
        await storage.get(1, "public/branding/logo.svg/more")


async def test_deleting_a_folder_key_leaves_its_files(storage: LocalFileStorage) -> None:
    await storage.put(1, "public/branding/logo.svg", b"<svg/>")

    await storage.delete(1, "public/branding")

    assert await storage.list(1) == ["public/branding/logo.svg"]


async def test_files_are_stored_as_plain_files_under_the_root(
    storage: LocalFileStorage, root: Path
) -> None:
    await storage.put(4, "public/logo.svg", b"<svg/>")
    assert (root / "tenants/4/public/logo.svg").read_bytes() == b"<svg/>"


async def test_check_creates_a_missing_root(tmp_path: Path) -> None:
    root = tmp_path / "not" / "yet" / "there"

    await LocalFileStorage(root).check()

    assert root.is_dir()


async def test_check_on_a_root_that_is_a_file_raises_storage_error(tmp_path: Path) -> None:
    root = tmp_path / "storage"
    root.write_text("not a folder")

    with pytest.raises(StorageError, match="storage"):
        await LocalFileStorage(root).check()


async def test_check_on_a_root_below_a_file_raises_storage_error(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("not a folder")

    with pytest.raises(StorageError, match="blocker"):
        await LocalFileStorage(tmp_path / "blocker" / "storage").check()


def test_a_relative_root_is_resolved_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    storage = LocalFileStorage(Path("var/storage"))
    assert storage.root == tmp_path.resolve() / "var" / "storage"
