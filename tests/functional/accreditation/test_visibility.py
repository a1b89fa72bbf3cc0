"""Kitemark councils show only the providers they accredited; open councils show everyone
(accreditation earns the badge). Visibility is core.marketplace.visibility's one rule."""

from __future__ import annotations

from core.accreditation import services
from core.accreditation.evidence import Registrations
from core.accreditation.policy import accreditation_policy
from core.identity.actor import Actor
from core.marketplace.visibility import accredited_provider_ids, visible_services
from tests.functional.accreditation.conftest import council, firm, in_days, officer, officer_actor


async def visible_titles(app, tenant) -> set[str]:
    policy = accreditation_policy(app.state.runtime.plugins_for(tenant))
    query = await visible_services(Actor(tenant=tenant), policy)
    return set(await query.values_list("title", flat=True))


async def test_kitemark_hides_a_provider_until_accredited_and_while_suspended(app, registry):
    tenant = await council(registry, "kitemark", badge_label="Testshire Approved")
    vetted, unvetted = await firm(tenant), await firm(tenant)
    runtime = app.state.runtime
    assert accreditation_policy(runtime.plugins_for(tenant)).listing_needs_accreditation
    assert await visible_titles(app, tenant) == set()

    accreditation = await services.apply(
        runtime, vetted.actor(tenant), registrations=Registrations("1-545611283")
    )
    assert await visible_titles(app, tenant) == set()  # applying is not enough
    actor = officer_actor(await officer(tenant))
    await services.decide(runtime, actor, accreditation.id, "accredit", expires_on=in_days(90))
    assert await visible_titles(app, tenant) == {vetted.service.title}
    assert await accredited_provider_ids(tenant.id) == {vetted.provider.id}

    await services.decide(runtime, actor, accreditation.id, "suspend", reason="Concern")
    assert await visible_titles(app, tenant) == set()
    assert unvetted.service.title not in await visible_titles(app, tenant)


async def test_open_councils_list_everyone_and_badge_the_accredited(app, registry):
    tenant = await council(registry, "open", badge_label="Testshire Approved")
    vetted, unvetted = await firm(tenant), await firm(tenant)
    runtime = app.state.runtime
    policy = accreditation_policy(runtime.plugins_for(tenant))
    assert not policy.listing_needs_accreditation and policy.badge_label == "Testshire Approved"
    assert await visible_titles(app, tenant) == {vetted.service.title, unvetted.service.title}

    accreditation = await services.apply(
        runtime, vetted.actor(tenant), registrations=Registrations("1-545611283")
    )
    await services.decide(
        runtime,
        officer_actor(await officer(tenant)),
        accreditation.id,
        "accredit",
        expires_on=in_days(90),
    )
    assert await visible_titles(app, tenant) == {vetted.service.title, unvetted.service.title}
    assert await accredited_provider_ids(tenant.id) == {vetted.provider.id}


async def test_without_the_plugin_a_council_is_open(app, registry):
    tenant = await council(registry, None)
    company = await firm(tenant)
    assert await visible_titles(app, tenant) == {company.service.title}


async def test_accreditation_in_one_council_means_nothing_in_another(app, registry):
    vetting, other = await council(registry, "kitemark"), await council(registry, "kitemark")
    company = await firm(vetting)
    accreditation = await services.apply(
        app.state.runtime, company.actor(vetting), registrations=Registrations("1-545611283")
    )
    await services.decide(
        app.state.runtime,
        officer_actor(await officer(vetting)),
        accreditation.id,
        "accredit",
        expires_on=in_days(90),
    )
    assert await accredited_provider_ids(other.id) == set()
