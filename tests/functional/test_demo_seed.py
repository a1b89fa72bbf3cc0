"""The demo `make run` seeds: a marketplace a visitor can use in each council, made once."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from tortoise.models import Model

from core.accreditation.models import Accreditation, AccreditationStatus, Decision, Evidence
from core.accreditation.services import policy_for, queue
from core.audit.models import AuditEvent
from core.clock import uk_today
from core.directory.jobs import JOB_NAME
from core.email.models import EmailMessage
from core.identity.actor import Actor, anonymous
from core.identity.models import Membership, User
from core.jobs.models import JobRun
from core.marketplace.categories import kinds_of_service
from core.marketplace.models import (
    CaseStudy,
    PrivateAudience,
    Provider,
    ProviderUser,
    Review,
    Service,
    ServiceArea,
    Source,
    Store,
    StoreTier,
)
from core.marketplace.search import SearchQuery, SearchResult, SearchResults, search
from core.marketplace.visibility import visible_services
from core.runtime import Runtime
from tenants.demo import seed_demo
from tenants.models import Tenant
from tests.support.members import sign_in

# Rows the seed makes; a second seed must add none of them.
SEEDED: tuple[type[Model], ...] = (
    Tenant,
    User,
    Membership,
    Provider,
    ProviderUser,
    Store,
    Service,
    ServiceArea,
    PrivateAudience,
    CaseStudy,
    Review,
    Accreditation,
    Evidence,
    Decision,
    JobRun,
    AuditEvent,
    EmailMessage,
)


@pytest.fixture
async def demo(app, settings, registry) -> tuple[Runtime, dict[str, Tenant]]:
    runtime = Runtime.build(settings, registry)
    created = await seed_demo(runtime)
    return runtime, {tenant.slug: tenant for tenant in created}


async def find(runtime: Runtime, tenant: Tenant, actor: Actor | None = None, **form: str):
    kinds = await kinds_of_service(tenant.id)
    query = SearchQuery.from_form(form, kinds)
    return await search(actor or anonymous(tenant), policy_for(runtime, tenant), query, kinds)


def titles(results: SearchResults) -> set[str]:
    return {item.title for item in results.items}


def card(results: SearchResults, title: str) -> SearchResult:
    (found,) = [item for item in results.items if item.title == title]
    return found


async def test_both_councils_have_live_services_anyone_can_find(demo):
    runtime, councils = demo
    assert set(councils) == {"riverbend", "moorfield"}
    for tenant in councils.values():
        visible = await visible_services(anonymous(tenant), policy_for(runtime, tenant))
        assert await visible.count() >= 4, tenant.slug
        branded = await Store.filter(tenant_id=tenant.id, tier=StoreTier.BRANDED).get()
        assert branded.brand_colour and branded.logo_key  # colours passed the contrast check
        assert await CaseStudy.filter(tenant_id=tenant.id).exists()
        assert await Review.filter(tenant_id=tenant.id).count() >= 3
        free = await Service.filter(tenant_id=tenant.id, unit_price_pence=0, takes_bookings=False)
        assert free, f"{tenant.slug} has no free service"


async def test_riverbend_search_gives_the_area_price_and_names_an_unknown_postcode(demo):
    runtime, councils = demo
    riverbend = councils["riverbend"]

    results = await find(runtime, riverbend, q="home care", postcode="ha2 7aa")
    visits = card(results, "Home care visits")
    assert (visits.price_pence, visits.area_price, visits.district) == (2_600, True, "HA2")
    assert visits.badge == "Riverbend Approved" and visits.store_name == "Riverside Home Care"
    assert visits.rating == 4.5 and visits.reviews == 2
    # The usual price where the area has none of its own; nothing where it is not offered.
    ha1 = card(await find(runtime, riverbend, q="home care", postcode="HA1"), "Home care visits")
    assert (ha1.price_pence, ha1.area_price) == (2_400, False)
    elsewhere = await find(runtime, riverbend, q="home care", postcode="SW1A 1AA")
    assert elsewhere.items == [] and elsewhere.district_served is False

    # Open listing: an applicant still waiting for a decision is listed, without the badge.
    physio = (await find(runtime, riverbend, q="physiotherapy at home")).items
    assert physio[0].title == "Physiotherapy at home" and physio[0].badge is None

    # The private service: only Dora, for whom it was named, sees it.
    private = "Home care visits for existing clients"
    assert private not in titles(await find(runtime, riverbend, q="existing clients"))
    dora = await Membership.get(tenant_id=riverbend.id, user__email="dora@riverbend.example")
    await dora.fetch_related("user")
    as_dora = Actor(tenant=riverbend, user=dora.user, membership=dora)
    assert private in titles(await find(runtime, riverbend, as_dora, q="existing clients"))


async def test_the_demo_works_over_http(demo, client_for):
    riverbend = client_for("riverbend.localhost")
    page = await riverbend.get("/search", params={"q": "home care", "postcode": "HA3 5BD"})
    assert page.status_code == 200 and "£27.50" in page.text
    page = await riverbend.get("/search", params={"q": "home care", "postcode": "RB1 1AA"})
    assert "We do not recognise the postcode RB1 1AA" in page.text
    assert (await riverbend.get("/stores/riverside-home-care")).status_code == 200

    moorfield = client_for("moorfield.localhost")
    answer = await sign_in(moorfield, "officer@moorfield.example", "demo password 2026")
    assert answer.status_code == 303, answer.text
    page = await moorfield.get("/council/accreditation")
    assert page.status_code == 200 and "Aire Valley Handyperson Service" in page.text
    provider = client_for("riverbend.localhost")
    answer = await sign_in(provider, "provider@riverbend.example", "demo password 2026")
    assert answer.status_code == 303, answer.text
    assert "Riverside Home Care" in (await provider.get("/provider")).text


async def test_moorfield_lists_accredited_providers_and_queues_the_applicant(demo):
    runtime, councils = demo
    moorfield = councils["moorfield"]

    waiting = [
        row for row in await queue(moorfield.id) if row.status == AccreditationStatus.APPLIED
    ]
    (application,) = waiting
    assert application.provider.name == "Aire Valley Handyperson Service"
    kinds = set(
        await Evidence.filter(accreditation_id=application.id).values_list("kind", flat=True)
    )
    assert kinds == {"document", "insurance", "dbs"}
    accredited = await Accreditation.filter(
        tenant_id=moorfield.id, status=AccreditationStatus.ACCREDITED
    )
    assert len(accredited) == 2 and all(a.expires_on > uk_today() for a in accredited)

    # The kitemark hides the applicant's live services until an officer accredits it.
    assert await Service.filter(tenant_id=moorfield.id, title="Handyperson visits").exists()
    assert titles(await find(runtime, moorfield, q="handyperson")) == set()
    results = await find(runtime, moorfield, q="home care", postcode="LS6 1AA")
    visits = card(results, "Home care visits")
    assert (visits.price_pence, visits.badge) == (2_600, "Moorfield Kitemark")


async def test_riverbend_directory_is_imported_from_the_open_referral_feed(demo):
    runtime, councils = demo
    riverbend = councils["riverbend"]
    imported = await Service.filter(tenant_id=riverbend.id, source=Source.OPEN_REFERRAL)
    assert len(imported) == 4 and not any(service.takes_bookings for service in imported)
    assert await Store.filter(tenant_id=riverbend.id, source=Source.OPEN_REFERRAL).count() == 2
    run = await JobRun.get(tenant_id=riverbend.id, job_name=JOB_NAME)
    assert run.summary["outcome"] == "imported" and run.summary["counts"]["services_added"] == 4
    assert "Chair-based exercise" in titles(
        await find(runtime, riverbend, q="exercise", postcode="HA2")
    )


async def test_seeding_again_creates_nothing_twice(demo):
    runtime, _ = demo
    before = {model.__name__: await model.all().count() for model in SEEDED}
    assert await seed_demo(runtime) == []
    after = {model.__name__: await model.all().count() for model in SEEDED}
    assert after == before


async def test_every_demo_address_the_readme_gives_works(demo, client_for):
    """The README's links into the demo councils answer (so the README stays true)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    links = set(re.findall(r"<http://((?:riverbend|moorfield)\.localhost):8000(/[^>\s]*)>", readme))
    assert len(links) >= 8, links
    for host, target in sorted(links):
        path, _, query = target.partition("?")
        answer = await client_for(host).get(path, params=parse_qsl(query))
        assert answer.status_code == 200, (host, target, answer.status_code)
