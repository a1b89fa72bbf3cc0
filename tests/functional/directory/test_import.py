"""Importing Open Referral UK feeds: the profile's examples, round trips, bad input."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from core.audit.models import AuditEvent
from core.directory import fetch as fetching
from core.directory import jobs
from core.directory.fetch import FeedRefused, _check_host, check_url
from core.jobs.models import JobRun
from core.marketplace.models import (
    Provider,
    PublishStatus,
    Service,
    ServiceArea,
    ServiceCategory,
    Source,
    Store,
    StoreTier,
    Unit,
)
from core.settings import Settings
from tests.factories import make_tenant
from tests.functional.directory.builders import full_services
from tests.functional.directory.feed_server import FeedServer, serving
from tests.functional.directory.profile import example
from tests.functional.directory.test_feed import a_catalogue
from tests.support.jobs import run_queued_jobs
from tests.support.members import SAME_ORIGIN, make_member, sign_in


async def officer_client(tenant, client_for):
    officer = await make_member(tenant, ["council_officer"])
    client = client_for(tenant)
    await sign_in(client, officer.user.email)
    return client


async def upload(client, document: Any, *, pause_missing: bool = True, name: str = "feed.json"):
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return await client.post(
        "/council/directory/upload",
        files={"feed": (name, data, "application/json")},
        data={"pause_missing": "yes"} if pause_missing else {},
        headers=SAME_ORIGIN,
    )


async def last_counts(tenant) -> dict[str, int]:
    run = await JobRun.filter(tenant_id=tenant.id, job_name=jobs.JOB_NAME).first()
    assert run is not None and run.summary["outcome"] == "imported", run and run.summary
    return run.summary["counts"]


def comparable(service: dict[str, Any]) -> dict[str, Any]:
    """What must survive a round trip (ids, addresses of pages and times are the
    importing council's own; an area's own price is not imported)."""
    place = (
        service["service_at_locations"][0]["location"] if service["service_at_locations"] else {}
    )
    return {
        "name": service["name"],
        "description": service["description"],
        "email": service.get("email"),
        "fees": service["fees"],
        "price": service["cost_options"][0]["amount"],
        "per": service["cost_options"][0]["amount_description"],
        "areas": [area["name"] for area in service["service_areas"]],
        "organisation": {k: v for k, v in service["organization"].items() if k not in ("id",)},
        "addresses": [
            {k: v for k, v in a.items() if k not in ("id", "location_id")}
            for a in place.get("addresses", [])
        ],
        "phones": [p["number"] for c in service["contacts"] for p in c["phones"]],
        "hours": [(s["byday"], s["opens_at"], s["closes_at"]) for s in service["schedules"]],
        "standard_terms": sorted(
            a["taxonomy_term"]["term"]
            for a in service["attributes"]
            if a["taxonomy_term"]["taxonomy"] == "Carepurse service categories"
            and not a["taxonomy_term"].get("parent_id")
        ),
    }


async def test_the_profiles_examples_import_and_update_in_place(app, client_for):
    tenant = await make_tenant()
    client = await officer_client(tenant, client_for)

    listed = await upload(client, example("service_list.json"))
    assert listed.status_code == 303, listed.text
    page = await client.get(listed.headers["location"])
    assert "Directory imported" in page.text and "services added 1" in page.text
    service = await Service.get(tenant_id=tenant.id, external_id=example("service_full.json")["id"])
    store = await Store.get(id=service.store_id)
    provider = await Provider.get(id=store.provider_id)
    assert (service.source, service.takes_bookings, service.status) == (
        Source.OPEN_REFERRAL,
        False,
        PublishStatus.LIVE,
    )
    assert (service.unit_price_pence, service.category) == (0, "leisure")  # a list item: no prices
    assert (store.source, store.tier, store.status) == (
        Source.OPEN_REFERRAL,
        StoreTier.LISTING,
        PublishStatus.LIVE,
    )
    assert store.external_id == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610" and provider.external
    assert (store.email, store.website) == ("email@example.com", "http://example.com")

    # The full record of the same service: updated in place, its (only, expired) price used.
    assert (await upload(client, example("service_full.json"))).status_code == 303
    assert (await last_counts(tenant))["services_updated"] == 1
    await service.refresh_from_db()
    assert (service.unit_price_pence, service.unit) == (3_500, Unit.HOUR)  # "per 1 hour session"
    # The organisation with the service inside: the same again, nothing new.
    assert (await upload(client, example("organization_full.json"))).status_code == 303
    assert (await last_counts(tenant))["services_unchanged"] == 1
    assert await Service.filter(tenant_id=tenant.id).count() == 1
    assert await Store.filter(tenant_id=tenant.id).count() == 1
    # And it is published again in this council's own feed.
    (published,) = await full_services(client_for(tenant))
    assert published["name"] == "Community Counselling" and published["fees"] == "£35.00 per hour"


async def test_a_feed_round_trips_and_reimports_without_duplicates(app, client_for):
    source, copy = await make_tenant(), await make_tenant()
    await a_catalogue(source)
    package = await full_services(client_for(source))
    client = await officer_client(copy, client_for)

    assert (await upload(client, package)).status_code == 303
    assert await last_counts(copy) == {
        "organisations_added": 3,
        "organisations_updated": 0,
        "services_added": 3,
        "services_updated": 0,
        "services_unchanged": 0,
        "services_paused": 0,
        "services_skipped": 0,
    }
    copied = await full_services(client_for(copy))
    assert sorted(map(comparable, copied), key=str) == sorted(map(comparable, package), key=str)

    # Again: nothing changes, nothing doubles.
    assert (await upload(client, package)).status_code == 303
    counts = await last_counts(copy)
    assert (counts["services_unchanged"], counts["services_added"]) == (3, 0)
    assert await Service.filter(tenant_id=copy.id).count() == 3
    assert await Store.filter(tenant_id=copy.id).count() == 3

    # Edited: a new name and price for one, another gone from the feed.
    edited = [dict(s) for s in package if s["name"] != "Friday lunch club"]
    visits = next(s for s in edited if s["name"] == "Home care visits")
    visits["name"] = "Home care visits (weekdays)"
    visits["cost_options"] = [{"id": visits["cost_options"][0]["id"], "amount": 21.5}]
    assert (await upload(client, edited)).status_code == 303
    counts = await last_counts(copy)
    assert (counts["services_updated"], counts["services_paused"]) == (1, 1)
    names = {s["name"]: s for s in await full_services(client_for(copy))}
    assert set(names) == {"Home care visits (weekdays)", "Hydrotherapy sessions"}
    assert names["Home care visits (weekdays)"]["fees"] == "£21.50 per hour"
    lunch = await Service.get(tenant_id=copy.id, title="Friday lunch club")
    assert lunch.status == PublishStatus.PAUSED
    assert await Service.filter(tenant_id=copy.id).count() == 3

    # Back in the feed: live again. Without "pause missing", others are left alone.
    assert (await upload(client, package[:1], pause_missing=False)).status_code == 303
    assert (await last_counts(copy))["services_paused"] == 0
    assert await Service.filter(tenant_id=copy.id, status=PublishStatus.LIVE).count() >= 2
    assert (await upload(client, package)).status_code == 303
    await lunch.refresh_from_db()
    assert lunch.status == PublishStatus.LIVE
    event = await AuditEvent.filter(tenant_id=copy.id, action="directory_imported").first()
    assert event is not None and event.details["services_added"] == 3


async def test_categories_come_from_the_feeds_taxonomy_terms(app, client_for):
    source, copy = await make_tenant(), await make_tenant()
    await a_catalogue(source)
    package = await full_services(client_for(source))
    # This council files the esd term 1234 under its own "community meals".
    await ServiceCategory.create(
        tenant=copy,
        code="community-meals",
        label="Community meals",
        parent_code="leisure",
        taxonomy="esdServiceTypes",
        term_id="1234",
    )
    made_up = {
        "id": "5ba5ba5b-0000-4000-8000-000000000001",
        "status": "active",
        "organization": {"id": "org-1", "name": "Ride Share", "description": "Lifts"},
    }
    package += [
        {
            **made_up,
            "name": "Lifts to hospital",
            "attributes": [{"taxonomy_term": {"name": "Transport"}}],
        },
        {
            **made_up,
            "id": "5ba5ba5b-0000-4000-8000-000000000002",
            "name": "Talking therapies",
            "service_taxonomys": [{"taxonomy": {"name": "Mental health counselling"}}],
        },
        {**made_up, "id": "5ba5ba5b-0000-4000-8000-000000000003", "name": "Knit and natter"},
    ]
    client = await officer_client(copy, client_for)
    assert (await upload(client, package)).status_code == 303
    categories = dict(await Service.filter(tenant_id=copy.id).values_list("title", "category"))
    assert categories == {
        "Home care visits": "personal-care",
        "Friday lunch club": "community-meals",  # by the council's own Open Referral term
        "Hydrotherapy sessions": "therapy",  # the source council's own category: its parent
        "Lifts to hospital": "transport",
        "Talking therapies": "therapy",
        "Knit and natter": "leisure",  # no terms: the default
    }


async def test_an_address_is_fetched_in_the_background_page_by_page(app, client_for):
    source, copy = await make_tenant(), await make_tenant()
    await a_catalogue(source)
    package = await full_services(client_for(source))
    client = await officer_client(copy, client_for)
    with serving(FeedServer(services=package)) as server:
        asked = await client.post(
            "/council/directory/fetch",
            data={"url": f"{server.base}/moved", "pause_missing": "yes"},
            headers=SAME_ORIGIN,
        )
        assert asked.status_code == 303
        waiting = await client.get(asked.headers["location"])
        assert "We will fetch the feed in the background" in waiting.text
        assert "Waiting to start" in waiting.text
        assert await Service.filter(tenant_id=copy.id).count() == 0  # not in the request
        await run_queued_jobs(app)

        done = await client.get("/council/directory")
        assert "Imported" in done.text and "Waiting to start" not in done.text
        assert await last_counts(copy) == {
            "organisations_added": 3,
            "organisations_updated": 0,
            "services_added": 3,
            "services_updated": 0,
            "services_unchanged": 0,
            "services_paused": 0,
            "services_skipped": 0,
        }
        # Followed the redirect, the index, every page, then each service in full.
        assert server.requests[:2] == ["/moved", "/api/"]
        pages = [r for r in server.requests if r.split("?")[0] == "/api/services"]
        assert pages == [
            "/api/services",
            "/api/services?per_page=100&page=1",  # asked for bigger pages; got two
            "/api/services?per_page=100&page=2",
        ]
        details = {r for r in server.requests if r.startswith("/api/services/")}
        assert details == {f"/api/services/{s['id']}" for s in package}
        copied = await full_services(client_for(copy))
        assert sorted(map(comparable, copied), key=str) == sorted(map(comparable, package), key=str)

        # A package file at an address works too, and re-importing adds nothing.
        await client.post(
            "/council/directory/fetch",
            data={"url": f"{server.base}/feed.json", "pause_missing": "yes"},
            headers=SAME_ORIGIN,
        )
        await run_queued_jobs(app)
        assert (await last_counts(copy))["services_unchanged"] == 3
        assert await Service.filter(tenant_id=copy.id).count() == 3
    requested = await AuditEvent.filter(tenant_id=copy.id, action="directory_import_requested")
    assert len(requested) == 2


async def test_bad_files_are_refused_with_clear_messages(app, client_for, monkeypatch):
    tenant = await make_tenant()
    client = await officer_client(tenant, client_for)
    cases = [
        (b"<html>not json</html>", "The file is not valid JSON"),
        (b"   ", "The file is empty"),
        (b"\xff\xfe\x00", "not text in UTF-8"),
        (b"42", "This is not an Open Referral UK feed"),
        (b"[]", "The file has no services in it"),
        (
            json.dumps([{"id": "a", "name": "No status"}, {"status": "active", "name": "No id"}]),
            "None of the feed&#39;s 2 services could be imported",
        ),
    ]
    for data, message in cases:
        answer = await upload(client, data if isinstance(data, bytes) else data.encode())
        assert answer.status_code == 400 and message in answer.text, (data, answer.text[-2000:])
    assert "status is missing" in answer.text and "id is missing" in answer.text
    none_chosen = await client.post(
        "/council/directory/upload", data={"pause_missing": "yes"}, headers=SAME_ORIGIN
    )
    assert (
        none_chosen.status_code == 400
        and "Choose an Open Referral UK feed file" in none_chosen.text
    )
    with monkeypatch.context() as patch:
        patch.setattr("core.directory.console.MAX_FEED_BYTES", 100)
        too_big = await upload(client, [{"name": "x" * 200}])
    assert too_big.status_code == 413 and "smaller than" in too_big.text
    assert await Service.filter(tenant_id=tenant.id).count() == 0
    assert await Store.filter(tenant_id=tenant.id).count() == 0

    # One good service and two bad: the good one is imported, the others explained.
    mixed = [
        {**example("service_full.json")},
        {"id": "x1", "name": "Broken", "status": "open", "organization": {"id": "o", "name": "O"}},
        {"id": "x2", "name": "Orphan", "status": "active"},
    ]
    answer = await upload(client, mixed)
    assert answer.status_code == 303
    page = await client.get(answer.headers["location"])
    assert "services skipped 2" in page.text
    assert "“Broken”: status must be one of: active, inactive" in page.text
    assert "“Orphan”: it has no organization" in page.text


async def test_bad_addresses_are_refused_with_clear_messages(app, client_for, monkeypatch):
    tenant = await make_tenant()
    client = await officer_client(tenant, client_for)
    for url in ("ftp://files.example/feed.json", "directory.example.org", ""):
        answer = await client.post(
            "/council/directory/fetch", data={"url": url}, headers=SAME_ORIGIN
        )
        assert answer.status_code == 400 and "full address, starting https://" in answer.text

    monkeypatch.setattr(fetching, "MAX_FEED_BYTES", 1_000)
    with serving(FeedServer(big_body_bytes=5_000)) as server:
        expected = {
            "/nowhere": "answered 404 Not Found",
            "/closed": "is not valid JSON",
            "/elsewhere": "sends us to ftp://files.example/feed.json, not allowed",
            "/huge.json": "is larger than 0.001 MB",
        }
        for path in expected:
            await client.post(
                "/council/directory/fetch", data={"url": server.base + path}, headers=SAME_ORIGIN
            )
        await run_queued_jobs(app)
    page = (await client.get("/council/directory")).text
    for message in expected.values():
        assert message in page
    assert page.count("Not imported") == len(expected)
    assert await Service.filter(tenant_id=tenant.id).count() == 0


async def test_production_fetches_only_public_https_addresses():
    production = Settings(environment="production", secret_key="not-the-development-one")
    with pytest.raises(ValueError, match="starting https://"):
        check_url("http://directory.example.org/api/services", production)
    assert check_url(" https://directory.example.org/api/ ", production).startswith("https://")
    with pytest.raises(ValueError, match="without a user name"):
        check_url("https://me:secret@directory.example.org/", production)
    for inside in ("https://127.0.0.1/feed", "https://localhost/feed", "https://[::1]/feed"):
        with pytest.raises(FeedRefused, match="not a public internet address"):
            await _check_host(inside, production)
    local = Settings(environment="test")
    assert check_url("http://127.0.0.1:8000/api/", local) == "http://127.0.0.1:8000/api/"


async def test_only_market_officers_import(app, client_for):
    tenant = await make_tenant()
    for roles in (["broker"], ["person"], ["provider_owner"]):
        member = await make_member(tenant, roles)
        client = client_for(tenant)
        await sign_in(client, member.user.email)
        assert (await client.get("/council/directory")).status_code == 403
        assert (await upload(client, example("service_full.json"))).status_code == 403
        fetch = await client.post(
            "/council/directory/fetch",
            data={"url": "https://directory.example.org/"},
            headers=SAME_ORIGIN,
        )
        assert fetch.status_code == 403
    visitor = client_for(tenant)
    assert (await visitor.get("/council/directory")).status_code == 303  # to sign in
    assert await Service.filter(tenant_id=tenant.id).count() == 0
    assert await ServiceArea.filter(tenant_id=tenant.id).count() == 0
    admin = await officer_client(tenant, client_for)
    assert (await admin.get("/council/directory")).status_code == 200


async def test_a_service_the_feed_still_lists_badly_is_kept_not_paused(app, client_for):
    source, copy = await make_tenant(), await make_tenant()
    await a_catalogue(source)
    package = await full_services(client_for(source))
    client = await officer_client(copy, client_for)
    assert (await upload(client, package)).status_code == 303

    broken = [dict(s) for s in package]
    broken[0]["status"] = "open"  # not one of the profile's statuses
    answer = await upload(client, broken)
    assert answer.status_code == 303
    counts = await last_counts(copy)
    assert (counts["services_skipped"], counts["services_paused"]) == (1, 0)
    kept = await Service.get(tenant_id=copy.id, title=broken[0]["name"])
    assert kept.status == PublishStatus.LIVE
    page = (await client.get(answer.headers["location"])).text
    assert f"“{broken[0]['name']}”: status must be one of" in page


async def test_two_imports_at_once_do_not_list_anything_twice(app, client_for):
    source, copy = await make_tenant(), await make_tenant()
    await a_catalogue(source)
    package = await full_services(client_for(source))
    first = await officer_client(copy, client_for)
    second = await officer_client(copy, client_for)
    answers = await asyncio.gather(upload(first, package), upload(second, package))
    assert [a.status_code for a in answers] == [303, 303]
    assert await Service.filter(tenant_id=copy.id).count() == 3
    assert await Store.filter(tenant_id=copy.id).count() == 3
    assert await Provider.filter(external=True).count() == 3
