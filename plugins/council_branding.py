"""Theme plugin: a council's name on the site, logo, colours, footer and contact details."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pluggy

from core.theming.branding import BrandingFields

hookimpl = pluggy.HookimplMarker("carepurse")


class CouncilBrandingConfig(BrandingFields):
    """Colours are checked for WCAG AA contrast when the council saves them."""


class CouncilBranding:
    """Brand the council's site with its own logo, colours, footer links and contact details."""

    name = "council-branding"
    kind = "theme"
    title = "Council branding"
    config_model = CouncilBrandingConfig

    def __init__(self, config: CouncilBrandingConfig, secrets: Mapping[str, str]) -> None:
        self.config = config

    @hookimpl
    def carepurse_theme_branding(self, tenant: Any) -> Mapping[str, Any]:
        return {"council_name": tenant.name, **self.config.model_dump()}
