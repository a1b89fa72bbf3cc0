"""Every council request looks its council up by the host's first label with a fixed
statement; the council it reads is the one Tortoise's query builder would read."""

from __future__ import annotations

from datetime import UTC, datetime

from tenants import services
from tenants.models import Tenant, TenantStatus
from tenants.resolution import tenant_by_slug
from tests.factories import make_tenant


def fields(tenant: Tenant) -> dict[str, object]:
    return {name: getattr(tenant, name) for name in Tenant._meta.db_fields}


async def test_the_fast_lookup_reads_the_same_council_as_the_orm(app):
    await make_tenant("elsewhere")
    tenant = await make_tenant(
        "lookupshire",
        "Lookupshire Council",
        plugins={"service-notice": {"title": "Hello", "text": "We have moved."}},
    )
    await services.set_status(tenant, TenantStatus.SUSPENDED, "Moving to a new system.")

    fast = await tenant_by_slug("lookupshire")
    orm = await Tenant.get(slug="lookupshire")
    assert fast is not None and fields(fast) == fields(orm)
    assert fast.status == TenantStatus.SUSPENDED and not fast.is_active
    assert fast.created_at.tzinfo is not None
    assert fast.created_at.astimezone(UTC) <= datetime.now(UTC)
    assert isinstance(fast.plugins, type(orm.plugins))
    await fast.save()  # a model read this way can be saved like any other
    assert await tenant_by_slug("nowhere") is None
