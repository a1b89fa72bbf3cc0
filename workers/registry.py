"""Actors are declared here once and bound to whichever broker the process builds.

Dramatiq binds an actor to a broker when it is declared. Carepurse builds its
broker from settings at start-up (and tests build several), so actors are
first declared on a holding broker and re-bound by :func:`bind_actors`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec

import dramatiq
from dramatiq.brokers.stub import StubBroker

from workers import runtime

P = ParamSpec("P")

_HOLDING_BROKER = StubBroker()
_ACTORS: dict[str, dramatiq.Actor[Any, Any]] = {}


def job(
    *, actor_name: str | None = None, queue_name: str = "default", **options: Any
) -> Callable[[Callable[P, Awaitable[None]]], dramatiq.Actor[P, None]]:
    """Declare an async actor that runs with the worker's Tortoise context active."""

    def decorator(fn: Callable[P, Awaitable[None]]) -> dramatiq.Actor[P, None]:
        @functools.wraps(fn)
        async def with_database(*args: P.args, **kwargs: P.kwargs) -> None:
            # Entering the context inside the task sets it for this task only,
            # so concurrent actors on the worker's loop never share state.
            with runtime.current().tortoise_context():
                await fn(*args, **kwargs)

        actor: dramatiq.Actor[P, None] = dramatiq.Actor(
            with_database,
            broker=_HOLDING_BROKER,
            actor_name=actor_name or fn.__name__,
            queue_name=queue_name,
            priority=0,
            options=options,
        )
        _ACTORS[actor.actor_name] = actor
        return actor

    return decorator


def bind_actors(broker: dramatiq.Broker) -> None:
    import workers.actors  # noqa: F401 - importing declares every actor

    for actor in _ACTORS.values():
        actor.broker = broker
        broker.declare_actor(actor)


def bound_queue_names(broker: dramatiq.Broker) -> list[str]:
    """The queues the Carepurse actors on ``broker`` consume."""
    return sorted({actor.queue_name for actor in _ACTORS.values() if actor.broker is broker})
