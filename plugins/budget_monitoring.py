"""Monitoring plugin: how closely the council watches the personal budgets it pays for.

``none``: the council sees outcomes only. ``exception``: it is alerted when a
budget is forecast to overspend, or to underspend by more than a share it
sets. ``full``: it also sees every transaction. The daily monitoring job does
the forecasting and alerting; this plugin only sets the council's policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pluggy
from pydantic import BaseModel, ConfigDict, Field

from core.monitoring.policy import EmailAddresses, NoticeDays, UnderspendPercent

hookimpl = pluggy.HookimplMarker("carepurse")


class BudgetMonitoringConfig(BaseModel):
    """The council's monitoring level, thresholds and who is told."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Literal["none", "exception", "full"] = Field(
        default="exception",
        description="none (outcomes only), exception (alerts) or full (every transaction)",
    )
    underspend_percent: UnderspendPercent = Field(
        default=20,
        description="Flag a budget forecast to have more than this % of its period's money left",
    )
    overspend_notice_days: NoticeDays | None = Field(
        default=None,
        description="Flag an overspend only when money runs out within this many days",
    )
    notify_emails: EmailAddresses = Field(
        default=(), description="Email these addresses when exceptions are raised"
    )


class BudgetMonitoring:
    """Watch budgets: outcomes only, exceptions, or every transaction."""

    name = "budget-monitoring"
    kind = "monitoring"
    title = "Budget monitoring"
    config_model = BudgetMonitoringConfig

    def __init__(self, config: BudgetMonitoringConfig, secrets: Mapping[str, str]) -> None:
        self.config = config

    @hookimpl
    def carepurse_monitoring_policy(self, tenant: Any) -> Mapping[str, Any]:
        answer = self.config.model_dump()
        answer["notify_emails"] = list(self.config.notify_emails)
        return answer
