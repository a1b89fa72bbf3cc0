"""Entry module for the ``dramatiq`` CLI: ``carepurse worker`` runs ``dramatiq workers.app``."""

from __future__ import annotations

import logging

from core.logging import configure_logging
from core.runtime import Runtime
from core.settings import load_settings
from workers import runtime
from workers.broker import build_broker

settings = load_settings()
configure_logging(settings)
if settings.broker_is_embedded:
    raise SystemExit(
        "CAREPURSE_BROKER_URL is 'embedded': jobs already run inside `carepurse serve`. "
        "Set it to redis://... or amqp://... to run separate workers."
    )
runtime.install(Runtime.build(settings))
broker = build_broker(settings)
logging.getLogger(__name__).info("worker ready for %s", settings.broker_url.split("@")[-1])
