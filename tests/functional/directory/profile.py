"""The Open Referral UK profile's schemas (tests/data/openreferral-uk), made strict.

The profile's schemas allow any extra property, so on their own they would pass a
misspelt field. Here every object also refuses properties the profile does not
define, so each field we publish is checked against the profile's definition of
it. Two documented exceptions:

* ``KNOWN_GAPS``: required by the profile, unknown to us, so left out rather
  than made up (see core/directory/feed.py).
* ``contacts[].phones[]``: phones as HSDS 3.0 nests them; the UK profile's
  compiled service has no other place for a phone. Each is checked against the
  profile's own ``phone.json``.

Formats are checked too: ``uuid`` and ``email`` by jsonschema, ``date-time`` and
``uri`` by the two small checks below (jsonschema leaves them to optional packages).
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DATA = Path(__file__).resolve().parents[2] / "data" / "openreferral-uk"
KNOWN_GAPS = {"address": {"state_province", "city"}}

formats = FormatChecker()


@formats.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    moment = datetime.fromisoformat(value)
    return "T" in value and moment.tzinfo is not None


@formats.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and " " not in value


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def example(name: str) -> Any:
    return load(f"examples/{name}")


def _strict(schema: Any, phone: dict[str, Any]) -> Any:
    if isinstance(schema, list):
        return [_strict(item, phone) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _strict(value, phone) for key, value in schema.items()}
    properties = schema.get("properties")
    if isinstance(properties, dict) and schema.get("type") == "object":
        if "postal_code" in properties:  # an address
            gaps = KNOWN_GAPS["address"]
            schema["required"] = [name for name in schema.get("required", []) if name not in gaps]
        if "title" in properties and "location_type" not in properties:  # a contact
            properties["phones"] = {"type": "array", "items": phone}
        schema["additionalProperties"] = False
    return schema


@cache
def schema(name: str) -> dict[str, Any]:
    phone = load("schema/phone.json")
    phone_strict = _strict(copy.deepcopy(phone), {})
    return _strict(load(f"schema/{name}"), phone_strict)  # type: ignore[no-any-return]


@cache
def registry() -> Registry:
    """The plain schemas refer to each other by file name (``taxonomy_term.json``)."""
    names = [path.name for path in (DATA / "schema").glob("*.json") if path.name != "openapi.json"]
    return Registry().with_resources(
        (name, Resource.from_contents(schema(name), default_specification=DRAFT202012))
        for name in names
    )


def problems(instance: Any, name: str) -> list[str]:
    """Every way ``instance`` breaks the (strict) schema ``name``."""
    validator = Draft202012Validator(schema(name), format_checker=formats, registry=registry())
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def page_problems(page: Any, item_schema: str) -> list[str]:
    """A list answer: the profile's ``Page`` (openapi.json) and each item in ``contents``."""
    page_schema = copy.deepcopy(load("schema/openapi.json")["components"]["schemas"]["Page"])
    page_schema["properties"]["contents"] = {"type": "array"}
    page_schema["required"] = list(page_schema["properties"])
    page_schema["additionalProperties"] = False
    found = [
        f"page: {error.message}" for error in Draft202012Validator(page_schema).iter_errors(page)
    ]
    for number, item in enumerate(page.get("contents", [])):
        found += [f"contents/{number}/{p}" for p in problems(item, item_schema)]
    return found
