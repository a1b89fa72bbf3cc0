"""Tortoise ORM configuration shared by the web app, workers, CLI and tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tortoise.backends.base.config_generator import expand_db_url

from core.settings import Settings, load_settings

APP_LABEL = "carepurse"

# Every module holding Tortoise models; one app so foreign keys never cross apps.
MODEL_MODULES = [
    "tenants.models",
    "core.outbox.models",
    "core.jobs.models",
    "core.identity.models",
    "core.audit.models",
    "core.email.models",
    "core.oauth.models",
    "core.people.models",
    "core.budgets.models",
    "core.ledger.models",
    "core.api.models",
    "core.marketplace.models",
    "core.accreditation.models",
    "core.orders.models",
]


def _prepare_sqlite(url: str) -> str:
    """Create the folder of a file database and ask SQLite to wait on locks."""
    parts = urlsplit(url)
    path = url.removeprefix("sqlite://").split("?", 1)[0]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    if "busy_timeout" not in (parts.query or ""):
        url += ("&" if "?" in url else "?") + "busy_timeout=10000"
    return url


def tortoise_config(settings: Settings) -> dict[str, Any]:
    """The Tortoise config dict for these settings."""
    url = settings.database_url
    connection: str | dict[str, Any] = url
    if url.startswith("sqlite"):
        connection = expand_db_url(_prepare_sqlite(url))
        connection["engine"] = "core.db_sqlite"  # BEGIN IMMEDIATE: see that module
    return {
        "connections": {"default": connection},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "core.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _config_for_tortoise_cli() -> dict[str, Any]:
    # The `tortoise` CLI (makemigrations) imports a module attribute, so build it
    # from the environment here; application code passes Settings explicitly.
    os.environ.setdefault("CAREPURSE_ENVIRONMENT", "development")
    return tortoise_config(load_settings())


def __getattr__(name: str) -> Any:
    if name == "TORTOISE_ORM":
        return _config_for_tortoise_cli()
    raise AttributeError(name)
