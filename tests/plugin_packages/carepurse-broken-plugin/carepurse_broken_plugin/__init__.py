"""Fails on import, as a plugin with a missing dependency would."""

raise ImportError("carepurse_broken_plugin needs a library that is not installed")
