"""Search pages take a council's kinds of service from memory while its configuration is
unchanged; a category an officer adds (in any process) is on the very next request."""

from __future__ import annotations

from core.marketplace import categories
from core.marketplace.categories import add_category, kinds_for
from tenants.models import Tenant
from tests.factories import make_tenant
from tests.support.budgets import officer_actor
from tests.support.db_queries import counting_queries


async def codes(tenant: Tenant) -> list[str]:
    return [kind.code for kind in await kinds_for(tenant)]


async def test_kinds_are_loaded_once_then_reloaded_when_a_category_is_added(app):
    tenant = await make_tenant("kindshire")
    before = await codes(tenant)
    assert "hydrotherapy" not in before
    with counting_queries() as statements:
        assert await codes(tenant) == before
    assert statements == []

    await add_category(
        await officer_actor(tenant),
        code="hydrotherapy",
        label="Hydrotherapy",
        parent_code="therapy",
    )
    # The next request reads the council afresh, with its new configuration version.
    fresh = await Tenant.get(id=tenant.id)
    assert fresh.config_version == tenant.config_version + 1
    after = await codes(fresh)
    assert after.index("hydrotherapy") == after.index("therapy") + 1


async def test_a_council_made_again_with_the_same_id_never_sees_the_old_kinds(app):
    first = await make_tenant("oncethere")
    categories._KINDS[first.id] = ((first.config_version, first.created_at), [])
    assert await codes(first) == []
    again = await Tenant.get(id=first.id)
    again.created_at = again.created_at.replace(year=again.created_at.year + 1)
    assert await codes(again) != []
