"""Errors raised by the plugin host, each with a message an operator can act on."""

from __future__ import annotations

from core.errors import FieldProblem, InvalidInput


class PluginError(Exception):
    """Base class for plugin host errors."""


class PluginDefinitionError(PluginError):
    """A plugin class does not declare what the host needs (name, kind, config)."""


class UnknownPluginError(PluginError, InvalidInput):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(
            f"there is no plugin called {name!r}; installed plugins: {', '.join(known) or 'none'}"
        )
        self.name = name


class PluginConfigError(PluginError, InvalidInput):
    """A tenant's configuration for a plugin was refused; lists every bad field."""

    def __init__(self, plugin: str, problems: list[FieldProblem]) -> None:
        self.plugin = plugin
        lines = "; ".join(f"{plugin}.{p.field}: {p.message}" for p in problems)
        InvalidInput.__init__(
            self, f"invalid configuration for plugin {plugin!r}: {lines}", problems
        )


class PluginFailure(PluginError):
    """A plugin an action depends on raised; the user sees a clear error."""

    def __init__(self, plugin: str, hook: str) -> None:
        super().__init__(f"the {plugin!r} plugin failed while handling {hook}")
        self.plugin = plugin
        self.hook = hook
