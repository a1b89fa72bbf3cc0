"""The accreditation policy comes from the council's plugins, with an open default."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pluggy

from core.accreditation.policy import accreditation_policy
from core.hooks.registry import PluginRegistry
from core.hooks.tenant_info import TenantInfo
from core.hooks.tenant_managers import build_tenant_plugins
from tests.support.plugins import ExplodingPlugin

hookimpl = pluggy.HookimplMarker("carepurse")
COUNCIL = TenantInfo(id=5, slug="vetshire", name="Vetshire Council")


class Kitemark:
    name = "strict-vetting"
    kind = "accreditation"

    def __init__(self, config: Any, secrets: Mapping[str, str]) -> None:
        pass

    @hookimpl
    def carepurse_accreditation_policy(self, tenant: Any) -> Mapping[str, Any]:
        return {
            "mode": "kitemark",
            "badge_label": "Vetshire Approved",
            "warning_days": 45,
            "required_evidence": ["insurance", "dbs"],
        }


def test_without_a_plugin_anyone_may_list():
    registry = PluginRegistry.discover([], include_entry_points=False)
    policy = accreditation_policy(build_tenant_plugins(COUNCIL, [], registry))
    assert policy.mode == "open" and not policy.listing_needs_accreditation


def test_a_plugin_can_require_accreditation_and_evidence():
    registry = PluginRegistry.discover([Kitemark], include_entry_points=False)
    plugins = build_tenant_plugins(COUNCIL, [{"name": "strict-vetting"}], registry)
    policy = accreditation_policy(plugins)
    assert policy.listing_needs_accreditation
    assert policy.badge_label == "Vetshire Approved" and policy.warning_days == 45
    assert [kind.value for kind in policy.required_evidence] == ["insurance", "dbs"]
    assert accreditation_policy(plugins) is policy  # worked out once per config version


def test_a_failing_plugin_leaves_the_open_default():
    registry = PluginRegistry.discover([ExplodingPlugin], include_entry_points=False)
    plugins = build_tenant_plugins(COUNCIL, [{"name": "exploder"}], registry)
    assert accreditation_policy(plugins).mode == "open"
