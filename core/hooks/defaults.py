"""Core behaviour shipped as a plugin that answers last, so any plugin can override it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.hooks.markers import hookimpl
from core.hooks.tenant_info import TenantInfo


class CoreDefaults:
    """Registered in every tenant's manager before its own plugins."""

    @hookimpl(trylast=True)
    def carepurse_theme_branding(self, tenant: TenantInfo) -> Mapping[str, Any]:
        return {"council_name": tenant.name}

    @hookimpl(trylast=True)
    def carepurse_monitoring_policy(self, tenant: TenantInfo) -> Mapping[str, Any]:
        # Without a monitoring plugin a council sees outcomes only.
        return {"level": "none", "underspend_percent": 20, "notify_emails": []}

    @hookimpl(trylast=True)
    def carepurse_accreditation_policy(self, tenant: TenantInfo) -> Mapping[str, Any]:
        # Without an accreditation plugin anyone may list; nobody has the badge.
        return {
            "mode": "open",
            "badge_label": "Council approved",
            "warning_days": 30,
            "required_evidence": [],
        }

    @hookimpl(trylast=True)
    def carepurse_ordering_policy(self, tenant: TenantInfo) -> Mapping[str, Any]:
        # Two days to answer, no notice period, deliveries confirmed after a week.
        return {"response_hours": 48, "notice_hours": 0, "auto_confirm_days": 7}
