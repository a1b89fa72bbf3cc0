"""One log format for every process."""

from __future__ import annotations

import logging

from core.settings import Settings


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Tortoise logs every query at DEBUG; keep it quiet unless asked for.
    logging.getLogger("tortoise").setLevel(max(logging.INFO, logging.root.level))
