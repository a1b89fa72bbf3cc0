"""Which site a request is for, from its host name only (never a client-set field)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tenants.models import Tenant, TenantDomain
from tenants.validation import normalise_host


class SiteKind(StrEnum):
    PLATFORM = "platform"
    TENANT = "tenant"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class HostMatch:
    kind: SiteKind
    tenant: Tenant | None = None


async def resolve_host(host: str, base_domain: str) -> HostMatch:
    """``<base>`` and ``www.<base>`` are the platform; ``<slug>.<base>`` or a council's own
    domain is that council; anything else is unknown. One indexed query at most."""
    host = normalise_host(host)
    if host in (base_domain, f"www.{base_domain}"):
        return HostMatch(SiteKind.PLATFORM)
    suffix = "." + base_domain
    tenant: Tenant | None
    if host.endswith(suffix) and "." not in host[: -len(suffix)]:
        tenant = await Tenant.get_or_none(slug=host[: -len(suffix)])
    else:
        domain = await TenantDomain.get_or_none(domain=host).select_related("tenant")
        tenant = domain.tenant if domain else None
    if tenant is None:
        return HostMatch(SiteKind.UNKNOWN)
    return HostMatch(SiteKind.TENANT, tenant)
