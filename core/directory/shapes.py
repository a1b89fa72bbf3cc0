"""One service, organisation, location or price in Open Referral UK's shapes.

As the profile's examples and compiled schemas have them (tests/data/openreferral-uk).
What we cannot know is left out rather than made up: an address's
``state_province`` always and its ``city`` when the store's address is one line
(both required by the profile's address schema), latitude and longitude. Phones
ride in ``contacts[].phones[]`` as in HSDS 3.0; the UK profile's compiled service
has no other place for them. Every id is a UUID (see core.directory.taxonomy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.accreditation.policy import AccreditationPolicy
from core.directory.taxonomy import Terms, derived_id
from core.marketplace.models import Service, ServiceArea, Store
from core.postcodes import normalise_postcode
from tenants.models import Tenant

SERVICE_PAGE = "/services/{id}"  # a service's page on the council's own site
DAYS = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
HOURS_RE = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


@dataclass(frozen=True)
class Feed:
    """One council's feed, as seen from ``site_url`` (``https://care.example.gov.uk``)."""

    tenant: Tenant
    policy: AccreditationPolicy
    site_url: str
    terms: Terms


def timestamp(moment: datetime) -> str:
    """``2023-03-15T10:30:45.123Z``: UTC with milliseconds, as the profile's example."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def pounds(pence: int) -> int | float:
    return pence // 100 if pence % 100 == 0 else pence / 100


def fees_text(service: Service) -> str:
    if service.unit_price_pence == 0:
        return "Free"
    return f"£{service.unit_price_pence / 100:,.2f} per {service.unit.value}"


def web_address(value: str | None) -> str | None:
    """Only absolute http(s) addresses are published (the profile's ``uri`` format)."""
    value = (value or "").strip()
    return value if re.match(r"^https?://[^\s/]+", value) else None


def organization(store: Store) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(store.id),
        "name": store.name,
        "description": store.description or "",
    }
    if store.email:
        item["email"] = store.email
    if website := web_address(store.website):
        item["website"] = website
    return item


def service_item(feed: Feed, service: Service) -> dict[str, Any]:
    """A service's one-to-one fields, as in the profile's ``service_list``."""
    store = service.store
    item: dict[str, Any] = {
        "id": str(service.id),
        "organization_id": str(store.id),
        "name": service.title,
        "description": service.description or "",
        "url": feed.site_url + SERVICE_PAGE.format(id=service.id),
        "status": "active",
        "fees": fees_text(service),
        "last_modified": timestamp(max(service.updated_at, store.updated_at)),
        "organization": organization(store),
    }
    if store.email:
        item["email"] = store.email
    return item


def service_at_location_id(service_id: object) -> str:
    """Each service is offered at its store's one location: the pair's id."""
    return derived_id("service_at_location", service_id)


def address_parts(store: Store) -> tuple[str, str | None]:
    """``(address_1, city)`` from the store's one-line address (city None if unknown)."""
    postcode = normalise_postcode(store.postcode or "")
    lines = [part.strip() for part in re.split(r"[,\n]", store.address or "") if part.strip()]
    if lines and normalise_postcode(lines[-1]) == postcode:
        lines.pop()
    if len(lines) > 1:
        return ", ".join(lines[:-1]), lines[-1]
    return (lines[0] if lines else ""), None


def location(store: Store) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": derived_id("location", store.id),
        "location_type": "physical",
        "name": store.name,
    }
    address_1, city = address_parts(store)
    if address_1 and store.postcode:
        address: dict[str, Any] = {
            "id": derived_id("address", store.id),
            "location_id": item["id"],
            "address_1": address_1,
            "postal_code": normalise_postcode(store.postcode),
            "country": "GB",
            "address_type": "physical",
        }
        if city:
            address["city"] = city
        item["addresses"] = [address]
    elif store.address or store.postcode:
        item["description"] = ", ".join(p for p in (store.address, store.postcode) if p)
    return item


def service_at_location_item(feed: Feed, service: Service) -> dict[str, Any]:
    place = location(service.store)
    place.pop("addresses", None)  # list items carry one-to-one fields only
    return {
        "id": service_at_location_id(service.id),
        "service_id": str(service.id),
        "location_id": place["id"],
        "location": place,
        "service": service_item(feed, service),
    }


def cost_options(service: Service, areas: list[ServiceArea]) -> list[dict[str, Any]]:
    per = f"per {service.unit.value}"
    options = [
        {
            "id": derived_id("cost_option", service.id),
            "service_id": str(service.id),
            "option": "Free" if service.unit_price_pence == 0 else "Standard price",
            "amount": pounds(service.unit_price_pence),
            "amount_description": per,
        }
    ]
    for area in areas:
        if area.price_pence is not None and area.price_pence != service.unit_price_pence:
            options.append(
                {
                    "id": derived_id("cost_option", service.id, area.district),
                    "service_id": str(service.id),
                    "option": f"In postcode district {area.district}",
                    "amount": pounds(area.price_pence),
                    "amount_description": f"{per} in {area.district}",
                }
            )
    return options


def schedules(service: Service) -> list[dict[str, Any]]:
    """Weekly opening hours from the service's availability (``{"mon": ["09:00-17:00"]}``)."""
    found: list[dict[str, Any]] = []
    availability = service.availability if isinstance(service.availability, dict) else {}
    for day, code in DAYS.items():
        hours = availability.get(day)
        for text in hours if isinstance(hours, list) else []:
            match = HOURS_RE.match(str(text))
            if match:
                found.append(
                    {
                        "id": derived_id("schedule", service.id, day, text),
                        "service_id": str(service.id),
                        "freq": "WEEKLY",
                        "byday": code,
                        "opens_at": match.group(1),
                        "closes_at": match.group(2),
                    }
                )
    return found


def full_service(feed: Feed, service: Service, areas: list[ServiceArea]) -> dict[str, Any]:
    """The fully nested service, as in the profile's compiled ``service.json``."""
    store = service.store
    item = service_item(feed, service)
    item["service_areas"] = [
        {
            "id": derived_id("service_area", service.id, area.district),
            "service_id": str(service.id),
            "name": area.district,
            "service_area": area.district,
            "extent": area.district,
            "extent_type": "text",
        }
        for area in areas
    ]
    item["service_at_locations"] = (
        [
            {
                "id": service_at_location_id(service.id),
                "service_id": str(service.id),
                "location_id": derived_id("location", store.id),
                "location": location(store),
            }
        ]
        if store.address or store.postcode
        else []
    )
    item["cost_options"] = cost_options(service, areas)
    item["schedules"] = schedules(service)
    item["contacts"] = (
        [
            {
                "id": derived_id("contact", store.id),
                "service_id": str(service.id),
                "name": store.name,
                "title": "Enquiries",
                "phones": [
                    {"id": derived_id("phone", store.id), "number": store.phone},
                ],
            }
        ]
        if store.phone
        else []
    )
    item["attributes"] = [
        {
            "id": derived_id("attribute", service.id, term.id),
            "link_id": str(service.id),
            "taxonomy_term_id": term.id,
            "link_type": "service",
            "taxonomy_term": term.as_open_referral(),
        }
        for term in feed.terms.for_category(service.category)
    ]
    return item
