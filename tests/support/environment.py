"""Which database and broker this test run uses.

SQLite and the embedded broker by default; PostgreSQL and Redis/RabbitMQ when
``CAREPURSE_TEST_DATABASE_URL`` / ``CAREPURSE_TEST_BROKER_URL`` are set (CI
sets both and runs the suite twice).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from core.settings import Settings

DATABASE_URL_VARIABLE = "CAREPURSE_TEST_DATABASE_URL"
BROKER_URL_VARIABLE = "CAREPURSE_TEST_BROKER_URL"


def test_settings(workdir: Path) -> Settings:
    database_url = os.environ.get(DATABASE_URL_VARIABLE) or f"sqlite://{workdir / 'test.sqlite3'}"
    return Settings(
        environment="test",
        database_url=database_url,
        broker_url=os.environ.get(BROKER_URL_VARIABLE) or "embedded",
        broker_namespace=f"carepurse-test-{uuid.uuid4().hex[:8]}",
        storage_url=f"file://{workdir / 'storage'}",
        base_domain="localhost",
        run_embedded_scheduler=False,
        outbox_poll_seconds=0.05,
        log_level="INFO",
    )


def as_environment(settings: Settings) -> dict[str, str]:
    """The same settings as ``CAREPURSE_*`` variables, for a server in a subprocess."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CAREPURSE_")}
    for name, value in settings.model_dump().items():
        if value is not None:
            env[f"CAREPURSE_{name.upper()}"] = (
                str(value).lower() if isinstance(value, bool) else str(value)
            )
    return env
