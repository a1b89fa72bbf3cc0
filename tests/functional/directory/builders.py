"""Stores and services for the directory tests, built straight into the database."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import httpx

from core.marketplace.models import (
    Provider,
    PublishStatus,
    Service,
    ServiceArea,
    Store,
    Unit,
    Visibility,
)
from tenants.models import Tenant

_numbers = itertools.count(1)


async def make_store(
    tenant: Tenant,
    name: str,
    *,
    status: PublishStatus = PublishStatus.LIVE,
    **fields: Any,
) -> Store:
    provider = await Provider.create(name=name)
    return await Store.create(
        tenant=tenant,
        provider=provider,
        name=name,
        slug=f"store-{next(_numbers)}",
        status=status,
        description=fields.pop("description", f"{name} helps people in the borough."),
        **fields,
    )


async def make_service(
    store: Store,
    title: str,
    *,
    category: str = "personal-care",
    price: int = 2_000,
    unit: Unit = Unit.HOUR,
    status: PublishStatus = PublishStatus.LIVE,
    visibility: Visibility = Visibility.PUBLIC,
    areas: Mapping[str, int | None] | None = None,
    **fields: Any,
) -> Service:
    service = await Service.create(
        tenant_id=store.tenant_id,
        store=store,
        title=title,
        description=fields.pop("description", f"{title}, at home or nearby."),
        category=category,
        unit=unit,
        unit_price_pence=price,
        status=status,
        visibility=visibility,
        **fields,
    )
    for district, price_pence in (areas or {}).items():
        await ServiceArea.create(
            tenant_id=store.tenant_id, service=service, district=district, price_pence=price_pence
        )
    return service


async def every_page(client: httpx.AsyncClient, path: str, per_page: int = 2) -> list[Any]:
    """All items of a paged list, following total_pages."""
    items: list[Any] = []
    page = 1
    while True:
        answer = await client.get(path, params={"page": page, "per_page": per_page})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["contents"]
        if body["last_page"]:
            return items
        page += 1


async def full_services(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every published service, fully nested (as a consumer of the feed would collect)."""
    listed = await every_page(client, "/openreferral/services")
    full = []
    for item in listed:
        answer = await client.get(f"/openreferral/services/{item['id']}")
        assert answer.status_code == 200, answer.text
        full.append(answer.json())
    return full
