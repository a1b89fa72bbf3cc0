"""Routes on a council's host: the token endpoint and the console's API client pages."""

from __future__ import annotations

from starlette.routing import BaseRoute

from core.oauth import console, token_endpoint

routes: list[BaseRoute] = [*token_endpoint.routes, *console.routes]
