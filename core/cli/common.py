"""Helpers shared by the command-line modules."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

import click

from core.errors import CarepurseError, InvalidInput
from core.logging import configure_logging
from core.migrate import database
from core.settings import Settings, load_settings
from core.storage import StorageError

P = ParamSpec("P")
T = TypeVar("T")


def settings_from_environment() -> Settings:
    try:
        settings = load_settings()
    except ValueError as error:
        raise click.ClickException(f"settings are invalid: {error}") from error
    configure_logging(settings)
    return settings


def with_database(fn: Callable[..., Awaitable[T]]) -> Callable[..., T]:
    """Run an async command body with an ORM context; turn domain errors into CLI errors."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> T:
        settings = settings_from_environment()

        async def body() -> T:
            async with database(settings):
                return await fn(settings, *args, **kwargs)

        try:
            return asyncio.run(body())
        except InvalidInput as error:
            lines = (
                [str(error)]
                if not error.problems
                else ["refused:", *(f"  {p.field}: {p.message}" for p in error.problems)]
            )
            raise click.ClickException("\n".join(lines)) from error
        except (CarepurseError, StorageError) as error:
            raise click.ClickException(str(error)) from error

    return run


def parse_value(text: str) -> Any:
    """``--set`` values: JSON where it parses (numbers, lists, true), else the plain string."""
    try:
        return json.loads(text)
    except ValueError:
        return text
