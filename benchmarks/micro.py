"""In-process micro benchmarks (timeit-style, no server) of per-tenant plugin work.

The plugin cache exists because building a tenant's pluggy manager and validating its
branding is far too slow to do on every request; these figures show by how much.
"""

from __future__ import annotations

import logging
import statistics
import timeit
from collections.abc import Callable
from typing import Any

REPEAT = 5


def _time(function: Callable[[], object], repeat: int = REPEAT) -> dict[str, Any]:
    """Per-call time, best and median of ``repeat`` rounds of ~0.2 s each (as timeit does)."""
    timer = timeit.Timer(function)
    loops, _ = timer.autorange()
    rounds = [total / loops for total in timer.repeat(repeat, loops)]
    best = min(rounds)
    return {
        "best_us": best * 1e6,
        "median_us": statistics.median(rounds) * 1e6,
        "calls_per_s": 1 / best,
        "loops": loops,
        "repeat": repeat,
    }


def run_micro() -> dict[str, Any]:
    from core.hooks.calls import TenantPlugins
    from core.hooks.registry import PluginRegistry
    from core.hooks.tenant_info import TenantInfo
    from core.hooks.tenant_managers import TenantPluginCache, build_tenant_plugins
    from core.theming.branding import Branding
    from core.theming.page import tenant_branding
    from core.theming.stylesheet import stylesheet_for
    from plugins.council_branding import CouncilBrandingConfig
    from tenants.demo import DEMO_COUNCILS
    from tenants.logo import BRANDING_PLUGIN
    from tenants.services import plan_plugin_selection

    logging.getLogger().setLevel(logging.WARNING)
    registry = PluginRegistry.discover()
    # Moorfield has the most plugins of the demo councils (branding and a service notice).
    council = max(DEMO_COUNCILS, key=lambda c: len(c.plugins))
    settings = {name: dict(config) for name, config in council.plugins.items()}
    # What `carepurse demo seed` saves, logo included.
    settings[BRANDING_PLUGIN]["logo_url"] = "/media/branding/logo-fece33e54fd23b70.svg"
    selection = plan_plugin_selection([], registry, enable=list(council.plugins), settings=settings)
    tenant = TenantInfo(id=2, slug=council.slug, name=council.name)

    cache = TenantPluginCache(registry)
    built = cache.get(tenant, 1, selection)
    if sorted(built.plugin_names) != sorted(council.plugins):  # one was left out: see the log
        raise RuntimeError(f"expected plugins {sorted(council.plugins)}, got {built.plugin_names}")
    # The branding answer exactly as the council-branding plugin gives it to a page.
    branding_config = next(e for e in selection if e["name"] == BRANDING_PLUGIN)["config"]
    answer = {
        "council_name": council.name,
        **CouncilBrandingConfig.model_validate(branding_config).model_dump(),
    }
    branding = Branding.model_validate(answer)  # valid, or we would time the error path

    cases: list[tuple[str, str, Callable[[], object]]] = [
        (
            "plugins_build",
            f"build_tenant_plugins ({len(selection)} plugins, cache miss)",
            lambda: build_tenant_plugins(tenant, selection, registry),
        ),
        (
            "plugins_cache_hit",
            "TenantPluginCache.get, same config version",
            lambda: cache.get(tenant, 1, selection),
        ),
        (
            "branding_validate",
            "Branding.model_validate (demo config)",
            lambda: Branding.model_validate(answer),
        ),
        (
            "branding_first_use",
            "tenant_branding on a fresh manager (hook + validate)",
            lambda: tenant_branding(TenantPlugins(tenant, built.manager)),
        ),
        (
            "stylesheet",
            "stylesheet_for (on every /theme.css request)",
            lambda: stylesheet_for(branding),
        ),
    ]
    results: dict[str, Any] = {}
    for key, label, function in cases:
        results[key] = {"label": label, **_time(function)}
    build, hit = results["plugins_build"]["best_us"], results["plugins_cache_hit"]["best_us"]
    results["cache_speedup"] = build / hit
    results["council"] = council.slug
    results["cases"] = [key for key, _, _ in cases]
    return results
