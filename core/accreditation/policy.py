"""The council's accreditation policy, from its plugins, validated once per config version."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.accreditation.models import EvidenceKind
from core.hooks.calls import TenantPlugins


class AccreditationPolicy(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    mode: Literal["open", "kitemark"] = "open"
    badge_label: str = Field(default="Council approved", min_length=1, max_length=60)
    warning_days: int = Field(default=30, ge=1, le=365)
    required_evidence: tuple[EvidenceKind, ...] = ()

    @property
    def listing_needs_accreditation(self) -> bool:
        return self.mode == "kitemark"


def accreditation_policy(plugins: TenantPlugins) -> AccreditationPolicy:
    cached = plugins.memo.get("accreditation_policy")
    if cached is None:
        cached = (
            plugins.first_valid(
                "carepurse_accreditation_policy",
                AccreditationPolicy.model_validate,
                tenant=plugins.tenant,
            )
            or AccreditationPolicy()
        )
        plugins.memo["accreditation_policy"] = cached
    return cached
