"""A real Carepurse server in a subprocess, for browser tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from core.settings import Settings
from tests.support.environment import as_environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(settings: Settings, timeout: float = 30) -> Iterator[str]:
    """Serve the app with uvicorn on a free port; yields ``host:port`` suffix (``:port``)."""
    # The server's output goes to a file: a pipe nobody reads fills up (64 KB of log
    # lines) and then blocks the server mid-request.
    with tempfile.TemporaryFile() as output:
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "core.app:create_app_from_environment",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            env=as_environment(settings),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    output.seek(0)
                    log = output.read().decode(errors="replace")
                    raise RuntimeError(f"the test server exited early:\n{log}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the test server did not start in time")
                time.sleep(0.1)
            yield f":{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
