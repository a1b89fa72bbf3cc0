"""Every plugin this process can offer a tenant: built-ins plus entry points.

Discovery happens once per process; which plugins a tenant uses is decided per
request from the tenant's saved selection.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points

import pluggy

from core.hooks.definition import PluginDefinition
from core.hooks.errors import PluginDefinitionError, UnknownPluginError
from core.hooks.host import CarepursePluginManager
from core.hooks.markers import ENTRY_POINT_GROUP

logger = logging.getLogger(__name__)


class PluginRegistry:
    """Name -> :class:`PluginDefinition`; also remembers plugins that failed to load."""

    def __init__(self, definitions: Iterable[PluginDefinition] = ()) -> None:
        self._definitions: dict[str, PluginDefinition] = {}
        self.broken: dict[str, str] = {}
        for definition in definitions:
            self.add(definition)

    @classmethod
    def discover(
        cls, builtins: Iterable[type] | None = None, *, include_entry_points: bool = True
    ) -> PluginRegistry:
        """Load the built-in plugins and every ``carepurse`` entry point, then check them."""
        if builtins is None:
            from plugins import BUILTIN_PLUGINS

            builtins = BUILTIN_PLUGINS
        registry = cls()
        for plugin_class in builtins:
            registry.add_class(plugin_class, source="built-in")
        if include_entry_points:
            registry._add_entry_points()
        registry.check()
        return registry

    def _add_entry_points(self) -> None:
        for point in entry_points(group=ENTRY_POINT_GROUP):
            source = point.dist.name if point.dist else point.value
            try:
                self.add_class(point.load(), source=source)
            except Exception as error:  # a broken package must not stop the platform
                logger.exception("plugin entry point %s (%s) failed to load", point.name, source)
                self.broken[point.name] = f"{type(error).__name__}: {error}"

    def add_class(self, plugin_class: type, source: str) -> PluginDefinition:
        definition = PluginDefinition.from_class(plugin_class, source)
        self.add(definition)
        return definition

    def add(self, definition: PluginDefinition) -> None:
        existing = self._definitions.get(definition.name)
        if existing is not None and existing.plugin_class is not definition.plugin_class:
            raise PluginDefinitionError(
                f"two plugins are called {definition.name!r}: from {existing.source} "
                f"and from {definition.source}"
            )
        self._definitions[definition.name] = definition

    def check(self) -> None:
        """Register every class on a throw-away manager: misnamed or unknown hooks fail here.

        This is the start-up ``check_pending``: a plugin with a misspelt hook is
        moved to :attr:`broken` (and logged) instead of silently never running.
        """
        for name, definition in list(self._definitions.items()):
            manager = CarepursePluginManager()
            try:
                manager.register(definition.plugin_class, name=name)
                manager.check_pending()
            except pluggy.PluginValidationError as error:
                logger.error("plugin %s refused: %s", name, error)
                self.broken[name] = str(error)
                del self._definitions[name]

    def get(self, name: str) -> PluginDefinition:
        try:
            return self._definitions[name]
        except KeyError:
            raise UnknownPluginError(name, sorted(self._definitions)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._definitions

    def __iter__(self) -> Iterator[PluginDefinition]:
        return iter(sorted(self._definitions.values(), key=lambda d: d.name))

    def names(self) -> list[str]:
        return sorted(self._definitions)
