"""A pluggy manager that enforces Carepurse's hook naming rules."""

from __future__ import annotations

import inspect
from typing import Any

import pluggy

from core.hooks import specs
from core.hooks.markers import HOOK_PREFIX, PROJECT_NAME


class CarepursePluginManager(pluggy.PluginManager):
    """Refuses hook implementations not named ``carepurse_*`` and unmarked look-alikes."""

    def __init__(self) -> None:
        super().__init__(PROJECT_NAME)
        self.add_hookspecs(specs)

    def parse_hookspec_opts(self, module_or_class: Any, name: str) -> Any:
        opts = super().parse_hookspec_opts(module_or_class, name)
        if opts is not None and not name.startswith(HOOK_PREFIX):
            raise pluggy.PluginValidationError(
                module_or_class, f"hookspec {name!r} must be named {HOOK_PREFIX}<area>_<verb>"
            )
        return opts

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is not None and not name.startswith(HOOK_PREFIX):
            raise pluggy.PluginValidationError(
                plugin,
                f"hook implementation {name!r} must be named {HOOK_PREFIX}<area>_<verb>",
            )
        if opts is None and name.startswith(HOOK_PREFIX):
            attribute = getattr(plugin, name, None)
            if inspect.isroutine(attribute):
                raise pluggy.PluginValidationError(
                    plugin,
                    f"{name!r} looks like a hook but is not marked with "
                    f'pluggy.HookimplMarker("{PROJECT_NAME}")',
                )
        return opts
