"""Onboarding and configuring councils: validation, conflicts and config versions."""

from __future__ import annotations

import pytest

from core.errors import Conflict, InvalidInput, NotFound
from tenants import services
from tenants.models import Tenant, TenantStatus
from tenants.resolution import SiteKind, resolve_host
from tests.factories import make_tenant

pytestmark = pytest.mark.usefixtures("db")


async def test_create_tenant_with_its_own_domain():
    tenant = await services.create_tenant(
        "eastham", "  East   Ham Council ", ["Care.EastHam.example"], base_domain="localhost"
    )
    await tenant.fetch_related("domains")
    assert tenant.name == "East Ham Council"
    assert [d.domain for d in tenant.domains] == ["care.eastham.example"]
    assert tenant.status == TenantStatus.ACTIVE


async def test_duplicate_slug_and_domain_are_conflicts():
    await make_tenant("dupe", domains=("care.dupe.example",))
    with pytest.raises(Conflict, match="already exists"):
        await services.create_tenant("dupe", "Again", base_domain="localhost")
    with pytest.raises(Conflict, match="already used"):
        await services.create_tenant(
            "other", "Other", ["care.dupe.example"], base_domain="localhost"
        )
    assert await Tenant.all().count() == 1


async def test_domain_under_the_platform_domain_is_refused():
    with pytest.raises(InvalidInput, match="under the platform"):
        await services.create_tenant(
            "shadow", "Shadow", ["riverbend.localhost"], base_domain="localhost"
        )


async def test_configuring_plugins_bumps_the_version_and_is_stored_in_order(registry):
    tenant = await make_tenant()
    before = tenant.config_version
    tenant = await services.configure_plugins(
        tenant,
        registry,
        enable=["service-notice", "council-branding"],
        settings={
            "service-notice": {"text": "Hello", "paths": ["/contact"]},
            "council-branding": {"contact.phone": "01632 960 000"},
        },
    )
    assert tenant.config_version == before + 1
    assert [entry["name"] for entry in tenant.plugins] == ["service-notice", "council-branding"]
    assert tenant.plugins[1]["config"] == {"contact": {"phone": "01632 960 000"}}


async def test_refused_config_changes_nothing_and_names_plugin_and_field(registry):
    tenant = await make_tenant(plugins={"council-branding": {}}, registry=registry)
    version = tenant.config_version
    with pytest.raises(InvalidInput) as refused:
        await services.configure_plugins(
            tenant, registry, settings={"council-branding": {"brand_colour": "#fff000"}}
        )
    assert refused.value.problems[0].field == "council-branding.brand_text_colour"
    await tenant.refresh_from_db()
    assert tenant.config_version == version
    assert tenant.plugins[0]["config"] == {}


async def test_settings_for_a_plugin_that_is_not_enabled_are_refused(registry):
    tenant = await make_tenant()
    with pytest.raises(InvalidInput, match="enable it first"):
        await services.configure_plugins(
            tenant, registry, settings={"service-notice": {"text": "x"}}
        )


async def test_unset_returns_a_setting_to_its_default(registry):
    tenant = await make_tenant(
        plugins={"council-branding": {"service_name": "Care Shop"}}, registry=registry
    )
    tenant = await services.configure_plugins(
        tenant, registry, unset={"council-branding": ["service_name"]}
    )
    assert tenant.plugins[0]["config"] == {}


async def test_disable_removes_the_plugin(registry):
    tenant = await make_tenant(plugins={"council-branding": {}}, registry=registry)
    tenant = await services.configure_plugins(tenant, registry, disable=["council-branding"])
    assert tenant.plugins == []
    with pytest.raises(InvalidInput, match="not enabled"):
        await services.configure_plugins(tenant, registry, disable=["council-branding"])


async def test_suspending_needs_a_reason():
    tenant = await make_tenant()
    with pytest.raises(InvalidInput) as refused:
        await services.set_status(tenant, TenantStatus.SUSPENDED, "  ")
    assert refused.value.problems[0].field == "reason"


async def test_get_tenant_unknown_is_not_found():
    with pytest.raises(NotFound):
        await services.get_tenant("nowhere")


async def test_host_resolution_platform_tenant_custom_domain_and_unknown():
    tenant = await make_tenant("resolvia", domains=("care.resolvia.example",))
    assert (await resolve_host("localhost:8000", "localhost")).kind == SiteKind.PLATFORM
    assert (await resolve_host("www.localhost", "localhost")).kind == SiteKind.PLATFORM
    by_slug = await resolve_host("RESOLVIA.localhost", "localhost")
    by_domain = await resolve_host("care.resolvia.example", "localhost")
    assert by_slug.tenant.id == by_domain.tenant.id == tenant.id
    assert (await resolve_host("deep.resolvia.localhost", "localhost")).kind == SiteKind.UNKNOWN
    assert (await resolve_host("other.example", "localhost")).kind == SiteKind.UNKNOWN
