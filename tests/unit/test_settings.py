"""Settings come from CAREPURSE_* variables once, with embedded defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.settings import Settings, load_settings


def test_defaults_are_the_embedded_development_set_up(monkeypatch):
    for name in ("DATABASE_URL", "BROKER_URL", "STORAGE_URL", "ENVIRONMENT"):
        monkeypatch.delenv(f"CAREPURSE_{name}", raising=False)
    settings = load_settings()
    assert settings.database_url.startswith("sqlite://")
    assert settings.broker_is_embedded
    assert settings.scheduler_is_embedded
    assert settings.storage_url.startswith("file://")


def test_environment_variables_override_defaults(monkeypatch):
    monkeypatch.setenv("CAREPURSE_BROKER_URL", "redis://cache:6379/1")
    monkeypatch.setenv("CAREPURSE_BASE_DOMAIN", "Carepurse.Example.")
    settings = load_settings()
    assert settings.broker_url == "redis://cache:6379/1"
    assert not settings.broker_is_embedded and not settings.scheduler_is_embedded
    assert settings.base_domain == "carepurse.example"


def test_settings_are_frozen():
    with pytest.raises(ValidationError):
        Settings().log_level = "DEBUG"  # type: ignore[misc]


def test_production_refuses_the_development_secret():
    with pytest.raises(ValidationError, match="CAREPURSE_SECRET_KEY must be set"):
        Settings(environment="production")
    assert Settings(environment="production", secret_key="x" * 40).environment == "production"


def test_misspelt_variable_is_reported_not_silently_ignored(monkeypatch, caplog):
    monkeypatch.setenv("CAREPURSE_DATABSE_URL", "postgres://typo")
    monkeypatch.setenv("CAREPURSE_TEST_DATABASE_URL", "postgres://tests-only")
    with caplog.at_level("WARNING"):
        load_settings()
    assert "CAREPURSE_DATABSE_URL is not a Carepurse setting" in caplog.text
    assert "CAREPURSE_TEST_DATABASE_URL" not in caplog.text
