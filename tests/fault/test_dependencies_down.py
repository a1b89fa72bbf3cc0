"""When the database or the broker is unreachable: clear answers, no stack traces."""

from __future__ import annotations

import logging

import pytest

from core.app import create_app
from tests.conftest import site_client
from tests.factories import make_tenant
from tests.support.live_server import free_port


@pytest.fixture
def closed_port() -> int:
    return free_port()  # nothing listens there once the probe socket is closed


async def test_readyz_is_503_naming_the_broker_when_redis_is_unreachable(
    db, settings, registry, closed_port
):
    broken = settings.model_copy(update={"broker_url": f"redis://127.0.0.1:{closed_port}/0"})
    app = create_app(broken, registry=registry, init_database=False, run_background=False)
    async with app.router.lifespan_context(app), site_client(app, "localhost") as client:
        ready = await client.get("/readyz")
        alive = await client.get("/healthz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert "ConnectionError" in body["checks"]["broker"]
    assert alive.status_code == 200


async def test_readyz_is_503_naming_the_database_when_it_fails(app, platform_client, monkeypatch):
    from tortoise import connections

    connection = connections.get("default")

    async def refuse(*args, **kwargs):
        raise ConnectionRefusedError("database is down")

    monkeypatch.setattr(type(connection), "execute_query", refuse)
    ready = await platform_client.get("/readyz")
    monkeypatch.undo()
    assert ready.status_code == 503
    assert "database is down" in ready.json()["checks"]["database"]


async def test_database_failure_mid_request_gives_a_friendly_page_with_a_reference(
    app, monkeypatch, caplog
):
    tenant = await make_tenant()

    async def lost(*args, **kwargs):
        raise ConnectionResetError("server closed the connection unexpectedly")

    monkeypatch.setattr("core.web.sites.resolve_host", lost)
    with caplog.at_level(logging.ERROR):
        async with site_client(app, f"{tenant.slug}.localhost", raise_errors=False) as client:
            page = await client.get("/")
            api = await client.get("/api/v1/council")
    assert page.status_code == 500
    assert "Sorry, there is a problem with the service" in page.text
    assert "Traceback" not in page.text and "ConnectionResetError" not in page.text
    assert api.status_code == 500
    assert api.headers["content-type"] == "application/problem+json"
    reference = api.json()["reference"]
    assert f"unhandled error {reference}" in caplog.text


async def test_storage_failure_on_a_public_file_is_a_clean_error(app, monkeypatch):
    from core.storage.base import StorageError

    tenant = await make_tenant()

    async def unavailable(*args, **kwargs):
        raise StorageError("S3 unreachable")

    monkeypatch.setattr(app.state.runtime.storage, "get", unavailable)
    async with site_client(app, f"{tenant.slug}.localhost", raise_errors=False) as client:
        response = await client.get("/media/branding/logo.svg")
    assert response.status_code == 500
    assert "Sorry, there is a problem" in response.text
