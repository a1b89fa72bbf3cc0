"""Reading an Open Referral UK feed someone else publishes: what counts as a feed, and
each service checked against the profile before it is used.

The profile's rules that matter to an import are enforced here with pydantic (a
service needs an id, a name and a status from the profile's list; an organisation
an id and a name; amounts are numbers; lists are lists); everything else is read
leniently, so one odd optional field does not lose a whole service. Version 2 of
the UK profile (``service_taxonomys``, ``physical_addresses``) is still common and
read too. A service that fails is skipped with its reason; the rest go ahead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

MAX_SERVICES = 10_000
STATUSES = ("active", "inactive", "defunct", "temporarily closed")
NESTED_KEYS = (
    "service_areas",
    "service_at_locations",
    "cost_options",
    "attributes",
    "contacts",
    "schedules",
    "service_taxonomys",
)


class FeedRefused(Exception):
    """The whole feed cannot be imported; the message says why, in plain words
    (and ``skipped`` which of its services failed the profile's rules, if that is why)."""

    def __init__(self, message: str, skipped: list[Skipped] | None = None) -> None:
        super().__init__(message)
        self.skipped = skipped or []


def _text(value: Any) -> Any:
    """Ids are strings in the profile; some feeds send numbers."""
    if isinstance(value, bool):
        return value
    return str(value) if isinstance(value, int | float) else value


def _blank_none(value: Any) -> Any:
    return "" if value is None else _text(value)


Id = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=200)]
Text = Annotated[str, BeforeValidator(_blank_none)]


class Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class Term(Lenient):
    id: Text = ""
    name: Text = ""
    term: Text = ""
    taxonomy: Text = ""
    vocabulary: Text = ""  # version 2's name for the taxonomy


class Attribute(Lenient):
    taxonomy_term_id: Text = ""
    taxonomy_term: Term | None = None


class TaxonomyLink(Lenient):  # version 2: service_taxonomys[].taxonomy
    taxonomy: Term | None = None


class Address(Lenient):
    address_1: Text = ""
    city: Text = ""
    postal_code: Text = ""


class Location(Lenient):
    name: Text = ""
    addresses: list[Address] = []
    physical_addresses: list[Address] = []  # version 2


class ServiceAtLocation(Lenient):
    location: Location | None = None


class ServiceArea(Lenient):
    name: Text = ""
    service_area: Text = ""
    extent: Text = ""
    extent_type: Text = ""


class CostOption(Lenient):
    option: Text = ""
    amount: float | None = Field(default=None, ge=0, le=1_000_000)
    amount_description: Text = ""
    valid_from: Text = ""
    valid_to: Text = ""


class Phone(Lenient):
    number: Text = ""


class Contact(Lenient):
    phones: list[Phone] = []


class Schedule(Lenient):
    freq: Text = ""
    byday: Text = ""
    opens_at: Text = ""
    closes_at: Text = ""


class Organization(Lenient):
    id: Id
    name: Annotated[str, BeforeValidator(_text), Field(min_length=1)]
    description: Text = ""
    email: Text = ""
    website: Text = ""
    uri: Text = ""
    url: Text = ""  # version 2


class Service(Lenient):
    """A service as the UK profile describes it (the fields an import uses)."""

    id: Id
    name: Annotated[str, BeforeValidator(_text), Field(min_length=1)]
    status: Literal["active", "inactive", "defunct", "temporarily closed"]
    description: Text = ""
    email: Text = ""
    fees: Text = ""
    organization: Organization | None = None
    service_areas: list[ServiceArea] = []
    service_at_locations: list[ServiceAtLocation] = []
    cost_options: list[CostOption] = []
    contacts: list[Contact] = []
    phones: list[Phone] = []
    schedules: list[Schedule] = []
    regular_schedules: list[Schedule] = []  # version 2
    attributes: list[Attribute] = []
    service_taxonomys: list[TaxonomyLink] = []  # version 2

    def terms(self) -> list[Term]:
        found = [a.taxonomy_term for a in self.attributes if a.taxonomy_term is not None]
        found += [Term(id=a.taxonomy_term_id) for a in self.attributes if not a.taxonomy_term]
        found += [link.taxonomy for link in self.service_taxonomys if link.taxonomy]
        return found

    def addresses(self) -> list[Address]:
        return [
            address
            for place in self.service_at_locations
            if place.location is not None
            for address in (*place.location.addresses, *place.location.physical_addresses)
        ]


@dataclass(frozen=True)
class Skipped:
    item: str
    reason: str


@dataclass(frozen=True)
class Found:
    """A feed's services, checked: ``services`` to import, ``skipped`` with reasons, and
    ``listed``: the id of every service the feed lists, good or not."""

    services: list[Service]
    skipped: list[Skipped]
    listed: frozenset[str] = frozenset()


def read_json(data: bytes, what: str = "The file") -> Any:
    if not data.strip():
        raise FeedRefused(f"{what} is empty")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FeedRefused(f"{what} is not text in UTF-8, so it cannot be JSON") from None
    except (json.JSONDecodeError, RecursionError) as error:
        detail = f": {error.msg} at line {error.lineno}" if hasattr(error, "msg") else ""
        raise FeedRefused(f"{what} is not valid JSON{detail}") from None


def is_page(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("contents"), list)


def is_index(document: Any) -> bool:
    """The API's ``GET /`` answer: ``version`` and ``profile``/``openapi_url``, no items."""
    return (
        isinstance(document, dict)
        and "version" in document
        and ("profile" in document or "openapi_url" in document)
        and not is_page(document)
        and "name" not in document
    )


def is_list_item(item: Any) -> bool:
    """A ``/services`` list item: one-to-one fields only, the details are elsewhere."""
    return isinstance(item, dict) and not any(key in item for key in NESTED_KEYS)


def raw_items(document: Any) -> list[Any]:
    """The services or organisations a document holds, in order."""
    if is_page(document):
        return list(document["contents"])
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        return [document]
    raise FeedRefused(
        "This is not an Open Referral UK feed: expected a list of services or "
        "organisations, a page of them, or one service or organisation"
    )


def _describe(item: Any, position: int) -> str:
    if isinstance(item, dict):
        name = item.get("name")
        ident = item.get("id")
        if isinstance(name, str) and name.strip():
            return f"“{name.strip()[:80]}”"
        if isinstance(ident, str | int) and str(ident).strip():
            return f"item with id {str(ident)[:80]}"
    return f"item {position}"


def _reasons(error: ValidationError) -> str:
    parts = []
    for problem in error.errors()[:3]:
        where = ".".join(str(part) for part in problem["loc"]) or "item"
        if problem["type"] == "missing":
            parts.append(f"{where} is missing")
        elif problem["type"] == "literal_error":
            parts.append(f"{where} must be one of: {', '.join(STATUSES)}")
        else:
            parts.append(f"{where}: {problem['msg'].lower()}")
    return "; ".join(parts)


def check_items(items: list[Any]) -> Found:
    """Services from raw items (organisations are opened up), checked against the profile."""
    services: list[Service] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    listed: set[str] = set()
    flat: list[tuple[str, Any]] = []
    for position, item in enumerate(items, start=1):
        if isinstance(item, dict) and isinstance(item.get("services"), list):
            owner = {key: value for key, value in item.items() if key != "services"}
            for inner in item["services"]:
                if isinstance(inner, dict) and not inner.get("organization"):
                    inner = {**inner, "organization": owner}
                flat.append((_describe(inner, position), inner))
        else:
            flat.append((_describe(item, position), item))
    if len(flat) > MAX_SERVICES:
        raise FeedRefused(f"The feed has {len(flat):,} services; at most {MAX_SERVICES:,} at once")
    for label, item in flat:
        if not isinstance(item, dict):
            skipped.append(Skipped(label, "it is not a JSON object"))
            continue
        if isinstance(item.get("id"), str | int):
            listed.add(str(item["id"]).strip())
        try:
            service = Service.model_validate(item)
        except ValidationError as error:
            skipped.append(Skipped(label, _reasons(error)))
            continue
        if service.organization is None:
            skipped.append(Skipped(label, "it has no organization, so we cannot say who runs it"))
            continue
        if service.id in seen:
            skipped.append(Skipped(label, f"the id {service.id} appears more than once"))
            continue
        seen.add(service.id)
        services.append(service)
    return Found(services, skipped, frozenset(listed))


def read_feed(data: bytes, what: str = "The file") -> Found:
    """A feed file's services; FeedRefused if it is not a feed or has none to import."""
    found = check_items(raw_items(read_json(data, what)))
    if not found.services and not found.skipped:
        raise FeedRefused(f"{what} has no services in it")
    return found
