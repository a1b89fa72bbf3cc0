"""Process-wide settings, read once from ``CAREPURSE_*`` environment variables.

Everything else receives the frozen :class:`Settings` object explicitly; no other
module reads the environment (plugins included).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
UK_TIMEZONE = ZoneInfo("Europe/London")
DEVELOPMENT_SECRET = "development-only-secret-change-me"


class Settings(BaseSettings):
    """Configuration for one Carepurse process (web, worker or scheduler)."""

    model_config = SettingsConfigDict(env_prefix="CAREPURSE_", frozen=True, extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite://var/carepurse.sqlite3"
    broker_url: str = "embedded"
    broker_namespace: str = "carepurse"
    storage_url: str = "file://var/storage"
    s3_endpoint_url: str | None = None
    s3_region: str = "eu-west-2"
    base_domain: str = "localhost"
    secret_key: str = DEVELOPMENT_SECRET
    log_level: str = "INFO"
    platform_name: str = "Carepurse"
    platform_contact_email: str = "support@carepurse.example"
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    outbox_retention_days: int = Field(default=30, ge=1)
    run_embedded_scheduler: bool | None = None
    housekeeping_hour: int = Field(default=2, ge=0, le=23)
    session_idle_minutes: int = Field(default=60, ge=5)
    session_absolute_hours: int = Field(default=12, ge=1)
    smtp_url: str | None = None
    email_from: str = "Carepurse <no-reply@carepurse.example>"
    api_token_minutes: int = Field(default=60, ge=5, le=1440)

    @field_validator("base_domain")
    @classmethod
    def _lower_domain(cls, value: str) -> str:
        return value.strip().lower().rstrip(".")

    @model_validator(mode="after")
    def _production_needs_real_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("CAREPURSE_SECRET_KEY must be set in production")
        return self

    @property
    def broker_is_embedded(self) -> bool:
        """True when jobs run in-process (development and the default test run)."""
        return self.broker_url in ("embedded", "stub", "")

    @property
    def scheduler_is_embedded(self) -> bool:
        """Run the periodic scheduler inside the web process unless told otherwise."""
        if self.run_embedded_scheduler is not None:
            return self.run_embedded_scheduler
        return self.broker_is_embedded and self.environment == "development"

    @property
    def is_local(self) -> bool:
        """Development and tests: plain-http cookies allowed, the dev mailbox shown."""
        return self.environment in ("development", "test")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


# Read by the test suite and CI, not by the application.
NOT_SETTINGS = ("CAREPURSE_TEST_", "CAREPURSE_REQUIRE_BROWSER")


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """``CAREPURSE_*`` variables that match no setting: usually a misspelling."""
    known = {f"CAREPURSE_{name.upper()}" for name in Settings.model_fields}
    return sorted(
        name
        for name in environ
        if name.startswith("CAREPURSE_") and name not in known and not name.startswith(NOT_SETTINGS)
    )


def load_settings(**overrides: object) -> Settings:
    """Build the settings object once at start-up; tests pass overrides."""
    for name in unknown_variables(os.environ):
        logger.warning("%s is not a Carepurse setting and is ignored (misspelt?)", name)
    return Settings(**overrides)  # type: ignore[arg-type]
