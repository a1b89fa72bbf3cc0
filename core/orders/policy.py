"""The council's ordering rules, from its plugins, validated once per config version.

How long a provider has to answer an order, how much notice a cancellation needs, and
after how many days a delivery nobody disputed counts as confirmed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.hooks.calls import TenantPlugins
from core.runtime import Runtime
from tenants.models import Tenant


class OrderingPolicy(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    response_hours: int = Field(default=48, ge=1, le=336)
    notice_hours: int = Field(default=0, ge=0, le=336)
    auto_confirm_days: int = Field(default=7, ge=1, le=60)


def ordering_policy(plugins: TenantPlugins) -> OrderingPolicy:
    cached = plugins.memo.get("ordering_policy")
    if cached is None:
        cached = (
            plugins.first_valid(
                "carepurse_ordering_policy", OrderingPolicy.model_validate, tenant=plugins.tenant
            )
            or OrderingPolicy()
        )
        plugins.memo["ordering_policy"] = cached
    return cached


def ordering_policy_for(runtime: Runtime, tenant: Tenant) -> OrderingPolicy:
    return ordering_policy(runtime.plugins_for(tenant))
