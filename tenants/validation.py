"""Rules for tenant slugs and host names."""

from __future__ import annotations

import re

from core.errors import FieldProblem, InvalidInput

SLUG = re.compile(r"^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$")
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Sub-domains the platform keeps for itself.
RESERVED_SLUGS = frozenset({"www", "api", "admin", "platform", "static", "media", "mail", "status"})


def check_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not SLUG.match(slug) or "--" in slug:
        raise InvalidInput(
            f"{slug!r} cannot be a council's short name",
            [
                FieldProblem(
                    "slug",
                    "use 1-63 lower-case letters, digits and single hyphens, "
                    "starting with a letter",
                )
            ],
        )
    if slug in RESERVED_SLUGS:
        raise InvalidInput(
            f"{slug!r} is reserved", [FieldProblem("slug", "is reserved for the platform")]
        )
    return slug


def normalise_host(host: str) -> str:
    """Lower-case, strip a port and a trailing dot: how a Host header is compared."""
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal: never a tenant
        return host
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


def check_domain(domain: str) -> str:
    domain = normalise_host(domain)
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(HOST_LABEL.match(x) for x in labels):
        raise InvalidInput(
            f"{domain!r} is not a host name",
            [FieldProblem("domain", "must be a host name such as care.example.gov.uk")],
        )
    return domain


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not 1 <= len(name) <= 200:
        raise InvalidInput(
            "a council needs a name", [FieldProblem("name", "give 1-200 characters")]
        )
    return name
