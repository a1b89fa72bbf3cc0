"""Every route the app serves, found by walking its routers, for the whole-app walks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route, Router

from core.web.sites import SiteDispatcher

PARAM = re.compile(r"{([a-zA-Z_]+)(?::[a-z]+)?}")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Endpoint:
    site: str  # "tenant", "platform" or "any"
    path: str  # template, e.g. /people/{person_id}
    methods: tuple[str, ...]

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.path)

    def fill(self, values: dict[str, str]) -> str:
        return PARAM.sub(lambda m: values[m.group(1)], self.path)


def _walk(routes: list[BaseRoute], prefix: str, site: str) -> list[Endpoint]:
    found: list[Endpoint] = []
    for route in routes:
        if isinstance(route, Route):
            methods = tuple(sorted((route.methods or {"GET"}) - {"HEAD"}))
            found.append(Endpoint(site, prefix + route.path, methods))
        elif isinstance(route, Mount):
            if isinstance(route.app, SiteDispatcher):
                found += _walk(_routes(route.app.platform_app), prefix + route.path, "platform")
                found += _walk(_routes(route.app.tenant_app), prefix + route.path, "tenant")
            elif route.routes:
                found += _walk(list(route.routes), prefix + route.path, site)
            else:
                found.append(Endpoint(site, prefix + route.path + "/{path}", ("GET",)))
    return found


def _routes(app: object) -> list[BaseRoute]:
    assert isinstance(app, Router), app
    return list(app.routes)


def endpoints(app: Starlette) -> list[Endpoint]:
    """Every (site, path, methods) the app answers; static files as one endpoint."""
    merged: dict[tuple[str, str], set[str]] = {}
    for endpoint in _walk(list(app.routes), "", "any"):
        merged.setdefault((endpoint.site, endpoint.path), set()).update(endpoint.methods)
    return [
        Endpoint(site, path, tuple(sorted(methods)))
        for (site, path), methods in sorted(merged.items())
    ]
