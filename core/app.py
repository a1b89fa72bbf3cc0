"""The ASGI application factory.

One process serves every council: the host name picks the site (platform or a
council), and the council's plugins are built per tenant and cached.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount, Router
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp
from tortoise.contrib.starlette import RegisterTortoise

from core.accreditation import routes as accreditation_routes
from core.api.v1 import routes as api_v1_routes
from core.audit import routes as audit_routes
from core.budgets import routes as budget_routes
from core.console import funding_types as console_funding_types
from core.console import operator as operator_routes
from core.console import routes as console_routes
from core.console import users as console_users
from core.db import tortoise_config
from core.directory import routes as directory_routes
from core.email import routes as email_routes
from core.hooks.registry import PluginRegistry
from core.identity import account_routes
from core.identity import routes as identity_routes
from core.logging import configure_logging
from core.marketplace import catalogue_routes, needs_routes, provider_routes, search_routes
from core.monitoring import routes as monitoring_routes
from core.oauth import routes as oauth_routes
from core.oidc import routes as oidc_routes
from core.orders import (
    basket_routes,
    booking_routes,
    bulk_routes,
    delivery_routes,
    enquiry_routes,
    feedback_routes,
    notification_routes,
    order_routes,
    provider_clients_routes,
    provider_order_routes,
)
from core.people import routes as people_routes
from core.runtime import Runtime
from core.security.csrf import CsrfMiddleware
from core.security.headers import SecurityHeadersMiddleware
from core.settings import Settings, load_settings
from core.web import health, platform
from core.web.assets import BUILD_DIR, Assets
from core.web.errors import exception_handlers
from core.web.sites import SiteDispatcher
from core.web.templating import build_templates
from tenants import routes as tenant_routes
from workers import runtime as worker_runtime
from workers.broker import build_broker
from workers.embedded import EmbeddedWorker
from workers.relay import OutboxRelay
from workers.scheduler import build_scheduler

logger = logging.getLogger(__name__)


class CarepurseApp(Starlette):
    """Starlette with security headers outside everything, error pages included.

    (Starlette's ServerErrorMiddleware is always outermost, so a header middleware
    in the normal list would miss the 500 page.)
    """

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack())


def create_app(
    settings: Settings | None = None,
    *,
    registry: PluginRegistry | None = None,
    init_database: bool = True,
    run_background: bool = True,
) -> Starlette:
    """Build the app. Tests pass ``init_database=False`` when they own the ORM context,
    and ``run_background=False`` to drive the relay and worker themselves."""
    settings = settings or load_settings()
    runtime = Runtime.build(settings, registry)
    assets = Assets()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if init_database:
                await stack.enter_async_context(
                    RegisterTortoise(app, config=tortoise_config(settings))
                )
            await runtime.storage.check()
            worker_runtime.install(runtime)
            broker = build_broker(settings)
            stack.callback(broker.close)
            app.state.broker = broker
            relay = OutboxRelay(broker, settings.outbox_poll_seconds)
            app.state.relay = relay
            if run_background:
                if settings.broker_is_embedded:
                    worker = EmbeddedWorker(broker)
                    worker.start()
                    stack.callback(worker.stop)
                relay.start()
                stack.push_async_callback(relay.stop)
                if settings.scheduler_is_embedded:
                    scheduler = build_scheduler(settings, relay)
                    scheduler.start()
                    stack.callback(scheduler.shutdown, wait=False)
            logger.info(
                "Carepurse ready on %s (broker: %s)",
                settings.base_domain,
                "embedded" if settings.broker_is_embedded else "external",
            )
            yield

    site = SiteDispatcher(
        platform_app=Router(
            routes=[
                *platform.routes,
                *identity_routes.routes,
                *email_routes.routes,
                *operator_routes.routes,
            ]
        ),
        tenant_app=Router(
            routes=[
                *tenant_routes.routes,
                *identity_routes.routes,
                *oidc_routes.routes,
                *account_routes.routes,
                *console_routes.routes,
                *console_users.routes,
                *console_funding_types.routes,
                *audit_routes.routes,
                *oauth_routes.routes,
                *people_routes.routes,
                *budget_routes.routes,
                *monitoring_routes.routes,
                *provider_routes.routes,
                *catalogue_routes.routes,
                *search_routes.routes,
                *needs_routes.routes,
                *accreditation_routes.routes,
                *directory_routes.routes,
                *basket_routes.routes,
                *order_routes.routes,
                *notification_routes.routes,
                *provider_order_routes.routes,
                *delivery_routes.routes,
                *booking_routes.routes,
                *enquiry_routes.routes,
                *bulk_routes.routes,
                *feedback_routes.routes,
                *provider_clients_routes.routes,
                Mount("/api/v1", routes=api_v1_routes),
            ]
        ),
    )
    app = CarepurseApp(
        routes=[
            *health.routes,
            Mount("/static", app=StaticFiles(directory=BUILD_DIR), name="static"),
            Mount("", app=site),
        ],
        middleware=[
            Middleware(GZipMiddleware, minimum_size=1024),
            Middleware(CsrfMiddleware, settings=settings),
        ],
        exception_handlers=exception_handlers,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.templates = build_templates(assets)
    return app


def create_app_from_environment() -> Starlette:
    """Factory for ``uvicorn --factory``: settings from ``CAREPURSE_*`` variables."""
    settings = load_settings()
    configure_logging(settings)
    return create_app(settings)
