"""Import an Open Referral UK feed into a council's directory of community services.

Each organisation becomes an external provider (no users) with a listing store in
this council; each service a free-to-book-elsewhere catalogue item
(``takes_bookings`` off) under the council's categories. Rows are found again by
(council, source, external id), so importing the same feed twice changes nothing
and an edited feed updates in place; with ``pause_missing`` the council's imported
services that the feed no longer lists are paused. One transaction: an import
that fails part-way leaves the directory as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import Auditable, record
from core.clock import uk_today
from core.directory.incoming import Found, Organization, Skipped
from core.directory.incoming import Service as Incoming
from core.directory.mapping import (
    availability_of,
    category_for,
    districts_of,
    email_address,
    price_and_unit,
    web_address,
)
from core.directory.taxonomy import council_terms
from core.marketplace.categories import kinds_of_service
from core.marketplace.models import (
    Provider,
    PublishStatus,
    Service,
    ServiceArea,
    Source,
    Store,
    StoreTier,
    Unit,
    Visibility,
)
from core.postcodes import parse_postcode
from tenants.models import Tenant


@dataclass
class Counts:
    organisations_added: int = 0
    organisations_updated: int = 0
    services_added: int = 0
    services_updated: int = 0
    services_unchanged: int = 0
    services_paused: int = 0
    services_skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class ImportResult:
    counts: Counts = field(default_factory=Counts)
    skipped: list[Skipped] = field(default_factory=list)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "community-service"


@dataclass
class _Directory:
    """This council's imported rows, loaded once."""

    tenant_id: int
    stores: dict[str, Store]
    services: dict[str, Service]
    areas: dict[Any, set[str]]
    slugs: set[str]

    def free_slug(self, name: str) -> str:
        base, number = _slug(name), 1
        slug = base
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        return slug


async def _load(tenant_id: int) -> _Directory:
    stores = await Store.filter(tenant_id=tenant_id, source=Source.OPEN_REFERRAL)
    services = await Service.filter(tenant_id=tenant_id, source=Source.OPEN_REFERRAL)
    areas: dict[Any, set[str]] = {}
    for service_id, district in await ServiceArea.filter(
        tenant_id=tenant_id, service__source=Source.OPEN_REFERRAL
    ).values_list("service_id", "district"):
        areas.setdefault(service_id, set()).add(district)
    return _Directory(
        tenant_id,
        {s.external_id: s for s in stores if s.external_id},
        {s.external_id: s for s in services if s.external_id},
        areas,
        set(await Store.filter(tenant_id=tenant_id).values_list("slug", flat=True)),
    )


def _changed(row: Any, values: dict[str, Any]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    return changed


async def _store_for(
    directory: _Directory, organisation: Organization, services: list[Incoming], counts: Counts
) -> Store:
    phones = [p.number for s in services for c in s.contacts for p in c.phones if p.number]
    phones += [p.number for s in services for p in s.phones if p.number]
    addresses = [a for s in services for a in s.addresses() if a.address_1]
    address = next((a for a in addresses if parse_postcode(a.postal_code)), None)
    values: dict[str, Any] = {
        "name": organisation.name[:200],
        "description": organisation.description,
        "email": email_address(organisation.email, *(s.email for s in services)),
        "website": web_address(organisation.website, organisation.uri, organisation.url),
        "phone": phones[0][:40] if phones else None,
        "address": ", ".join(p for p in (address.address_1, address.city) if p)[:300]
        if address
        else None,
        "postcode": parse_postcode(address.postal_code) if address else None,
    }
    store = directory.stores.get(organisation.id)
    if store is None:
        provider = await Provider.create(name=values["name"], external=True)
        store = await Store.create(
            tenant_id=directory.tenant_id,
            provider=provider,
            slug=directory.free_slug(values["name"]),
            tier=StoreTier.LISTING,
            status=PublishStatus.LIVE,
            source=Source.OPEN_REFERRAL,
            external_id=organisation.id,
            **values,
        )
        directory.stores[organisation.id] = store
        counts.organisations_added += 1
    elif changed := _changed(store, values):
        await store.save(update_fields=changed)
        if "name" in changed:
            await Provider.filter(id=store.provider_id, external=True).update(name=values["name"])
        counts.organisations_updated += 1
    return store


async def _apply_service(
    directory: _Directory,
    store: Store,
    incoming: Incoming,
    category: str,
    today: date,
    counts: Counts,
) -> None:
    pence, unit = price_and_unit(incoming, today)
    service = directory.services.get(incoming.id)
    values: dict[str, Any] = {
        "store_id": store.id,
        "title": incoming.name[:200],
        "description": incoming.description,
        "category": category,
        "unit": unit or (service.unit if service else Unit.SESSION),
        "unit_price_pence": pence,
        "availability": availability_of(incoming),
        "takes_bookings": False,
        "status": PublishStatus.LIVE if incoming.status == "active" else PublishStatus.PAUSED,
    }
    districts = districts_of(incoming, store.postcode)
    if service is None:
        service = await Service.create(
            tenant_id=directory.tenant_id,
            visibility=Visibility.PUBLIC,
            source=Source.OPEN_REFERRAL,
            external_id=incoming.id,
            minimum_units=1,
            **values,
        )
        directory.services[incoming.id] = service
        counts.services_added += 1
        had: set[str] = set()
    else:
        had = directory.areas.get(service.id, set())
        changed = _changed(service, values)
        if changed:
            await service.save(update_fields=changed)
        if changed or had != districts:
            counts.services_updated += 1
        else:
            counts.services_unchanged += 1
    if gone := sorted(had - districts):
        await ServiceArea.filter(service_id=service.id, district__in=gone).delete()
    if districts - had:
        await ServiceArea.bulk_create(
            [
                ServiceArea(tenant_id=directory.tenant_id, service_id=service.id, district=d)
                for d in sorted(districts - had)
            ]
        )
    directory.areas[service.id] = districts


async def import_services(
    actor: Auditable,
    tenant_id: int,
    found: Found,
    *,
    source: str,
    pause_missing: bool,
    today: date | None = None,
) -> ImportResult:
    """Bring the checked services into the council's directory (see the module's note)."""
    today = today or uk_today()
    result = ImportResult(skipped=list(found.skipped))
    counts = result.counts
    async with in_transaction():
        # One import per council at a time (PostgreSQL row lock; SQLite locks the file).
        await Tenant.filter(id=tenant_id).select_for_update().first()
        directory = await _load(tenant_id)
        ours, kinds = await council_terms(tenant_id), await kinds_of_service(tenant_id)
        by_organisation: dict[str, list[Incoming]] = {}
        organisations: dict[str, Organization] = {}
        for service in found.services:
            assert service.organization is not None
            organisations.setdefault(service.organization.id, service.organization)
            by_organisation.setdefault(service.organization.id, []).append(service)
        for key, services in by_organisation.items():
            store = await _store_for(directory, organisations[key], services, counts)
            for service in services:
                category = category_for(service.terms(), ours, kinds)
                await _apply_service(directory, store, service, category, today, counts)
        if pause_missing:
            # A service the feed still lists, even one it lists badly, is not missing.
            listed = found.listed | {service.id for service in found.services}
            missing = [
                row.id
                for external_id, row in directory.services.items()
                if external_id not in listed and row.status == PublishStatus.LIVE
            ]
            for start in range(0, len(missing), 500):
                await Service.filter(id__in=missing[start : start + 500]).update(
                    status=PublishStatus.PAUSED
                )
            counts.services_paused = len(missing)
        counts.services_skipped = len(result.skipped)
        await record(
            tenant_id,
            AuditAction.DIRECTORY_IMPORTED,
            actor,
            target_type="directory",
            target_label=source[:300],
            details={**counts.as_dict(), "pause_missing": pause_missing},
        )
    return result
