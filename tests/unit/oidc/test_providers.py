"""What a council may configure, and which providers' answers the sign-in code will use."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pluggy
import pytest
from pydantic import ValidationError

from core.hooks.errors import PluginConfigError
from core.hooks.registry import PluginRegistry
from core.hooks.tenant_info import TenantInfo
from core.hooks.tenant_managers import build_tenant_plugins
from core.oidc.providers import (
    IdentityProvider,
    check_provider_url,
    identity_providers,
    sign_in_choices,
)
from plugins import BUILTIN_PLUGINS

hookimpl = pluggy.HookimplMarker("carepurse")
COUNCIL = TenantInfo(id=7, slug="alphaton", name="Alphaton Council")
GOOD = {"issuer": "https://login.alphaton.gov.uk", "client_id": "carepurse"}


class ExtraProviders:
    """A partner plugin answering with whatever a test puts in ``answer``."""

    name = "extra-providers"
    kind = "integration"
    answer: Any = None

    def __init__(self, config: Any, secrets: Mapping[str, str]) -> None:
        pass

    @hookimpl
    def carepurse_identity_providers(self, tenant: Any) -> Any:
        return ExtraProviders.answer


@pytest.fixture
def registry():
    return PluginRegistry.discover([*BUILTIN_PLUGINS, ExtraProviders], include_entry_points=False)


def plugins_for(registry, config=None, extra=None):
    ExtraProviders.answer = extra
    selection = [
        {
            "name": "oidc-sign-in",
            "config": config or GOOD,
            "secrets": {"client_secret": "env:ALPHATON_OIDC_SECRET"},
        },
        {"name": "extra-providers"},
    ]
    return build_tenant_plugins(
        COUNCIL, selection, registry, resolve_secrets=lambda refs: {"client_secret": "s3cret"}
    )


def test_the_built_in_plugin_offers_the_council_provider_with_defaults(registry):
    plugins = plugins_for(registry)
    answers = plugins.collect("carepurse_identity_providers", tenant=COUNCIL)
    assert answers[-1][0] == "oidc-sign-in"
    (provider,) = identity_providers(plugins)
    assert provider.name == "council"
    assert provider.label == "Sign in with your council account"
    assert provider.issuer == GOOD["issuer"] and provider.client_secret == "s3cret"
    assert provider.scopes == ("openid", "email", "profile")
    assert [role.value for role in provider.default_roles] == ["council_officer"]
    assert provider.email_domains is None
    assert sign_in_choices(type("State", (), {"plugins": plugins})()) == [
        {"name": "council", "label": "Sign in with your council account"}
    ]


def test_the_platform_site_has_no_providers():
    assert sign_in_choices(object()) == []
    assert identity_providers(None) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"issuer": "http://login.alphaton.gov.uk"}, "issuer", "must use https://"),
        ({"issuer": "login.alphaton.gov.uk"}, "issuer", "must be a URL"),
        ({"issuer": "https://login.alphaton.gov.uk?x=1"}, "issuer", "query"),
        ({"client_id": ""}, "client_id", "at least 1 character"),
        ({"default_roles": ["mayor"]}, "default_roles.0", "council_officer"),
        ({"default_roles": []}, "default_roles", "at least 1 item"),
        ({"scopes": ["email"]}, "scopes", "must include openid"),
        ({"allowed_email_domains": ["not a domain"]}, "allowed_email_domains", "email domain"),
        ({"colour": "red"}, "colour", "not a setting"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(registry, changes, field, message):
    with pytest.raises(PluginConfigError) as refused:
        registry.get("oidc-sign-in").validate_config({**GOOD, **changes})
    problems = {problem.field: problem.message for problem in refused.value.problems}
    assert field in problems, problems
    assert message in problems[field]


@pytest.mark.parametrize(
    "issuer", ["http://127.0.0.1:9400", "http://localhost:8080/realms/test", "https://idp.example"]
)
def test_plain_http_is_only_allowed_on_loopback(issuer):
    assert check_provider_url(issuer) == issuer


def test_roles_and_domains_are_passed_on(registry):
    config = {
        **GOOD,
        "label": "Sign in with Alphaton staff login",
        "default_roles": ["council_admin", "council_officer"],
        "allowed_email_domains": ["@Alphaton.gov.uk"],
    }
    (provider,) = identity_providers(plugins_for(registry, config))
    assert provider.label == "Sign in with Alphaton staff login"
    assert [r.value for r in provider.default_roles] == ["council_admin", "council_officer"]
    assert provider.email_domains == ("alphaton.gov.uk",)
    assert provider.allows_email("jo@alphaton.gov.uk")
    assert not provider.allows_email("jo@alphaton.gov.uk.evil.example")
    assert not provider.allows_email(None)


def test_bad_and_duplicate_answers_are_skipped_without_logging_secrets(registry, caplog):
    duplicate = {**GOOD, "name": "council", "label": "Impostor", "client_secret": "other-secret"}
    insecure = {
        **GOOD,
        "name": "partner",
        "label": "P",
        "client_secret": "leaky",
        "issuer": "http://x.example",
    }
    partner = {**GOOD, "name": "partner-idp", "label": "Partner", "client_secret": "p"}
    with caplog.at_level(logging.ERROR):
        providers = identity_providers(
            plugins_for(registry, extra=[duplicate, insecure, partner, "junk"])
        )
    # extra-providers was enabled last, so pluggy calls it first.
    assert [(p.name, p.label) for p in providers] == [
        ("council", "Impostor"),
        ("partner-idp", "Partner"),
    ]
    assert "offers identity provider 'council' twice" in caplog.text
    assert "invalid identity provider" in caplog.text
    assert "leaky" not in caplog.text and "s3cret" not in caplog.text


def test_a_provider_repr_never_shows_its_secret():
    provider = IdentityProvider(name="council", label="x", client_secret="hush", **GOOD)
    assert "hush" not in repr(provider)
    with pytest.raises(ValidationError):
        IdentityProvider(name="Not Safe/", label="x", client_secret="s", **GOOD)
