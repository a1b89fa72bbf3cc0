"""The Tortoise configuration shared by every process."""

from __future__ import annotations

from core.db import MODEL_MODULES, tortoise_config
from core.settings import Settings


def test_sqlite_gets_a_busy_timeout_its_folder_and_immediate_transactions(tmp_path):
    config = tortoise_config(Settings(database_url=f"sqlite://{tmp_path}/sub/db.sqlite3"))
    connection = config["connections"]["default"]
    assert connection["engine"] == "core.db_sqlite"
    assert connection["credentials"]["file_path"] == f"{tmp_path}/sub/db.sqlite3"
    assert int(connection["credentials"]["busy_timeout"]) == 10000
    assert (tmp_path / "sub").is_dir()


def test_postgres_url_is_passed_through_with_one_app_and_its_migrations():
    config = tortoise_config(Settings(database_url="postgres://u:p@db:5432/carepurse"))
    assert config["connections"]["default"] == "postgres://u:p@db:5432/carepurse"
    app = config["apps"]["carepurse"]
    assert app["migrations"] == "core.migrations"
    assert app["models"] == MODEL_MODULES
    assert config["use_tz"] is True
