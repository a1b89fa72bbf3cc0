"""Pluggy markers. Partner plugins make their own with ``pluggy.HookimplMarker("carepurse")``."""

import pluggy

PROJECT_NAME = "carepurse"
HOOK_PREFIX = "carepurse_"
ENTRY_POINT_GROUP = "carepurse"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
