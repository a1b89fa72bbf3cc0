"""Which site a request is for, from its host name only (never a client-set field)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tenants.models import Tenant, TenantDomain
from tenants.validation import normalise_host

# Every council request starts here, so the statement is written once rather than built
# by the query builder each time (about half the cost of the lookup).
_TENANT_BY_SLUG = {
    "postgres": 'SELECT * FROM "tenant" WHERE "slug" = $1 LIMIT 1',
    "sqlite": 'SELECT * FROM "tenant" WHERE "slug" = ? LIMIT 1',
}


class SiteKind(StrEnum):
    PLATFORM = "platform"
    TENANT = "tenant"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class HostMatch:
    kind: SiteKind
    tenant: Tenant | None = None


async def tenant_by_slug(slug: str) -> Tenant | None:
    """``Tenant.get_or_none(slug=slug)``, cheaper: a fixed statement, read into a model
    the way Tortoise's own executor does (a test holds the two to the same answer)."""
    client = Tenant._meta.db
    statement = _TENANT_BY_SLUG.get(client.capabilities.dialect)
    if statement is None:
        return await Tenant.get_or_none(slug=slug)
    rows = await client.execute_query_dict(statement, [slug])
    return Tenant._init_from_db(**rows[0]) if rows else None


async def resolve_host(host: str, base_domain: str) -> HostMatch:
    """``<base>`` and ``www.<base>`` are the platform; ``<slug>.<base>`` or a council's own
    domain is that council; anything else is unknown. One indexed query at most."""
    host = normalise_host(host)
    if host in (base_domain, f"www.{base_domain}"):
        return HostMatch(SiteKind.PLATFORM)
    suffix = "." + base_domain
    tenant: Tenant | None
    if host.endswith(suffix) and "." not in host[: -len(suffix)]:
        tenant = await tenant_by_slug(host[: -len(suffix)])
    else:
        domain = await TenantDomain.get_or_none(domain=host).select_related("tenant")
        tenant = domain.tenant if domain else None
    if tenant is None:
        return HostMatch(SiteKind.UNKNOWN)
    return HostMatch(SiteKind.TENANT, tenant)
