"""Integration plugin: staff sign in through the council's own OpenID Connect provider."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pluggy
from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.identity.models import Role
from core.oidc.providers import check_email_domain, check_provider_url

hookimpl = pluggy.HookimplMarker("carepurse")

# The one provider this plugin offers: /sign-in/council, /sign-in/council/callback.
PROVIDER_NAME = "council"


class OidcSignInConfig(BaseModel):
    """Where the council's identity provider is and what a first sign-in gives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: str = Field(
        max_length=500, description="The provider's issuer URL (https; its discovery is below it)"
    )
    client_id: str = Field(min_length=1, max_length=255)
    label: str = Field(default="Sign in with your council account", min_length=1, max_length=80)
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    default_roles: tuple[Role, ...] = Field(default=(Role.COUNCIL_OFFICER,), min_length=1)
    allowed_email_domains: tuple[str, ...] | None = None

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        return check_provider_url(value)

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "openid" not in value:
            raise ValueError("scopes must include openid")
        return value

    @field_validator("allowed_email_domains")
    @classmethod
    def _domains(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return tuple(check_email_domain(domain) for domain in value) if value else None


class OidcSignIn:
    """Let council staff sign in with their council account (OpenID Connect)."""

    name = "oidc-sign-in"
    kind = "integration"
    title = "Council sign-in (OpenID Connect)"
    config_model = OidcSignInConfig
    secrets = ("client_secret",)

    def __init__(self, config: OidcSignInConfig, secrets: Mapping[str, str]) -> None:
        self.config = config
        self.client_secret = secrets["client_secret"]

    @hookimpl
    def carepurse_identity_providers(self, tenant: Any) -> list[Mapping[str, Any]]:
        domains = self.config.allowed_email_domains
        return [
            {
                "name": PROVIDER_NAME,
                "label": self.config.label,
                "issuer": self.config.issuer,
                "client_id": self.config.client_id,
                "client_secret": self.client_secret,
                "scopes": list(self.config.scopes),
                "default_roles": [role.value for role in self.config.default_roles],
                "email_domains": list(domains) if domains else None,
            }
        ]
