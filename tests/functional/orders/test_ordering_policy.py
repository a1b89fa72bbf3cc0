"""The ordering plugin's settings are checked before anything is saved, and its answer
becomes the council's ordering rules (carepurse_ordering_policy)."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.hooks.tenant_info import TenantInfo
from core.hooks.tenant_managers import build_tenant_plugins
from core.orders.policy import ordering_policy
from tenants import services
from tenants.models import Tenant
from tests.factories import make_tenant

COUNCIL = TenantInfo(id=1, slug="testshire", name="Testshire Council")


async def test_every_bad_setting_is_refused_by_name_and_nothing_is_saved(db, registry):
    tenant = await make_tenant(registry=registry)
    with pytest.raises(InvalidInput) as refused:
        await services.configure_plugins(
            tenant,
            registry,
            enable=["ordering"],
            settings={
                "ordering": {
                    "response_hours": 0,
                    "notice_hours": -1,
                    "auto_confirm_days": 61,
                    "late_fee": 10,
                }
            },
        )
    fields = {problem.field for problem in refused.value.problems}
    assert fields == {
        "ordering.response_hours",
        "ordering.notice_hours",
        "ordering.auto_confirm_days",
        "ordering.late_fee",
    }
    assert (await Tenant.get(id=tenant.id)).plugins == []


def test_the_rules_come_from_the_plugin_or_the_core_default(registry):
    selection = [
        {
            "name": "ordering",
            "config": {"response_hours": 24, "notice_hours": 48, "auto_confirm_days": 3},
        }
    ]
    plugins = build_tenant_plugins(COUNCIL, selection, registry)
    answers = plugins.collect("carepurse_ordering_policy", tenant=COUNCIL)
    assert answers[0] == (
        "ordering",
        {"response_hours": 24, "notice_hours": 48, "auto_confirm_days": 3},
    )
    policy = ordering_policy(plugins)
    assert (policy.response_hours, policy.notice_hours, policy.auto_confirm_days) == (24, 48, 3)
    default = ordering_policy(build_tenant_plugins(COUNCIL, [], registry))
    assert (default.response_hours, default.notice_hours, default.auto_confirm_days) == (48, 0, 7)
