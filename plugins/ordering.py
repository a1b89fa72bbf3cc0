"""Ordering plugin: the council's rules for orders, cancellations and deliveries.

How long a provider has to accept or decline an order, how much notice a person must
give to cancel a visit and get the money back, and after how many days a delivery
nobody disputed counts as confirmed. The services in ``core.orders`` apply them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pluggy
from pydantic import BaseModel, ConfigDict, Field

hookimpl = pluggy.HookimplMarker("carepurse")


class OrderingConfig(BaseModel):
    """The council's answer time, notice period and auto-confirmation days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    response_hours: int = Field(
        default=48,
        ge=1,
        le=336,
        description="Hours a provider has to accept or decline an order before it lapses",
    )
    notice_hours: int = Field(
        default=0,
        ge=0,
        le=336,
        description="Hours before a visit a cancellation must come for the money to be "
        "released (0: any time before it starts)",
    )
    auto_confirm_days: int = Field(
        default=7,
        ge=1,
        le=60,
        description="Days after which a delivery nobody confirmed or disputed is confirmed",
    )


class Ordering:
    """Set the council's rules for answering orders, cancelling and confirming deliveries."""

    name = "ordering"
    kind = "ordering"
    title = "Ordering rules"
    config_model = OrderingConfig

    def __init__(self, config: OrderingConfig, secrets: Mapping[str, str]) -> None:
        self.config = config

    @hookimpl
    def carepurse_ordering_policy(self, tenant: Any) -> Mapping[str, Any]:
        return self.config.model_dump()
