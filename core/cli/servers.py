"""Processes: the web app, workers, the scheduler, and database migrations."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import click
import uvicorn

from core.cli.common import settings_from_environment
from core.migrate import migrate_database


@click.command()
@click.option("--target", help="Migrate to this migration (app.name), forwards or back.")
def migrate(target: str | None) -> None:
    """Bring the database schema up to date."""
    settings = settings_from_environment()
    asyncio.run(migrate_database(settings, target=target))
    click.echo("database is up to date" if target is None else f"database at {target}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str, port: int, reload: bool) -> None:
    """Serve the web app (and, with the embedded broker, the jobs and scheduler)."""
    settings = settings_from_environment()
    uvicorn.run(
        "core.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        proxy_headers=True,
        log_level=settings.log_level.lower(),
    )


@click.command()
@click.option("--processes", default=1, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int)
def worker(processes: int, threads: int) -> None:
    """Run Dramatiq workers against CAREPURSE_BROKER_URL (Redis or RabbitMQ)."""
    settings = settings_from_environment()
    if settings.broker_is_embedded:
        raise click.ClickException(
            "the embedded broker runs its worker inside `carepurse serve`; "
            "set CAREPURSE_BROKER_URL=redis://... or amqp://... for separate workers"
        )
    command = [
        sys.executable,
        "-m",
        "dramatiq",
        "workers.app",
        "--processes",
        str(processes),
        "--threads",
        str(threads),
    ]
    os.execvp(command[0], command)  # noqa: S606 - replace this process with the worker


@click.command()
def scheduler() -> None:
    """Run the periodic scheduler and the outbox relay (exactly one per deployment)."""
    from workers.standalone import run_scheduler

    settings = settings_from_environment()
    if settings.broker_is_embedded:
        raise click.ClickException(
            "with the embedded broker the scheduler runs inside `carepurse serve`; "
            "set CAREPURSE_BROKER_URL=redis://... or amqp://... to run it on its own"
        )
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    loop.run_until_complete(run_scheduler(settings, stop))


def register(group: click.Group) -> None:
    for command in (migrate, serve, worker, scheduler):
        group.add_command(command)
