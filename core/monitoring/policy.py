"""How closely a council watches its budgets, as ``carepurse_monitoring_policy`` answers."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from core.hooks.calls import TenantPlugins

MAX_NOTICE_DAYS = 3 * 366  # a budget period is at most three years
MAX_NOTIFY_EMAILS = 20
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


class MonitoringLevel(StrEnum):
    NONE = "none"  # the council sees outcomes only
    EXCEPTION = "exception"  # alerted about budgets forecast to overspend or underspend
    FULL = "full"  # the exceptions and every transaction

    @property
    def watches_budgets(self) -> bool:
        return self != MonitoringLevel.NONE


def _email_address(value: str) -> str:
    address = value.strip().lower()
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        raise ValueError(f"{value!r} is not an email address, like name@example.com")
    return address


def _distinct(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


EmailAddress = Annotated[str, AfterValidator(_email_address)]
EmailAddresses = Annotated[
    tuple[EmailAddress, ...], Field(max_length=MAX_NOTIFY_EMAILS), AfterValidator(_distinct)
]
UnderspendPercent = Annotated[int, Field(ge=0, le=100)]
NoticeDays = Annotated[int, Field(ge=1, le=MAX_NOTICE_DAYS)]


class MonitoringPolicy(BaseModel):
    """A validated answer. Unknown keys are ignored so plugins can add their own."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    level: MonitoringLevel
    underspend_percent: UnderspendPercent = 20
    overspend_notice_days: NoticeDays | None = None
    notify_emails: EmailAddresses = ()


OUTCOMES_ONLY = MonitoringPolicy(level=MonitoringLevel.NONE)


def monitoring_policy(plugins: TenantPlugins) -> MonitoringPolicy:
    """The council's policy, worked out once per config version.

    An answer that fails validation is logged and the next plugin answers,
    finally the core default (outcomes only).
    """
    cached = plugins.memo.get("monitoring_policy")
    if cached is None:
        cached = (
            plugins.first_valid(
                "carepurse_monitoring_policy",
                MonitoringPolicy.model_validate,
                tenant=plugins.tenant,
            )
            or OUTCOMES_ONLY
        )
        plugins.memo["monitoring_policy"] = cached
    return cached
