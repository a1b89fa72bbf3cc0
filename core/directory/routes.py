"""The Open Referral UK feed at ``/openreferral/...``: public JSON, no key, any origin.

GET only; whoever asks (signed in or not) gets the same public catalogue, so a
visitor's private items never reach it. Errors are problem+json with the CORS
header too, so a browser app elsewhere can read them.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.accreditation.policy import accreditation_policy
from core.api.problem import problem
from core.directory import console
from core.directory.feed import (
    Feed,
    FeedQuery,
    index,
    open_feed,
    parse_query,
    service_at_location_detail,
    service_at_location_page,
    service_detail,
    service_page,
    taxonomy_page,
    taxonomy_term_page,
)
from core.errors import InvalidInput

CORS = {"Access-Control-Allow-Origin": "*"}


def _json(body: dict[str, Any]) -> Response:
    return JSONResponse(body, headers=CORS)


def _not_found(what: str) -> Response:
    return problem(404, f"there is no {what} with this id in this directory", headers=CORS)


async def _feed(request: Request) -> Feed:
    policy = accreditation_policy(request.state.plugins)
    return await open_feed(request.state.tenant, policy, str(request.base_url))


def _query(request: Request) -> FeedQuery | Response:
    try:
        return parse_query(request.query_params)
    except InvalidInput as refused:
        return problem(400, "check the query parameters", errors=refused.problems, headers=CORS)


async def api_index(request: Request) -> Response:
    return _json(index(str(request.base_url)))


async def services(request: Request) -> Response:
    query = _query(request)
    if isinstance(query, Response):
        return query
    return _json(await service_page(await _feed(request), query))


async def service(request: Request) -> Response:
    found = await service_detail(await _feed(request), request.path_params["service_id"])
    return _json(found) if found is not None else _not_found("service")


async def service_at_locations(request: Request) -> Response:
    query = _query(request)
    if isinstance(query, Response):
        return query
    return _json(await service_at_location_page(await _feed(request), query))


async def service_at_location(request: Request) -> Response:
    found = await service_at_location_detail(
        await _feed(request), request.path_params["service_at_location_id"]
    )
    return _json(found) if found is not None else _not_found("service at a location")


async def taxonomies(request: Request) -> Response:
    query = _query(request)
    if isinstance(query, Response):
        return query
    return _json(taxonomy_page(await _feed(request), query))


async def taxonomy_terms(request: Request) -> Response:
    query = _query(request)
    if isinstance(query, Response):
        return query
    return _json(taxonomy_term_page(await _feed(request), query))


routes: list[BaseRoute] = [
    Route("/openreferral/", api_index, methods=["GET"], name="openreferral:index"),
    Route("/openreferral/services", services, methods=["GET"], name="openreferral:services"),
    Route(
        "/openreferral/services/{service_id}",
        service,
        methods=["GET"],
        name="openreferral:service",
    ),
    Route(
        "/openreferral/service_at_locations",
        service_at_locations,
        methods=["GET"],
        name="openreferral:service-at-locations",
    ),
    Route(
        "/openreferral/service_at_locations/{service_at_location_id}",
        service_at_location,
        methods=["GET"],
        name="openreferral:service-at-location",
    ),
    Route("/openreferral/taxonomies", taxonomies, methods=["GET"], name="openreferral:taxonomies"),
    Route(
        "/openreferral/taxonomy_terms",
        taxonomy_terms,
        methods=["GET"],
        name="openreferral:taxonomy-terms",
    ),
    *console.routes,
]
