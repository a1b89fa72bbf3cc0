"""Closed-loop HTTP/1.1 load: N keep-alive connections, one request in flight on each.

Runs in its own process (``python -m benchmarks.loadgen ...``) so that it has a core of
its own, and prints one JSON object. It speaks HTTP over raw asyncio protocols (on uvloop
when installed): an HTTP client library would run out of CPU before a fast server does,
and the figures would then describe the client. ``wrk`` is used instead when asked for
(``BENCH_LOADGEN=wrk``) or, by default, when it is on PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------
# The Python load generator (this module run as a program)
# ---------------------------------------------------------------------------


def build_request(path: str, host: str, headers: Sequence[str] = ()) -> bytes:
    # identity: the pages are compared uncompressed (Carepurse has GZipMiddleware, the
    # baseline has not); a browser's gzip would add compression work to one side only.
    extra = "".join(f"{line}\r\n" for line in headers)  # e.g. a session cookie
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: carepurse-bench\r\n"
        f"Accept: */*\r\nAccept-Encoding: identity\r\n{extra}\r\n"
    ).encode("latin-1")


def _chunked_end(buffer: bytearray, start: int) -> int | None:
    """Where a chunked body that begins at ``start`` ends, or None while incomplete."""
    position = start
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return None
        size = int(bytes(buffer[position:line_end]).split(b";", 1)[0], 16)
        if size == 0:
            trailer_end = buffer.find(b"\r\n\r\n", line_end)
            return None if trailer_end < 0 else trailer_end + 4
        position = line_end + 2 + size + 2
        if position > len(buffer):
            return None


class Recorder:
    """Latencies and failures of the responses completed while recording."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.socket_errors = 0
        self.recording = False
        self.stopped = False

    def record(self, latency: float, status: int) -> None:
        if self.recording:
            self.latencies.append(latency)
            self.statuses[status] += 1


class Connection(asyncio.Protocol):
    """One keep-alive connection sending the same request again as each answer completes."""

    def __init__(self, request: bytes, recorder: Recorder, closed: asyncio.Future[None]) -> None:
        self.request = request
        self.recorder = recorder
        self.closed = closed
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.started = 0.0
        self.status = 0
        self.body_start = -1
        self.length: int | None = None
        self.chunked = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # (uvloop's transports do not subclass asyncio.Transport, so no isinstance check)
        self.transport = cast(asyncio.Transport, transport)
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        if self.recorder.stopped:
            self.transport.close()
            return
        self.buffer.clear()
        self.body_start = -1
        self.started = time.perf_counter()
        self.transport.write(self.request)

    def _parse_head(self) -> bool:
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return False
        lines = bytes(self.buffer[:head_end]).split(b"\r\n")
        self.status = int(lines[0].split(b" ", 2)[1])
        self.length, self.chunked = None, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                self.length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                self.chunked = True
        self.body_start = head_end + 4
        return True

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.body_start < 0 and not self._parse_head():
            return
        if self.chunked:
            end = _chunked_end(self.buffer, self.body_start)
            if end is None:
                return
        elif self.length is not None and len(self.buffer) < self.body_start + self.length:
            return
        # (A response with neither header has no body here: the servers always send one.)
        self.recorder.record(time.perf_counter() - self.started, self.status)
        self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.recorder.stopped:
            self.recorder.socket_errors += 1
        if not self.closed.done():
            self.closed.set_result(None)


def _percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a whole process (all threads), from /proc on Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


async def generate_load(
    host: str,
    port: int,
    request: bytes,
    *,
    concurrency: int,
    warmup: float,
    seconds: float,
    server_pid: int | None = None,
    raw: bool = False,
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    recorder = Recorder()
    connections: list[tuple[asyncio.BaseTransport, asyncio.Future[None]]] = []

    async def connect() -> None:
        closed: asyncio.Future[None] = loop.create_future()
        transport, _ = await loop.create_connection(
            lambda: Connection(request, recorder, closed), host, port
        )
        connections.append((transport, closed))

    await asyncio.gather(*(connect() for _ in range(concurrency)))
    await asyncio.sleep(warmup)

    recorder.recording = True
    server_cpu_start = _process_cpu_seconds(server_pid) if server_pid else None
    own_cpu_start = time.process_time()
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    elapsed = time.perf_counter() - started
    own_cpu = time.process_time() - own_cpu_start
    server_cpu_end = _process_cpu_seconds(server_pid) if server_pid else None
    recorder.recording = False
    recorder.stopped = True

    for transport, _ in connections:
        transport.close()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(closed for _, closed in connections)), 5)

    ordered = sorted(recorder.latencies)
    count = len(ordered)
    server_cpu = (
        (server_cpu_end - server_cpu_start) / elapsed
        if server_cpu_start is not None and server_cpu_end is not None
        else None
    )
    figures = {
        "requests": count,
        "seconds": elapsed,
        "rps": count / elapsed,
        "mean_ms": (sum(ordered) / count * 1000) if count else math.nan,
        "p50_ms": _percentile(ordered, 0.50) * 1000,
        "p90_ms": _percentile(ordered, 0.90) * 1000,
        "p99_ms": _percentile(ordered, 0.99) * 1000,
        "max_ms": (ordered[-1] * 1000) if count else math.nan,
        "non_2xx": sum(n for status, n in recorder.statuses.items() if not 200 <= status < 300),
        "statuses": {str(status): n for status, n in sorted(recorder.statuses.items())},
        "socket_errors": recorder.socket_errors,
        "loadgen_cpu": own_cpu / elapsed,
        "server_cpu": server_cpu,
    }
    if raw:  # for merging several runs' percentiles exactly
        figures["latencies_us"] = [round(latency * 1e6) for latency in ordered]
    return figures


def _program() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--path", default="/")
    parser.add_argument("--host", help="Host header (default: address:port)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--server-pid", type=int, help="report this process's CPU use")
    parser.add_argument("--raw", action="store_true", help="include every latency (us)")
    parser.add_argument(
        "--header", action="append", default=[], help="an extra 'Name: value' header"
    )
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:
        run: Callable[[Any], Any] = asyncio.run
        event_loop = "asyncio"
    else:
        run, event_loop = uvloop.run, "uvloop"
    request = build_request(args.path, args.host or f"{args.address}:{args.port}", args.header)
    result = run(
        generate_load(
            args.address,
            args.port,
            request,
            concurrency=args.concurrency,
            warmup=args.warmup,
            seconds=args.seconds,
            server_pid=args.server_pid,
            raw=args.raw,
        )
    )
    result["loadgen"] = f"python ({event_loop})"
    json.dump(result, sys.stdout)
    return 0


# ---------------------------------------------------------------------------
# Running a measurement from the orchestrator: this module as a subprocess, or wrk
# ---------------------------------------------------------------------------


class LoadError(RuntimeError):
    pass


def choose_loadgen(preference: str) -> str:
    """``auto`` means wrk when it is on PATH, else the Python generator."""
    preference = preference.strip().lower() or "auto"
    if preference not in ("auto", "python", "wrk"):
        raise LoadError(f"BENCH_LOADGEN must be auto, python or wrk, not {preference!r}")
    if preference == "wrk" and shutil.which("wrk") is None:
        raise LoadError("BENCH_LOADGEN=wrk but wrk is not on PATH")
    if preference == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    return preference


def measure(
    loadgen: str,
    *,
    port: int,
    path: str,
    host: str | None,
    concurrency: int,
    warmup: float,
    seconds: float,
    server_pid: int | None,
    preexec: Callable[[], None] | None,
    raw: bool = False,
    headers: Sequence[str] = (),
) -> dict[str, Any]:
    """One warm-up then one measurement of one endpoint, by a load generator in a subprocess."""
    if loadgen == "wrk":
        return _measure_wrk(
            port, path, host, concurrency, warmup, seconds, server_pid, preexec, headers
        )
    command = [
        sys.executable, "-m", "benchmarks.loadgen",
        "--port", str(port), "--path", path,
        "--concurrency", str(concurrency), "--warmup", str(warmup), "--seconds", str(seconds),
    ]  # fmt: skip
    if host:
        command += ["--host", host]
    if server_pid:
        command += ["--server-pid", str(server_pid)]
    if raw:
        command.append("--raw")
    for line in headers:
        command += ["--header", line]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=warmup + seconds + 60,
        preexec_fn=preexec,  # safe: this process runs no threads
        check=False,
    )
    if done.returncode != 0:
        raise LoadError(f"load generator failed ({done.returncode}):\n{done.stderr.strip()}")
    return json.loads(done.stdout)


_WRK_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def parse_wrk(output: str) -> dict[str, Any]:
    """The figures ``wrk --latency`` prints, in the Python generator's shape."""

    def duration(text: str | None) -> float:
        found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text or "")
        return float(found.group(1)) * _WRK_UNITS[found.group(2)] if found else math.nan

    def latency(percent: str) -> float:
        found = re.search(rf"^\s*{percent}%\s+(\S+)\s*$", output, re.M)
        return duration(found.group(1) if found else None)

    thread_stats = re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", output, re.M)
    mean, _, maximum = thread_stats.groups() if thread_stats else (None, None, None)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)", output, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if rps is None or total is None:
        raise LoadError(f"could not read wrk's output:\n{output}")
    return {
        "requests": int(total.group(1)),
        "seconds": float(total.group(2)) * _WRK_UNITS[total.group(3)] / 1000,
        "rps": float(rps.group(1)),
        "mean_ms": duration(mean),
        "p50_ms": latency("50"),
        "p90_ms": latency("90"),
        "p99_ms": latency("99"),
        "max_ms": duration(maximum),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "statuses": {},
        "socket_errors": sum(int(n) for n in socket.groups()) if socket else 0,
        "loadgen_cpu": None,
        "server_cpu": None,
        "loadgen": "wrk",
    }


def _measure_wrk(
    port: int,
    path: str,
    host: str | None,
    concurrency: int,
    warmup: float,
    seconds: float,
    server_pid: int | None,
    preexec: Callable[[], None] | None,
    extra_headers: Sequence[str] = (),
) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    assert wrk is not None
    headers = ["-H", "Accept-Encoding: identity"] + (["-H", f"Host: {host}"] if host else [])
    for line in extra_headers:
        headers += ["-H", line]
    url = f"http://127.0.0.1:{port}{path}"
    # wrk wants whole seconds; its threads each open concurrency/threads connections.
    for duration, keep in ((max(1, round(warmup)), False), (max(1, round(seconds)), True)):
        command = [wrk, "-t1", f"-c{concurrency}", f"-d{duration}s", "--latency", *headers, url]
        server_cpu = _process_cpu_seconds(server_pid) if server_pid else None
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=duration + 60,
            preexec_fn=preexec,  # safe: this process runs no threads
            check=False,
        )
        if done.returncode != 0:
            raise LoadError(f"wrk failed ({done.returncode}):\n{done.stderr.strip()}")
        if keep:
            figures = parse_wrk(done.stdout)
            # CPU over the whole wrk run (connecting included): close to the measured part.
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
            figures["loadgen_cpu"] = used / figures["seconds"]
            server_cpu_end = _process_cpu_seconds(server_pid) if server_pid else None
            if server_cpu is not None and server_cpu_end is not None:
                figures["server_cpu"] = (server_cpu_end - server_cpu) / figures["seconds"]
            return figures
    raise AssertionError("unreachable")


if __name__ == "__main__":
    sys.exit(_program())
