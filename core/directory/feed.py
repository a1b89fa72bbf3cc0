"""The council's public catalogue as an Open Referral UK (HSDS 3 UK profile) feed.

What is published is exactly what core.marketplace.visibility shows a visitor who
is not signed in: live services of live stores, public ones only, and under a
kitemark policy only accredited providers. Never Starlette here: the routes pass
in the council, its accreditation policy and the site's address.

Lists are the profile's ``Page`` (total_items, total_pages, page_number, size,
first_page, last_page, empty, contents) and their items carry one-to-one fields
only; ``/services/{id}`` is the fully nested service (shapes in
core.directory.shapes). Query parameters are the profile's API's: ``page``,
``per_page``, ``search`` (or ``text``), ``taxonomy_term_id``, ``taxonomy_id`` and
``postcode`` (a service's areas if it has any, else where its store is).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from core.accreditation.policy import AccreditationPolicy
from core.directory.shapes import (
    Feed,
    full_service,
    location,
    service_at_location_id,
    service_at_location_item,
    service_item,
)
from core.directory.taxonomy import council_terms
from core.errors import FieldProblem, InvalidInput
from core.identity.actor import anonymous
from core.ids import parse_uuid
from core.marketplace.models import Service, ServiceArea
from core.marketplace.visibility import visible_services
from core.postcodes import parse_district
from tenants.models import Tenant

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"


@dataclass(frozen=True)
class FeedQuery:
    page: int = 1
    per_page: int = PAGE_SIZE
    search: str = ""
    taxonomy_term_id: str = ""
    taxonomy_id: str = ""
    district: str | None = None


def parse_query(params: Mapping[str, str]) -> FeedQuery:
    """The profile's query parameters (``text`` is taken as ``search``); InvalidInput if bad."""
    problems: list[FieldProblem] = []

    def whole(name: str, default: int) -> int:
        raw = (params.get(name) or "").strip()
        if not raw:
            return default
        if not (raw.isascii() and raw.isdigit() and len(raw) < 10) or int(raw) < 1:
            problems.append(FieldProblem(name, f"{name} must be a whole number from 1"))
            return default
        return int(raw)

    page, per_page = whole("page", 1), whole("per_page", PAGE_SIZE)
    district = None
    postcode = (params.get("postcode") or "").strip()
    if postcode:
        district = parse_district(postcode)
        if district is None:
            problems.append(FieldProblem("postcode", "postcode must be a UK postcode or district"))
    if problems:
        raise InvalidInput("check the query", problems)
    return FeedQuery(
        page=min(page, 1_000_000),
        per_page=min(per_page, MAX_PAGE_SIZE),
        search=(params.get("search") or params.get("text") or "").strip()[:200],
        taxonomy_term_id=(params.get("taxonomy_term_id") or "").strip(),
        taxonomy_id=(params.get("taxonomy_id") or "").strip(),
        district=district,
    )


async def open_feed(tenant: Tenant, policy: AccreditationPolicy, site_url: str) -> Feed:
    return Feed(tenant, policy, site_url.rstrip("/"), await council_terms(tenant.id))


def index(site_url: str) -> dict[str, Any]:
    """``GET /``: what this API is (the profile's first operation)."""
    base = site_url.rstrip("/") + "/openreferral"
    return {
        "version": "3.0",
        "profile": PROFILE_URL,
        "openapi_url": "https://raw.githubusercontent.com/openreferral/uk-profile/main/"
        "schema/openapi.json",
        "services_url": f"{base}/services",
        "service_at_locations_url": f"{base}/service_at_locations",
        "taxonomies_url": f"{base}/taxonomies",
        "taxonomy_terms_url": f"{base}/taxonomy_terms",
    }


def page_of(items: list[dict[str, Any]], total: int, query: FeedQuery) -> dict[str, Any]:
    pages = max(1, math.ceil(total / query.per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": query.page,
        "size": len(items),
        "first_page": query.page == 1,
        "last_page": query.page >= pages,
        "empty": not items,
        "contents": items,
    }


def _located() -> Q:
    has_postcode = Q(store__postcode__isnull=False) & ~Q(store__postcode="")
    has_address = Q(store__address__isnull=False) & ~Q(store__address="")
    return has_postcode | has_address


async def published(feed: Feed, query: FeedQuery | None = None) -> QuerySet[Service]:
    """The visible public catalogue, filtered by the query, in a stable order."""
    query = query or FeedQuery()
    services = await visible_services(anonymous(feed.tenant), feed.policy)
    if query.search:
        services = services.filter(
            Q(title__icontains=query.search) | Q(description__icontains=query.search)
        )
    if query.taxonomy_term_id:
        term = feed.terms.by_id(query.taxonomy_term_id)
        services = services.filter(category__in=list(term.selects) if term else [""])
    if query.taxonomy_id:
        services = services.filter(
            category__in=sorted(feed.terms.codes_in_taxonomy(query.taxonomy_id)) or [""]
        )
    if query.district:
        # The profile: within the service's areas if it has any, else where it is.
        areas = ServiceArea.filter(tenant_id=feed.tenant.id)
        in_area = Q(id__in=Subquery(areas.filter(district=query.district).values("service_id")))
        no_areas = ~Q(id__in=Subquery(areas.values("service_id")))
        here = Q(store__postcode__startswith=f"{query.district} ") | Q(
            store__postcode=query.district
        )
        services = services.filter(in_area | (no_areas & here))
    return services.order_by("title", "id")


async def service_page(feed: Feed, query: FeedQuery) -> dict[str, Any]:
    """``GET /services``: services with their one-to-one fields and organisation."""
    services = await published(feed, query)
    total = await services.count()
    rows = await _page_rows(services, query)
    return page_of([service_item(feed, s) for s in rows], total, query)


async def service_at_location_page(feed: Feed, query: FeedQuery) -> dict[str, Any]:
    """``GET /service_at_locations``: one per service whose store has an address."""
    services = (await published(feed, query)).filter(_located())
    total = await services.count()
    rows = await _page_rows(services, query)
    return page_of([service_at_location_item(feed, s) for s in rows], total, query)


async def _page_rows(services: QuerySet[Service], query: FeedQuery) -> list[Service]:
    offset = (query.page - 1) * query.per_page
    return await services.offset(offset).limit(query.per_page).prefetch_related("store")


async def service_detail(feed: Feed, service_id: str) -> dict[str, Any] | None:
    """``GET /services/{id}``: the fully nested service, or None if it is not published."""
    key = parse_uuid(service_id)
    if key is None:
        return None
    service = await (await published(feed)).filter(id=key).prefetch_related("store").first()
    if service is None:
        return None
    areas = await ServiceArea.filter(service_id=service.id).order_by("district")
    return full_service(feed, service, areas)


async def service_at_location_detail(feed: Feed, item_id: str) -> dict[str, Any] | None:
    """``GET /service_at_locations/{id}``: the location and its fully nested service."""
    wanted = parse_uuid(item_id)
    if wanted is None:
        return None
    located = (await published(feed)).filter(_located())
    # The id is derived from the service's (uuid5): compare ids, then load the one.
    ids = await located.values_list("id", flat=True)
    found = next((key for key in ids if service_at_location_id(key) == str(wanted)), None)
    service = await located.filter(id=found).prefetch_related("store").first() if found else None
    if service is None:
        return None
    areas = await ServiceArea.filter(service_id=service.id).order_by("district")
    item = service_at_location_item(feed, service)
    item["location"] = location(service.store)
    item["service"] = full_service(feed, service, areas)
    del item["service"]["service_at_locations"]  # the location is this item's own
    return item


def taxonomy_page(feed: Feed, query: FeedQuery) -> dict[str, Any]:
    items = feed.terms.taxonomies()
    return _slice(items, query)


def taxonomy_term_page(feed: Feed, query: FeedQuery) -> dict[str, Any]:
    items = [term.as_open_referral() for term in feed.terms.terms]
    if query.taxonomy_id:
        items = [item for item in items if item["taxonomy_id"] == query.taxonomy_id]
    return _slice(items, query)


def _slice(items: list[dict[str, Any]], query: FeedQuery) -> dict[str, Any]:
    start = (query.page - 1) * query.per_page
    return page_of(items[start : start + query.per_page], len(items), query)
