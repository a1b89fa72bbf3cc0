"""The broker comes from CAREPURSE_BROKER_URL, with every actor declared on it."""

from __future__ import annotations

import pytest
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AsyncIO

from core.settings import Settings
from workers.broker import build_broker
from workers.tortoise_context import TortoiseOnWorkerLoop


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("embedded", StubBroker),
        ("redis://127.0.0.1:6379/15", RedisBroker),
        ("amqp://guest:guest@127.0.0.1:5672/", RabbitmqBroker),
    ],
)
def test_broker_kind_follows_the_url_and_declares_actors(url, kind):
    broker = build_broker(Settings(broker_url=url))
    try:
        assert isinstance(broker, kind)
        assert "daily_housekeeping" in broker.get_declared_actors()
        middleware = [type(m) for m in broker.middleware]
        assert middleware.index(AsyncIO) < middleware.index(TortoiseOnWorkerLoop)
    finally:
        broker.close()


def test_redis_broker_uses_the_configured_namespace():
    broker = build_broker(
        Settings(broker_url="redis://127.0.0.1:6379/15", broker_namespace="carepurse-x")
    )
    try:
        assert broker.namespace == "carepurse-x"
    finally:
        broker.close()


def test_unknown_broker_url_is_refused_clearly():
    with pytest.raises(ValueError, match="CAREPURSE_BROKER_URL must be"):
        build_broker(Settings(broker_url="kafka://somewhere"))
