"""A council's identity providers, as its plugins describe them, checked before use.

Plugins answer ``carepurse_identity_providers`` with plain mappings; this module
validates them (an answer the host cannot use is logged and skipped, like any
other hook) and is the only place the sign-in code learns which issuer a
council trusts. It knows nothing of HTTP requests.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.hooks.calls import TenantPlugins
from core.identity.models import Role

logger = logging.getLogger(__name__)

HOOK = "carepurse_identity_providers"
PROVIDER_NAME = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
LOOPBACK_HOSTS = frozenset({"localhost"})


def is_loopback(host: str | None) -> bool:
    """``localhost`` or a loopback address: the only hosts plain http is allowed for."""
    if not host:
        return False
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_provider_url(value: str, what: str = "issuer") -> str:
    """An ``https://`` URL (``http://`` only on loopback, for tests and development).

    Tokens and keys fetched over plain http could be swapped on the way, so
    anything else is refused when the council saves its settings.
    """
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        raise ValueError(f"{what} must be a URL such as https://login.example.gov.uk") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{what} must be a URL such as https://login.example.gov.uk")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(f"{what} must use https:// (http:// is only allowed for localhost)")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{what} must not contain a query, fragment or user name")
    return value.strip()


def check_email_domain(value: str) -> str:
    domain = value.strip().lower().lstrip("@")
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels) or any(" " in label for label in labels):
        raise ValueError(f"{value!r} is not an email domain such as council.gov.uk")
    return domain


class IdentityProvider(BaseModel):
    """One provider a council offers on its sign-in page. Holds the client secret: never log it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(pattern=PROVIDER_NAME, max_length=40)
    label: str = Field(min_length=1, max_length=80)
    issuer: str = Field(max_length=500)
    client_id: str = Field(min_length=1, max_length=255)
    client_secret: str = Field(min_length=1, repr=False)
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    default_roles: tuple[Role, ...] = Field(default=(Role.COUNCIL_OFFICER,), min_length=1)
    email_domains: tuple[str, ...] | None = None

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        return check_provider_url(value)

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "openid" not in value:
            raise ValueError("scopes must include openid")
        if any(not scope or " " in scope for scope in value):
            raise ValueError("each scope is one word, without spaces")
        return value

    @field_validator("email_domains")
    @classmethod
    def _domains(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return tuple(check_email_domain(domain) for domain in value) if value else None

    def allows_email(self, email: str | None) -> bool:
        """True when no domains are set, or ``email`` is at one of them."""
        if not self.email_domains:
            return True
        if not email or "@" not in email:
            return False
        return email.rsplit("@", 1)[1].lower() in self.email_domains


def identity_providers(plugins: TenantPlugins | None) -> list[IdentityProvider]:
    """The council's usable providers, in plugin order, first of each name kept."""
    if plugins is None:  # the platform's own site has no council providers
        return []
    providers: dict[str, IdentityProvider] = {}
    for plugin, answer in plugins.collect(HOOK, tenant=plugins.tenant):
        items = answer if isinstance(answer, list) else [answer]
        for item in items:
            try:
                provider = IdentityProvider.model_validate(item)
            except (ValidationError, TypeError):
                # Not log_bad_answer: the answer holds a client secret.
                logger.error(
                    "plugin %s gave an invalid identity provider for tenant %s",
                    plugin,
                    plugins.tenant.slug,
                )
                continue
            if provider.name in providers:
                logger.error(
                    "plugin %s offers identity provider %r twice for tenant %s; first kept",
                    plugin,
                    provider.name,
                    plugins.tenant.slug,
                )
                continue
            providers[provider.name] = provider
    return list(providers.values())


def provider_named(plugins: TenantPlugins | None, name: str) -> IdentityProvider | None:
    return next((p for p in identity_providers(plugins) if p.name == name), None)


def sign_in_choices(request_state: object) -> list[dict[str, Any]]:
    """Name and button text of each provider, for the sign-in page of the request's site.

    Takes the request's ``state`` (its ``plugins`` are absent on the platform's
    own site, which offers no council providers).
    """
    plugins = getattr(request_state, "plugins", None)
    return [{"name": p.name, "label": p.label} for p in identity_providers(plugins)]
