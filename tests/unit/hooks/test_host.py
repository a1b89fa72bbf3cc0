"""The plugin manager enforces the ``carepurse_`` prefix and refuses unmarked look-alikes."""

from __future__ import annotations

import pluggy
import pytest

from core.hooks.host import CarepursePluginManager
from core.hooks.markers import hookimpl, hookspec


def test_hookimpl_without_prefix_is_refused():
    class Misnamed:
        @hookimpl
        def theme_branding(self, tenant):
            return None

    with pytest.raises(pluggy.PluginValidationError, match="must be named carepurse_"):
        CarepursePluginManager().register(Misnamed())


def test_unmarked_method_that_looks_like_a_hook_is_refused():
    class Forgetful:
        def carepurse_theme_branding(self, tenant):
            return None

    with pytest.raises(pluggy.PluginValidationError, match="not marked"):
        CarepursePluginManager().register(Forgetful())


def test_hookspec_without_prefix_is_refused():
    class BadSpecs:
        @hookspec
        def something_else(self):
            """Not a carepurse hook."""

    with pytest.raises(pluggy.PluginValidationError, match="hookspec"):
        CarepursePluginManager().add_hookspecs(BadSpecs)


def test_misspelt_hook_is_caught_by_check_pending():
    class Typo:
        @hookimpl
        def carepurse_theme_brandng(self, tenant):
            return None

    manager = CarepursePluginManager()
    manager.register(Typo())
    with pytest.raises(pluggy.PluginValidationError, match="unknown hook"):
        manager.check_pending()


def test_hookimpl_asking_for_an_argument_the_spec_lacks_is_refused():
    class Greedy:
        @hookimpl
        def carepurse_theme_branding(self, tenant, request):
            return None

    with pytest.raises(pluggy.PluginValidationError, match="request"):
        CarepursePluginManager().register(Greedy())
