"""The budget-monitoring plugin's settings are checked before anything is saved."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.hooks.errors import PluginConfigError
from core.hooks.tenant_info import TenantInfo
from core.hooks.tenant_managers import build_tenant_plugins
from core.monitoring.policy import MonitoringLevel, monitoring_policy
from tenants import services
from tenants.models import Tenant
from tests.factories import make_tenant

pytestmark = pytest.mark.usefixtures("db")


async def test_every_bad_setting_is_refused_by_name_and_nothing_is_saved(registry):
    tenant = await make_tenant(registry=registry)
    with pytest.raises(InvalidInput) as refused:
        await services.configure_plugins(
            tenant,
            registry,
            enable=["budget-monitoring"],
            settings={
                "budget-monitoring": {
                    "level": "everything",
                    "underspend_percent": 120,
                    "overspend_notice_days": 0,
                    "notify_emails": ["finance@example.org", "not an address"],
                    "colour": "red",
                }
            },
        )
    message = str(refused.value)
    assert "budget-monitoring.level: Input should be 'none', 'exception' or 'full'" in message
    assert "budget-monitoring.underspend_percent: Input should be less than or equal to 100" in (
        message
    )
    assert (
        "budget-monitoring.overspend_notice_days: Input should be greater than or equal to 1"
        in (message)
    )
    assert "budget-monitoring.notify_emails.1: 'not an address' is not an email address" in message
    assert "budget-monitoring.colour: is not a setting this plugin knows" in message
    fields = {problem.field for problem in refused.value.problems}
    assert {
        "budget-monitoring.level",
        "budget-monitoring.underspend_percent",
        "budget-monitoring.notify_emails.1",
    } <= fields
    assert (await Tenant.get(id=tenant.id)).plugins == []


def test_defaults_and_tidy_addresses(registry):
    config = registry.get("budget-monitoring").validate_config(
        {"notify_emails": [" Finance@Example.org", "finance@example.org", "b@example.org"]}
    )
    assert config.level == "exception" and config.underspend_percent == 20
    assert config.overspend_notice_days is None
    assert config.notify_emails == ("finance@example.org", "b@example.org")
    with pytest.raises(PluginConfigError, match=r"notify_emails: .*at most 20"):
        registry.get("budget-monitoring").validate_config(
            {"notify_emails": [f"p{n}@example.org" for n in range(21)]}
        )


def test_the_policy_comes_from_the_plugin_or_the_core_default(registry):
    council = TenantInfo(id=1, slug="testshire", name="Testshire Council")
    selection = [
        {"name": "budget-monitoring", "config": {"level": "full", "underspend_percent": 35}}
    ]
    policy = monitoring_policy(build_tenant_plugins(council, selection, registry))
    assert policy.level == MonitoringLevel.FULL and policy.underspend_percent == 35
    assert monitoring_policy(build_tenant_plugins(council, [], registry)).level == "none"


class BadPolicy:
    """Answers with a level that does not exist."""

    name = "bad-policy"
    kind = "monitoring"

    def __init__(self, config, secrets) -> None:
        pass

    from core.hooks.markers import hookimpl

    @hookimpl
    def carepurse_monitoring_policy(self, tenant):
        return {"level": "paranoid", "notify_emails": ["nobody"]}


def test_an_unusable_answer_is_logged_and_the_next_plugin_answers(caplog):
    from core.hooks.registry import PluginRegistry
    from plugins import BUILTIN_PLUGINS

    registry = PluginRegistry.discover([*BUILTIN_PLUGINS, BadPolicy], include_entry_points=False)
    council = TenantInfo(id=1, slug="testshire", name="Testshire Council")
    plugins = build_tenant_plugins(council, [{"name": "bad-policy"}], registry)
    assert monitoring_policy(plugins).level == MonitoringLevel.NONE
    assert "bad-policy" in caplog.text and "carepurse_monitoring_policy" in caplog.text
