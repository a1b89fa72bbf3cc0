"""Marketplace data for the search and compare tests: providers, stores, services, areas,
reviews and accreditations, made directly (the catalogue's own rules are tested there)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from core.accreditation.models import Accreditation, AccreditationStatus
from core.identity.actor import Actor
from core.identity.models import Membership
from core.marketplace.models import (
    CaseStudy,
    PrivateAudience,
    Provider,
    PublishStatus,
    Review,
    Service,
    ServiceArea,
    Store,
    Unit,
    Visibility,
)
from tenants.models import Tenant
from tests.support.members import make_member

_numbers = itertools.count(1)


async def make_store(
    tenant: Tenant, name: str | None = None, *, status: PublishStatus = PublishStatus.LIVE
) -> Store:
    number = next(_numbers)
    name = name or f"Provider {number}"
    provider = await Provider.create(name=name)
    return await Store.create(
        tenant=tenant, provider=provider, name=name, slug=f"store-{number}", status=status
    )


async def make_service(
    store: Store,
    title: str,
    *,
    description: str = "",
    category: str = "personal-care",
    unit: Unit = Unit.HOUR,
    price: int = 2_000,
    areas: Mapping[str, int | None] | None = None,
    status: PublishStatus = PublishStatus.LIVE,
    visibility: Visibility = Visibility.PUBLIC,
    availability: Mapping[str, Sequence[str]] | None = None,
    takes_bookings: bool = True,
) -> Service:
    """A live public service; ``areas`` is ``{district: area price or None}`` (HA1 by default)."""
    service = await Service.create(
        tenant_id=store.tenant_id,  # type: ignore[attr-defined]
        store=store,
        title=title,
        description=description,
        category=category,
        unit=unit,
        unit_price_pence=price,
        status=status,
        visibility=visibility,
        availability=dict(availability or {}),
        takes_bookings=takes_bookings,
    )
    for district, area_price in (areas if areas is not None else {"HA1": None}).items():
        await ServiceArea.create(
            tenant_id=service.tenant_id, service=service, district=district, price_pence=area_price
        )
    return service


async def review(service: Service, *ratings: int) -> None:
    """One review per rating, each by a new member of the service's council."""
    tenant = await Tenant.get(id=service.tenant_id)
    for rating in ratings:
        author = await make_member(tenant, ["person"], password=None)
        await Review.create(
            tenant_id=service.tenant_id, service=service, author=author, rating=rating
        )


async def accredit(
    store: Store,
    *,
    status: AccreditationStatus = AccreditationStatus.ACCREDITED,
    expires_on: date | None = None,
) -> Accreditation:
    return await Accreditation.create(
        tenant_id=store.tenant_id,  # type: ignore[attr-defined]
        provider_id=store.provider_id,  # type: ignore[attr-defined]
        status=status,
        expires_on=expires_on,
    )


async def offer_privately(service: Service, member: Membership) -> None:
    await PrivateAudience.create(tenant_id=service.tenant_id, service=service, membership=member)


async def case_study(store: Store, title: str, body: str = "How it went.") -> CaseStudy:
    return await CaseStudy.create(
        tenant_id=store.tenant_id,  # type: ignore[attr-defined]
        store=store,
        title=title,
        body=body,
    )


def actor_for(tenant: Tenant, member: Membership | None = None) -> Actor:
    return Actor(tenant=tenant, user=getattr(member, "user", None), membership=member)


def titles(results: Any) -> list[str]:
    return [item.title for item in results.items]
