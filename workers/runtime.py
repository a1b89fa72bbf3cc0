"""What a worker process needs to run actors: the core runtime and its database context."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

# TortoiseContext.__enter__ keeps its reset token on the shared context object,
# so concurrent actors entering it overwrite each other's token. Setting the
# context variable with a token local to each task avoids that; this private
# name is pinned by tests/unit/workers/test_runtime.py.
from tortoise.context import TortoiseContext, _current_context

from core.runtime import Runtime

T = TypeVar("T")


async def within(context: TortoiseContext, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` with ``context`` current, even while it is being opened or closed.

    (``TortoiseContext.init`` looks connections up through the *current* context;
    without this it would touch the web loop's global context from the worker loop.)
    """
    token = _current_context.set(context)
    try:
        return await work()
    finally:
        _current_context.reset(token)


@dataclass
class WorkerRuntime:
    core: Runtime
    database: TortoiseContext | None = field(default=None)

    @contextlib.contextmanager
    def tortoise_context(self) -> Iterator[None]:
        if self.database is None:
            raise RuntimeError("the worker's database context is not ready (worker not booted)")
        token = _current_context.set(self.database)
        try:
            yield
        finally:
            _current_context.reset(token)


_current: WorkerRuntime | None = None


def install(core: Runtime) -> WorkerRuntime:
    """Make ``core`` the runtime actors in this process use."""
    global _current
    _current = WorkerRuntime(core)
    return _current


def current() -> WorkerRuntime:
    if _current is None:
        raise RuntimeError("no worker runtime installed in this process")
    return _current
