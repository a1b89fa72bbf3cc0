"""A partner plugin in its own distribution, found through the ``carepurse`` entry point."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pluggy
from pydantic import BaseModel, ConfigDict, Field

hookimpl = pluggy.HookimplMarker("carepurse")


class HelloConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    greeting: str = Field(default="Hello from our partner", min_length=1, max_length=100)


class HelloNotice:
    """Greets visitors on every page."""

    name = "hello-notice"
    kind = "integration"
    title = "Hello notice"
    config_model = HelloConfig

    def __init__(self, config: HelloConfig, secrets: Mapping[str, str]) -> None:
        self.greeting = config.greeting

    @hookimpl
    def carepurse_page_notices(self, tenant: Any, path: str) -> list[dict[str, Any]]:
        return [{"title": "Hello", "text": f"{self.greeting}, {tenant.name}"}]
