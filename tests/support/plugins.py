"""Plugins used by tests: one that records every call, and one that always fails."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

import pluggy
from pydantic import BaseModel, ConfigDict

hookimpl = pluggy.HookimplMarker("carepurse")


class LabelConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = "unlabelled"


class RecordingPlugin:
    """Implements every hook and records (label, hook, tenant slug) for each call."""

    name = "recorder"
    kind = "integration"
    config_model = LabelConfig
    calls: ClassVar[list[tuple[str, str, str]]] = []

    def __init__(self, config: LabelConfig, secrets: Mapping[str, str]) -> None:
        self.label = config.label

    def _record(self, hook: str, tenant: Any) -> None:
        RecordingPlugin.calls.append((self.label, hook, tenant.slug))

    @hookimpl
    def carepurse_theme_branding(self, tenant: Any) -> None:
        self._record("carepurse_theme_branding", tenant)

    @hookimpl
    def carepurse_page_notices(self, tenant: Any, path: str) -> list[Mapping[str, Any]]:
        self._record("carepurse_page_notices", tenant)
        return [{"title": "Recorder", "text": f"notice from {self.label}"}]

    @hookimpl
    async def carepurse_tenant_housekeeping(self, tenant: Any, run_date: date) -> Mapping[str, Any]:
        self._record("carepurse_tenant_housekeeping", tenant)
        return {"label": self.label}

    @hookimpl
    def carepurse_identity_providers(self, tenant: Any) -> list[Mapping[str, Any]]:
        self._record("carepurse_identity_providers", tenant)
        return []

    @hookimpl
    def carepurse_monitoring_policy(self, tenant: Any) -> None:
        self._record("carepurse_monitoring_policy", tenant)

    @hookimpl
    def carepurse_accreditation_policy(self, tenant: Any) -> None:
        self._record("carepurse_accreditation_policy", tenant)

    @hookimpl
    def carepurse_ordering_policy(self, tenant: Any) -> None:
        self._record("carepurse_ordering_policy", tenant)


class ExplodingPlugin:
    """Raises in every hook: the host must log it and carry on."""

    name = "exploder"
    kind = "integration"

    def __init__(self, config: BaseModel, secrets: Mapping[str, str]) -> None:
        pass

    @hookimpl(tryfirst=True)
    def carepurse_theme_branding(self, tenant: Any) -> Mapping[str, Any]:
        raise RuntimeError("theme service down")

    @hookimpl
    def carepurse_page_notices(self, tenant: Any, path: str) -> list[Mapping[str, Any]]:
        raise RuntimeError("notice feed down")

    @hookimpl
    async def carepurse_tenant_housekeeping(self, tenant: Any, run_date: date) -> None:
        raise RuntimeError("cleanup failed")

    @hookimpl
    def carepurse_identity_providers(self, tenant: Any) -> list[Mapping[str, Any]]:
        raise RuntimeError("identity provider directory down")

    @hookimpl(tryfirst=True)
    def carepurse_monitoring_policy(self, tenant: Any) -> Mapping[str, Any]:
        raise RuntimeError("monitoring policy service down")

    @hookimpl(tryfirst=True)
    def carepurse_accreditation_policy(self, tenant: Any) -> Mapping[str, Any]:
        raise RuntimeError("vetting service down")


class BadAnswerPlugin:
    """Answers with data the host must refuse (unreadable colours, a notice without text)."""

    name = "bad-answers"
    kind = "theme"

    def __init__(self, config: BaseModel, secrets: Mapping[str, str]) -> None:
        pass

    @hookimpl(tryfirst=True)
    def carepurse_theme_branding(self, tenant: Any) -> Mapping[str, Any]:
        return {"council_name": tenant.name, "brand_colour": "#ffff00"}

    @hookimpl
    def carepurse_page_notices(self, tenant: Any, path: str) -> list[Mapping[str, Any]]:
        return [{"title": "No text"}, {"title": "Fine", "text": "A good notice"}]


class SecretPlugin:
    """Needs a secret, to prove references are resolved when the manager is built."""

    name = "secretive"
    kind = "integration"
    secrets = ("api_key",)
    seen: ClassVar[list[str]] = []

    def __init__(self, config: BaseModel, secrets: Mapping[str, str]) -> None:
        SecretPlugin.seen.append(secrets["api_key"])


TEST_PLUGINS: list[type] = [RecordingPlugin, ExplodingPlugin, BadAnswerPlugin, SecretPlugin]
