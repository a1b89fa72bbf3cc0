"""Starting uvicorn in a subprocess on a free port, and always stopping it again."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import http.client
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


class ServerError(RuntimeError):
    pass


def uvicorn_speedups() -> list[str]:
    """uvloop and httptools (uvicorn[standard]) when importable, else the pure-Python ones."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http_impl = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return ["--loop", loop, "--http", http_impl]


def cpu_plan(enabled: bool) -> tuple[int | None, int | None]:
    """(server core, load generator core): one each when there are two, else no pinning."""
    if not enabled or not hasattr(os, "sched_getaffinity"):
        return None, None
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None
    return cores[0], cores[1]


def _load_libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None
    try:
        return ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        return None


_LIBC = _load_libc()  # loaded here: nothing should be dlopen'ed between fork and exec
_PR_SET_PDEATHSIG = 1


def child_setup(cpu: int | None) -> Callable[[], None]:
    """Runs in each child before exec: pin it to a core, and have the kernel send it
    SIGTERM should this process die without cleaning up (kill -9, a crash)."""

    def setup() -> None:
        if cpu is not None:
            os.sched_setaffinity(0, {cpu})
        if _LIBC is not None:
            _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return setup


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_get(
    port: int,
    path: str,
    host: str | None = None,
    timeout: float = 5.0,
    headers: Sequence[str] = (),
) -> tuple[int, bytes]:
    status, _, body = http_request(port, "GET", path, host, timeout=timeout, headers=headers)
    return status, body


def http_request(
    port: int,
    method: str,
    path: str,
    host: str | None = None,
    *,
    form: Mapping[str, str] | None = None,
    headers: Sequence[str] = (),
    timeout: float = 5.0,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request; ``headers`` as ``"Name: value"`` lines, ``form`` sent urlencoded."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = {"Accept-Encoding": "identity"} | ({"Host": host} if host else {})
        for line in headers:
            name, _, value = line.partition(":")
            sent[name.strip()] = value.strip()
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@dataclass(frozen=True)
class Server:
    name: str
    port: int
    pid: int
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        return tail(self.log, lines)


def tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group (uvicorn shuts down cleanly), then SIGKILL."""
    if process.poll() is not None:
        return
    for signum, wait in ((signal.SIGTERM, STOP_TIMEOUT_SECONDS), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)  # its own group: start_new_session=True
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_ready(process: subprocess.Popen[bytes], port: int) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(OSError, http.client.HTTPException):
            if http_get(port, "/healthz", timeout=1.0)[0] == 200:
                return True
        time.sleep(0.05)
    return False


@contextlib.contextmanager
def serve(
    name: str,
    app: list[str],
    *,
    env: Mapping[str, str],
    log_dir: Path,
    cpu: int | None,
) -> Iterator[Server]:
    """uvicorn ``app`` (e.g. ``["pkg.mod:app"]``), one worker, no access log; ready when
    ``/healthz`` answers 200. Stopped on leaving the block, whatever the reason."""
    log = log_dir / f"{name}.log"
    for _attempt in range(3):  # a port picked as free can be taken before uvicorn binds it
        port = free_port()
        command = [
            sys.executable, "-m", "uvicorn", *app,
            "--host", "127.0.0.1", "--port", str(port),
            "--no-access-log", "--log-level", "warning", *uvicorn_speedups(),
        ]  # fmt: skip
        with log.open("ab") as output:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us; we stop it in order
                preexec_fn=child_setup(cpu),  # no threads run in this process
            )
        try:
            if _wait_ready(process, port):
                break
        except BaseException:
            stop(process)
            raise
        stop(process)
        if "address already in use" not in tail(log).lower():
            raise ServerError(f"{name} did not start; its log ends:\n{tail(log)}")
    else:
        raise ServerError(f"{name} found no free port; its log ends:\n{tail(log)}")
    try:
        yield Server(name=name, port=port, pid=process.pid, log=log)
    finally:
        stop(process)
