"""The council's public catalogue as an Open Referral UK feed: valid, public, its own."""

from __future__ import annotations

from core.accreditation.models import Accreditation, AccreditationStatus
from core.directory.taxonomy import CAREPURSE_TAXONOMY, standard_term_id
from core.marketplace.models import (
    PrivateAudience,
    PublishStatus,
    ServiceCategory,
    Unit,
    Visibility,
)
from tests.factories import make_tenant
from tests.functional.directory.builders import every_page, full_services, make_service, make_store
from tests.functional.directory.profile import page_problems, problems
from tests.support.members import make_member, sign_in


async def a_catalogue(tenant):
    """A bit of everything the feed maps: prices by area, a free service, a council
    category with its own Open Referral term and one without, opening hours, a store
    with a full address and phone, one with a one-line address, one with none."""
    await ServiceCategory.create(
        tenant=tenant,
        code="lunch-clubs",
        label="Lunch clubs",
        parent_code="leisure",
        taxonomy="esdServiceTypes",
        term_id="1234",
    )
    await ServiceCategory.create(
        tenant=tenant, code="hydrotherapy", label="Hydrotherapy", parent_code="therapy"
    )
    carers = await make_store(
        tenant,
        "Harrow Home Carers",
        address="12 High Street, Wealdstone, Harrow",
        postcode="HA3 5AA",
        phone="020 8123 4567",
        email="hello@carers.example",
        website="https://carers.example",
    )
    club = await make_store(tenant, "Friday Club", address="Church Hall", postcode="HA1 1AA")
    # A website without its scheme is not a URI: left out of the feed.
    pool = await make_store(tenant, "Pool Therapy", website="pool.example")
    home = await make_service(
        carers,
        "Home care visits",
        areas={"HA1": None, "HA3": 2_200},
        availability={"mon": ["09:00-17:00"], "sat": ["10:00-12:00"]},
    )
    lunch = await make_service(club, "Friday lunch club", category="lunch-clubs", price=0)
    swim = await make_service(
        pool, "Hydrotherapy sessions", category="hydrotherapy", price=3_550, unit=Unit.SESSION
    )
    return home, lunch, swim


async def test_every_published_item_validates_against_the_uk_profile(app, client_for):
    tenant = await make_tenant()
    await a_catalogue(tenant)
    client = client_for(tenant)

    listing = (await client.get("/openreferral/services", params={"per_page": 2})).json()
    assert page_problems(listing, "compiled/service_list.json") == []
    services = await full_services(client)
    assert len(services) == 3
    for service in services:
        assert problems(service, "compiled/service.json") == [], service["name"]

    places = (await client.get("/openreferral/service_at_locations")).json()
    assert page_problems(places, "compiled/service_at_location_list.json") == []
    assert {p["service"]["name"] for p in places["contents"]} == {
        "Home care visits",
        "Friday lunch club",
    }  # the pool has no address, so no location
    for place in places["contents"]:
        detail = (await client.get(f"/openreferral/service_at_locations/{place['id']}")).json()
        assert problems(detail, "compiled/service_at_location.json") == []
        assert detail["service"]["id"] == place["service"]["id"]

    taxonomies = (await client.get("/openreferral/taxonomies")).json()
    assert page_problems(taxonomies, "taxonomy.json") == []
    assert {t["name"] for t in taxonomies["contents"]} == {CAREPURSE_TAXONOMY, "esdServiceTypes"}
    terms = (await client.get("/openreferral/taxonomy_terms", params={"per_page": 200})).json()
    assert page_problems(terms, "taxonomy_term.json") == []
    assert terms["total_items"] == 10 + 2  # the standard categories and the council's two

    index = (await client.get("/openreferral/")).json()
    assert index["version"] == "3.0" and index["services_url"].endswith("/openreferral/services")


async def test_the_fields_say_what_the_catalogue_says(app, client_for):
    tenant = await make_tenant()
    home, _, _ = await a_catalogue(tenant)
    client = client_for(tenant)
    by_name = {s["name"]: s for s in await full_services(client)}

    visits = by_name["Home care visits"]
    assert visits["id"] == str(home.id) and visits["status"] == "active"
    assert visits["url"] == f"http://{tenant.slug}.localhost/services/{home.id}"
    assert visits["fees"] == "£20.00 per hour" and visits["email"] == "hello@carers.example"
    assert [
        (c["option"], c["amount"], c["amount_description"]) for c in visits["cost_options"]
    ] == [
        ("Standard price", 20, "per hour"),
        ("In postcode district HA3", 22, "per hour in HA3"),
    ]
    assert [a["name"] for a in visits["service_areas"]] == ["HA1", "HA3"]
    (place,) = visits["service_at_locations"]
    (address,) = place["location"]["addresses"]
    assert (address["address_1"], address["city"], address["postal_code"]) == (
        "12 High Street, Wealdstone",
        "Harrow",
        "HA3 5AA",
    )
    assert visits["contacts"][0]["phones"][0]["number"] == "020 8123 4567"
    assert visits["organization"]["website"] == "https://carers.example"
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in visits["schedules"]] == [
        ("MO", "09:00", "17:00"),
        ("SA", "10:00", "12:00"),
    ]
    assert [a["taxonomy_term"]["term"] for a in visits["attributes"]] == ["personal-care"]

    club = by_name["Friday lunch club"]
    assert club["fees"] == "Free" and club["cost_options"][0]["amount"] == 0
    terms = {a["taxonomy_term"]["taxonomy"]: a["taxonomy_term"] for a in club["attributes"]}
    assert terms["esdServiceTypes"]["term"] == "1234"  # the council's own Open Referral term
    assert terms[CAREPURSE_TAXONOMY]["id"] == standard_term_id("leisure")  # and its parent's
    assert "city" not in club["service_at_locations"][0]["location"]["addresses"][0]

    pool = by_name["Hydrotherapy sessions"]
    assert pool["fees"] == "£35.50 per session" and pool["cost_options"][0]["amount"] == 35.5
    assert "website" not in pool["organization"] and pool["service_at_locations"] == []
    (own,) = [a["taxonomy_term"] for a in pool["attributes"] if a["taxonomy_term"].get("parent_id")]
    assert own["term"] == "hydrotherapy" and own["parent_id"] == standard_term_id("therapy")


async def test_anyone_may_read_it_from_anywhere_and_errors_are_json(app, client_for):
    tenant = await make_tenant()
    home, _, _ = await a_catalogue(tenant)
    client = client_for(tenant)
    for path in (
        "/openreferral/",
        "/openreferral/services",
        f"/openreferral/services/{home.id}",
        "/openreferral/service_at_locations",
        "/openreferral/taxonomies",
        "/openreferral/taxonomy_terms",
    ):
        answer = await client.get(path, headers={"Origin": "https://elsewhere.example"})
        assert answer.status_code == 200, path
        assert answer.headers["access-control-allow-origin"] == "*"
        assert answer.headers["content-type"].startswith("application/json")
        assert (
            "set-cookie" not in answer.headers or "cp_session" not in answer.headers["set-cookie"]
        )

    missing = await client.get("/openreferral/services/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.headers["access-control-allow-origin"] == "*"
    assert missing.headers["content-type"] == "application/problem+json"
    assert (await client.get("/openreferral/services/not-a-uuid")).status_code == 404
    assert (await client.get("/openreferral/service_at_locations/nope")).status_code == 404
    bad = await client.get("/openreferral/services", params={"postcode": "nowhere", "page": "0"})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"postcode", "page"}
    for odd in ("²", "9" * 5000, "-1", "1.5"):
        answer = await client.get("/openreferral/services", params={"per_page": odd})
        assert answer.status_code == 400, odd
    refused = await client.post("/openreferral/services", headers={"Sec-Fetch-Site": "same-origin"})
    assert refused.status_code == 405


async def test_postcode_finds_services_covering_that_district(app, client_for):
    tenant = await make_tenant()
    here = await make_store(tenant, "Local Hub", address="1 Station Road", postcode="HA1 2AB")
    away = await make_store(tenant, "Far Hub", address="9 Other Road", postcode="SW1A 1AA")
    await make_service(here, "Covers HA1", areas={"HA1": None})
    await make_service(away, "Covers HA2 only", areas={"HA2": None})
    await make_service(here, "No areas, based in HA1")
    await make_service(away, "No areas, based elsewhere")
    await make_service(here, "Based in HA1 but covers SW1A", areas={"SW1A": None})
    client = client_for(tenant)

    async def names(path: str, postcode: str) -> set[str]:
        body = (await client.get(path, params={"postcode": postcode})).json()
        key = "service" if "service_at" in path else None
        return {(item[key] if key else item)["name"] for item in body["contents"]}

    expected = {"Covers HA1", "No areas, based in HA1"}
    assert await names("/openreferral/services", "ha1 9zz") == expected
    assert await names("/openreferral/service_at_locations", "HA1") == expected
    assert await names("/openreferral/services", "SW1A 2AA") == {
        "No areas, based elsewhere",
        "Based in HA1 but covers SW1A",
    }
    assert await names("/openreferral/services", "ZE1 0AA") == set()


async def test_only_the_public_live_visible_catalogue_is_published(app, client_for, registry):
    tenant = await make_tenant(plugins={"accreditation": {"mode": "kitemark"}}, registry=registry)
    vetted = await make_store(tenant, "Vetted Care")
    await Accreditation.create(
        tenant=tenant, provider_id=vetted.provider_id, status=AccreditationStatus.ACCREDITED
    )
    unvetted = await make_store(tenant, "Unvetted Care")
    closed = await make_store(tenant, "Draft Store", status=PublishStatus.DRAFT)
    public = await make_service(vetted, "Public and live")
    private = await make_service(vetted, "Private offer", visibility=Visibility.PRIVATE)
    await make_service(vetted, "Draft service", status=PublishStatus.DRAFT)
    await make_service(vetted, "Paused service", status=PublishStatus.PAUSED)
    hidden = await make_service(unvetted, "Not accredited")
    await make_service(closed, "In a draft store")
    person = await make_member(tenant, ["person"])
    await PrivateAudience.create(tenant_id=tenant.id, service=private, membership=person)

    client = client_for(tenant)
    await sign_in(client, person.user.email)  # the person may see the private offer elsewhere
    listed = await every_page(client, "/openreferral/services")
    assert [item["name"] for item in listed] == ["Public and live"]
    for service in (private, hidden):
        assert (await client.get(f"/openreferral/services/{service.id}")).status_code == 404
    assert (await client.get(f"/openreferral/services/{public.id}")).status_code == 200


async def test_another_councils_services_never_appear(app, client_for):
    ours, theirs = await make_tenant(), await make_tenant()
    await make_service(await make_store(ours, "Our Carers"), "Our service", areas={"HA1": None})
    other = await make_service(
        await make_store(theirs, "Their Carers", postcode="HA1 1AA", address="1 Road"),
        "Their service",
        areas={"HA1": None},
    )
    await ServiceCategory.create(
        tenant=theirs, code="secret", label="Their own", parent_code="leisure"
    )
    client = client_for(ours)
    for path in ("/openreferral/services", "/openreferral/service_at_locations"):
        body = (await client.get(path, params={"postcode": "HA1"})).text
        assert "Their" not in body
    assert (await client.get(f"/openreferral/services/{other.id}")).status_code == 404
    terms = (await client.get("/openreferral/taxonomy_terms", params={"per_page": 200})).text
    assert "Their own" not in terms


async def test_pages_follow_the_profile_and_cover_everything_once(app, client_for):
    tenant = await make_tenant()
    store = await make_store(tenant, "Many Services")
    for number in range(7):
        await make_service(store, f"Service {number}")
    client = client_for(tenant)

    first = (await client.get("/openreferral/services", params={"per_page": 3})).json()
    assert (first["total_items"], first["total_pages"], first["page_number"]) == (7, 3, 1)
    assert (first["size"], first["first_page"], first["last_page"], first["empty"]) == (
        3,
        True,
        False,
        False,
    )
    last = (await client.get("/openreferral/services", params={"per_page": 3, "page": 3})).json()
    assert (last["size"], last["first_page"], last["last_page"]) == (1, False, True)
    beyond = (await client.get("/openreferral/services", params={"per_page": 3, "page": 9})).json()
    assert beyond["empty"] and beyond["contents"] == []
    names = [item["name"] for item in await every_page(client, "/openreferral/services", 3)]
    assert names == [f"Service {number}" for number in range(7)]
    capped = (await client.get("/openreferral/services", params={"per_page": 5000})).json()
    assert capped["total_pages"] == 1 and capped["size"] == 7


async def test_filters_by_words_and_taxonomy_terms(app, client_for):
    tenant = await make_tenant()
    await a_catalogue(tenant)
    client = client_for(tenant)

    async def names(**params: str) -> set[str]:
        body = (await client.get("/openreferral/services", params=params)).json()
        return {item["name"] for item in body["contents"]}

    assert await names(search="LUNCH") == {"Friday lunch club"}
    assert await names(text="visits") == {"Home care visits"}
    # A standard term finds the council's own categories filed under it.
    assert await names(taxonomy_term_id=standard_term_id("therapy")) == {"Hydrotherapy sessions"}
    terms = (await client.get("/openreferral/taxonomy_terms", params={"per_page": 200})).json()
    esd = next(t for t in terms["contents"] if t["taxonomy"] == "esdServiceTypes")
    assert await names(taxonomy_term_id=esd["id"]) == {"Friday lunch club"}
    assert await names(taxonomy_id=esd["taxonomy_id"]) == {"Friday lunch club"}
    assert await names(taxonomy_term_id="00000000-0000-0000-0000-000000000000") == set()
