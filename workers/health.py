"""Is the broker reachable? Used by ``/readyz`` (runs in a thread: clients block)."""

from __future__ import annotations

import dramatiq
import pika
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker


def broker_problem(broker: dramatiq.Broker, timeout: float) -> str | None:
    """``None`` when the broker answers, else a short description of what failed."""
    try:
        if isinstance(broker, RedisBroker):
            broker.client.ping()
        elif isinstance(broker, RabbitmqBroker):
            parameters = broker.parameters
            first = parameters[0] if isinstance(parameters, list) else parameters
            first.socket_timeout = first.blocked_connection_timeout = timeout
            first.connection_attempts = 1
            pika.BlockingConnection(first).close()
    except Exception as error:
        return f"{type(error).__name__}: {error}"[:200]
    return None
