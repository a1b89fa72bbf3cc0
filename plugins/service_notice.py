"""Theme plugin: a notice at the top of the council's pages (closures, changes, outages)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pluggy
from pydantic import ConfigDict, Field, model_validator

from core.theming.page import Notice

hookimpl = pluggy.HookimplMarker("carepurse")
LONDON = ZoneInfo("Europe/London")


class ServiceNoticeConfig(Notice):
    """The notice itself, plus where and when to show it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paths: tuple[str, ...] = Field(default=("/",), description="Show on paths starting with these")
    starts_on: date | None = None
    ends_on: date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ServiceNoticeConfig:
        if (self.link_text is None) != (self.link_href is None):
            raise ValueError("give both link_text and link_href, or neither")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        if any(not p.startswith("/") for p in self.paths):
            raise ValueError("every entry in paths must start with /")
        return self


class ServiceNotice:
    """Show a council-wide notice, optionally only between two dates or on some pages."""

    name = "service-notice"
    kind = "theme"
    title = "Service notice"
    config_model = ServiceNoticeConfig

    def __init__(self, config: ServiceNoticeConfig, secrets: Mapping[str, str]) -> None:
        self.config = config

    def _showing_today(self) -> bool:
        today = datetime.now(LONDON).date()
        starts, ends = self.config.starts_on, self.config.ends_on
        return (starts is None or starts <= today) and (ends is None or today <= ends)

    @hookimpl
    def carepurse_page_notices(self, tenant: Any, path: str) -> list[Mapping[str, Any]]:
        if not self._showing_today() or not path.startswith(self.config.paths):
            return []
        return [self.config.model_dump(include=set(Notice.model_fields))]
