"""Plugin config is validated against the plugin's schema, naming every bad field."""

from __future__ import annotations

import pytest

from core.hooks.errors import PluginConfigError
from core.hooks.registry import PluginRegistry


@pytest.fixture(scope="module")
def registry():
    return PluginRegistry.discover(include_entry_points=False)


def test_defaults_fill_in_missing_settings(registry):
    config = registry.get("council-branding").validate_config({})
    assert config.brand_colour == "#24425e"
    assert config.brand_text_colour == "#ffffff"


def test_unknown_setting_is_named(registry):
    with pytest.raises(PluginConfigError) as refused:
        registry.get("council-branding").validate_config({"colour": "#000000"})
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("colour", "is not a setting this plugin knows")
    ]


def test_every_bad_field_is_reported_at_once(registry):
    with pytest.raises(PluginConfigError) as refused:
        registry.get("service-notice").validate_config(
            {"text": "", "important": "sometimes", "link_href": "javascript:alert(1)"}
        )
    fields = {problem.field for problem in refused.value.problems}
    assert fields == {"text", "important", "link_href"}
    assert "service-notice.text" in str(refused.value)


def test_required_setting_missing_is_named(registry):
    with pytest.raises(PluginConfigError, match=r"service-notice\.text: Field required"):
        registry.get("service-notice").validate_config({})


def test_config_fields_describe_defaults_and_required(registry):
    fields = registry.get("service-notice").config_fields()
    assert fields["text"] == "required"
    assert fields["paths"] == 'default ["/"]'


def test_secret_names_are_checked_against_the_declaration():
    from tests.support.plugins import SecretPlugin

    registry = PluginRegistry.discover([SecretPlugin], include_entry_points=False)
    definition = registry.get("secretive")
    with pytest.raises(PluginConfigError) as refused:
        definition.check_secret_names({"password": "env:X"})
    messages = {p.field: p.message for p in refused.value.problems}
    assert messages == {
        "secrets.password": "is not a secret this plugin uses",
        "secrets.api_key": "is required: give a reference",
    }
