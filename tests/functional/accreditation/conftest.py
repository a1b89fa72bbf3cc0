"""Councils with an accreditation policy, providers with a live store, officers, files."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from core.clock import uk_today
from core.identity.actor import Actor
from core.identity.models import Membership
from core.marketplace.models import (
    Provider,
    ProviderRole,
    ProviderUser,
    PublishStatus,
    Service,
    Store,
    Unit,
)
from tenants.models import Tenant
from tests.factories import make_tenant
from tests.support.members import SAME_ORIGIN, make_member

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
NOT_A_DOCUMENT = b"MZ\x90\x00 this is a Windows program, not a certificate"
_numbers = itertools.count(1)


async def council(registry: Any, mode: str | None = "open", **config: Any) -> Tenant:
    """A council with the accreditation plugin in ``mode`` (``None``: no plugin, the default)."""
    if mode is None:
        return await make_tenant(registry=registry)
    return await make_tenant(registry=registry, plugins={"accreditation": {"mode": mode, **config}})


@dataclass
class Firm:
    """A provider with a live store and service in one council, and its people there."""

    provider: Provider
    store: Store
    service: Service
    owner: Membership

    def actor(self, tenant: Tenant) -> Actor:
        return Actor(tenant=tenant, user=self.owner.user, membership=self.owner)


async def firm(tenant: Tenant, name: str | None = None) -> Firm:
    number = next(_numbers)
    name = name or f"Kindly Care {number} Ltd"
    owner = await make_member(
        tenant, ["provider_owner"], name=f"Owen Owner {number}", email=f"owner{number}@care.example"
    )
    provider = await Provider.create(name=name)
    await ProviderUser.create(provider=provider, user=owner.user, role=ProviderRole.OWNER)
    store = await Store.create(
        tenant=tenant,
        provider=provider,
        name=name,
        slug=f"kindly-{number}",
        status=PublishStatus.LIVE,
    )
    service = await Service.create(
        tenant_id=tenant.id,
        store=store,
        title=f"Home care {number}",
        category="personal-care",
        unit=Unit.HOUR,
        unit_price_pence=2_400,
        status=PublishStatus.LIVE,
    )
    return Firm(provider, store, service, owner)


async def colleague(tenant: Tenant, company: Firm, role: ProviderRole) -> Membership:
    member = await make_member(tenant, [f"provider_{role.value}"])
    await ProviderUser.create(provider=company.provider, user=member.user, role=role)
    return member


async def officer(tenant: Tenant, role: str = "council_officer") -> Membership:
    return await make_member(
        tenant, [role], name="Olu Officer", email=f"{role}{next(_numbers)}@{tenant.slug}.example"
    )


def officer_actor(member: Membership) -> Actor:
    return Actor(tenant=member.tenant, user=member.user, membership=member)


def date_fields(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def in_days(days: int) -> date:
    return uk_today() + timedelta(days=days)


async def post_evidence(
    client: httpx.AsyncClient,
    data: dict[str, str],
    files: dict[str, tuple[str, bytes, str]] | None = None,
    path: str = "/provider/accreditation",
) -> httpx.Response:
    """Post the provider's multipart form as the browser would."""
    return await client.post(
        path,
        data=data,
        files=files or {"document": ("", b"", "application/octet-stream")},
        headers=SAME_ORIGIN,
    )
