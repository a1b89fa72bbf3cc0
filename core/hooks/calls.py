"""Calling one tenant's hooks with each plugin isolated from the others.

Pluggy stops a whole hook call at the first exception. Here each
implementation is called on its own, so one faulty plugin is logged and
skipped instead of taking a page or a job down. Pass ``required=`` the name of
a plugin an action depends on (a payment provider) to turn its failure into a
:class:`PluginFailure` the caller reports to the user.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterator
from typing import Any

import pluggy

from core.hooks.errors import PluginFailure
from core.hooks.tenant_info import TenantInfo

logger = logging.getLogger(__name__)


class TenantPlugins:
    """The plugins one tenant enabled, ready to call."""

    def __init__(self, tenant: TenantInfo, manager: pluggy.PluginManager) -> None:
        self.tenant = tenant
        self.manager = manager
        # Values derived from plugin answers that only change with the config
        # version (this object is rebuilt when it changes), e.g. validated branding.
        self.memo: dict[str, Any] = {}

    @property
    def plugin_names(self) -> list[str]:
        return [name for name, _ in self.manager.list_name_plugin() if name != "core-defaults"]

    def _implementations(self, hook_name: str, kwargs: dict[str, Any]) -> Iterator[tuple[str, Any]]:
        caller = getattr(self.manager.hook, hook_name)
        expected = set(caller.spec.argnames) if caller.spec else set()
        if set(kwargs) != expected:
            raise TypeError(f"{hook_name} takes {sorted(expected)}, got {sorted(kwargs)}")
        # pluggy's own call order: last registered first, tryfirst/trylast respected.
        for impl in reversed(caller.get_hookimpls()):
            yield (
                impl.plugin_name,
                lambda impl=impl: impl.function(*(kwargs[name] for name in impl.argnames)),
            )

    def _failed(self, plugin: str, hook_name: str, required: str | None) -> None:
        logger.exception(
            "plugin %s raised in %s for tenant %s; its answer is skipped",
            plugin,
            hook_name,
            self.tenant.slug,
        )
        if plugin == required:
            raise PluginFailure(plugin, hook_name)

    def log_bad_answer(self, plugin: str, hook_name: str, answer: Any) -> None:
        logger.error(
            "plugin %s gave an invalid answer to %s for tenant %s: %.200r",
            plugin,
            hook_name,
            self.tenant.slug,
            answer,
        )

    def first(self, hook_name: str, *, required: str | None = None, **kwargs: Any) -> Any:
        """The first non-``None`` answer, for ``firstresult`` hooks."""
        for plugin, call in self._implementations(hook_name, kwargs):
            try:
                result = call()
            except Exception:
                self._failed(plugin, hook_name, required)
                continue
            if result is not None:
                return result
        return None

    def first_valid(self, hook_name: str, validate: Any, **kwargs: Any) -> Any:
        """Like :meth:`first`, but an answer ``validate`` rejects is logged and skipped."""
        for plugin, call in self._implementations(hook_name, kwargs):
            try:
                result = call()
                if result is not None:
                    return validate(result)
            except Exception:
                self._failed(plugin, hook_name, None)
        return None

    def collect(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Every plugin's non-``None`` answer as ``(plugin name, answer)`` pairs."""
        results = []
        for plugin, call in self._implementations(hook_name, kwargs):
            try:
                result = call()
            except Exception:
                self._failed(plugin, hook_name, None)
                continue
            if result is not None:
                results.append((plugin, result))
        return results

    async def acollect(
        self, hook_name: str, *, required: str | None = None, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """:meth:`collect` for hooks that may be ``async``: awaitables are awaited."""
        results = []
        for plugin, call in self._implementations(hook_name, kwargs):
            try:
                result = call()
                if inspect.isawaitable(result):
                    result = await result
            except Exception:
                self._failed(plugin, hook_name, required)
                continue
            if result is not None:
                results.append((plugin, result))
        return results
