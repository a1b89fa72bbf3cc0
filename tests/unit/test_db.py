"""The Tortoise configuration shared by every process."""

from __future__ import annotations

from core.db import MODEL_MODULES, tortoise_config
from core.settings import Settings


def test_sqlite_url_gets_a_busy_timeout_and_its_folder(tmp_path):
    config = tortoise_config(Settings(database_url=f"sqlite://{tmp_path}/sub/db.sqlite3"))
    assert config["connections"]["default"].endswith("?busy_timeout=10000")
    assert (tmp_path / "sub").is_dir()


def test_postgres_url_is_passed_through_with_one_app_and_its_migrations():
    config = tortoise_config(Settings(database_url="postgres://u:p@db:5432/carepurse"))
    assert config["connections"]["default"] == "postgres://u:p@db:5432/carepurse"
    app = config["apps"]["carepurse"]
    assert app["migrations"] == "core.migrations"
    assert app["models"] == MODEL_MODULES
    assert config["use_tz"] is True
