"""Accreditation plugin: how the council vets the providers in its marketplace.

``open``: any provider with a live store is listed, and the providers the council
has accredited show its badge. ``kitemark``: only accredited providers are listed.
The council's officers do the vetting (``/council/accreditation``) and a daily job
warns providers before their accreditation expires; this plugin only sets the
council's rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pluggy
from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.accreditation.models import EvidenceKind

hookimpl = pluggy.HookimplMarker("carepurse")


class AccreditationConfig(BaseModel):
    """The council's vetting mode, its badge and what an application must include."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["open", "kitemark"] = Field(
        default="open",
        description="open (anyone may list; accredited providers get the badge) or kitemark "
        "(only accredited providers are listed)",
    )
    badge_label: str = Field(
        default="Council approved",
        min_length=1,
        max_length=60,
        description="The badge's words, e.g. Riverbend Approved",
    )
    warning_days: int = Field(
        default=30, ge=1, le=365, description="Warn a provider this many days before expiry"
    )
    required_evidence: tuple[EvidenceKind, ...] = Field(
        default=(),
        description="Evidence an application must include: document, cqc, dbs, insurance, "
        "other_registration",
    )

    @field_validator("badge_label")
    @classmethod
    def _tidy_label(cls, value: str) -> str:
        tidy = " ".join(value.split())
        if not tidy:
            raise ValueError("must not be blank")
        return tidy

    @field_validator("required_evidence")
    @classmethod
    def _once_each(cls, kinds: tuple[EvidenceKind, ...]) -> tuple[EvidenceKind, ...]:
        return tuple(dict.fromkeys(kinds))


class Accreditation:
    """Vet providers: open listing with a badge, or a kitemark only vetted providers pass."""

    name = "accreditation"
    kind = "accreditation"
    title = "Provider accreditation"
    config_model = AccreditationConfig

    def __init__(self, config: AccreditationConfig, secrets: Mapping[str, str]) -> None:
        self.config = config

    @hookimpl
    def carepurse_accreditation_policy(self, tenant: Any) -> Mapping[str, Any]:
        return {
            "mode": self.config.mode,
            "badge_label": self.config.badge_label,
            "warning_days": self.config.warning_days,
            "required_evidence": [kind.value for kind in self.config.required_evidence],
        }
