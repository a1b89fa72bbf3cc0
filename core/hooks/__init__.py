"""The plugin host: hookspecs, discovery and one plugin manager per tenant."""

from core.hooks.markers import PROJECT_NAME, hookimpl, hookspec

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]
