"""Build the Dramatiq broker named by ``CAREPURSE_BROKER_URL``.

``embedded`` (the default) is an in-memory broker whose worker runs inside the
web process; ``redis://`` and ``amqp://`` are for real deployments.
"""

from __future__ import annotations

import dramatiq
import redis
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import AsyncIO

from core.settings import Settings
from workers.registry import bind_actors
from workers.tortoise_context import TortoiseOnWorkerLoop


def build_broker(settings: Settings) -> dramatiq.Broker:
    """A broker with the AsyncIO and Tortoise middleware and every actor declared."""
    url = settings.broker_url
    broker: dramatiq.Broker
    if settings.broker_is_embedded:
        broker = StubBroker()
    elif url.startswith(("redis://", "rediss://")):
        client = redis.Redis.from_url(
            url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30
        )
        broker = RedisBroker(client=client, namespace=settings.broker_namespace)
    elif url.startswith(("amqp://", "amqps://")):
        broker = RabbitmqBroker(url=url)
    else:
        raise ValueError(
            f"CAREPURSE_BROKER_URL must be 'embedded', redis://... or amqp://..., not {url!r}"
        )
    broker.add_middleware(AsyncIO())
    broker.add_middleware(TortoiseOnWorkerLoop(settings))
    dramatiq.set_broker(broker)
    bind_actors(broker)
    return broker
