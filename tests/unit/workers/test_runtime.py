"""The worker's own database context: pinned private Tortoise API and boot order."""

from __future__ import annotations

import pytest
from tortoise import context as tortoise_context

from core.runtime import Runtime
from core.settings import Settings
from workers import runtime


def test_tortoise_still_has_the_context_variable_we_rely_on():
    # workers/runtime.py sets this ContextVar with a per-task token; if Tortoise
    # renames it, this fails loudly instead of workers sharing one connection set.
    assert tortoise_context._current_context.name == "tortoise_context"


def test_actors_refuse_to_run_before_the_worker_has_booted(registry):
    state = runtime.install(Runtime.build(Settings(), registry))
    with pytest.raises(RuntimeError, match="not ready"), state.tortoise_context():
        pass
