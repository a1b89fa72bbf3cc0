"""A results page costs a fixed, small number of database queries, whatever its size.

Every statement Tortoise sends (execute_query, execute_query_dict, execute_insert,
execute_many, execute_script) is logged on ``tortoise.db_client`` at DEBUG: a handler
there counts them, for the whole request (site, session, plugins and all) and for
``search()`` alone.
"""

from __future__ import annotations

from core.accreditation.policy import AccreditationPolicy
from core.marketplace.categories import kinds_of_service
from core.marketplace.models import Photo
from core.marketplace.search import SearchQuery, search
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import (
    accredit,
    actor_for,
    make_service,
    make_store,
    review,
)
from tests.support.db_queries import counting_queries
from tests.support.members import make_member, signed_in_client

# The search itself: the page, the areas its services cover (no postcode), their photos.
SEARCH_QUERIES = 3


async def marketplace(tenant):
    """5 services about canoeing and 50 about walking, spread over 10 stores, with areas,
    reviews, photos and some accredited providers: every part of a result is filled."""
    stores = [await make_store(tenant, f"Store {n}") for n in range(10)]
    for store in stores[::2]:
        await accredit(store)
    for n in range(55):
        word = "Canoeing" if n < 5 else "Walking"
        service = await make_service(
            stores[n % 10],
            f"{word} group {n}",
            description=f"{word} for everyone",
            price=1_000 + n,
            areas={"HA1": 1_500 + n, "HA2": None, "HA3": None},
            availability={"sat": ["10:00-12:00"]},
        )
        if n % 3 == 0:
            await review(service, 4, 5)
        if n % 4 == 0:
            await Photo.create(
                tenant_id=tenant.id,
                store=stores[n % 10],
                service=service,
                key=f"public/{n}.jpg",
                thumbnail_key=f"public/{n}-thumb.jpg",
                alt_text="A group outdoors",
            )


async def _page(client, **params: str) -> tuple[int, str]:
    with counting_queries() as statements:
        response = await client.get("/search", params=params)
    assert response.status_code == 200, response.text
    return len(statements), response.text


async def test_a_results_page_takes_the_same_queries_for_5_or_50_results(db, client_for):
    tenant = await make_tenant()
    await marketplace(tenant)
    member = await make_member(tenant, ["person"])
    searches = [
        {"per_page": "50"},  # no postcode: the areas query runs
        {"postcode": "HA1 2AB", "per_page": "50", "sort": "price"},
        {"postcode": "HA2", "rating": "4", "accredited": "1", "day": "sat", "per_page": "50"},
        {"min_price": "5", "max_price": "5000", "category": "personal-care", "per_page": "50"},
    ]
    for signed_in in (False, True):
        async with client_for(tenant) as client:
            if signed_in:
                await signed_in_client(client, member)
            await _page(client, q="walking")  # warm: plugins, branding, the engine
            for params in searches:
                few, few_html = await _page(client, q="canoeing", **params)
                many, many_html = await _page(client, q="walking", **params)
                shown_few = few_html.count('name="service" type="checkbox"')
                shown_many = many_html.count('name="service" type="checkbox"')
                assert shown_few < shown_many, params
                assert few == many, (params, few, many)
                assert many <= 8, (params, many)  # site + session + kinds + the search's


async def test_search_itself_takes_at_most_three_queries(db):
    tenant = await make_tenant()
    await marketplace(tenant)
    kinds = await kinds_of_service(tenant.id)
    actor = actor_for(tenant, await make_member(tenant, ["person"]))
    policy = AccreditationPolicy(mode="kitemark")
    await search(actor, policy, SearchQuery(), kinds)  # warm
    for words, expected in (("canoeing", 3), ("walking", 25)):  # accredited stores only
        for district in (None, "HA1"):
            query = SearchQuery(words=words, district=district, per_page=50)
            with counting_queries() as statements:
                results = await search(actor, policy, query, kinds)
            assert results.total == expected == len(results.items)
            assert len(statements) == (SEARCH_QUERIES if district is None else 2), statements


async def test_the_compare_page_takes_the_same_queries_for_2_or_4_services(db, client_for):
    tenant = await make_tenant()
    store = await make_store(tenant)
    services = [await make_service(store, f"Option {n}") for n in range(4)]
    for service in services:
        await review(service, 4)
    async with client_for(tenant) as client:
        counts = []
        for chosen in (services[:2], services[:2], services):
            with counting_queries() as statements:
                page = await client.get(
                    "/compare", params={"service": [str(s.id) for s in chosen], "postcode": "HA1"}
                )
            assert page.status_code == 200
            counts.append(len(statements))
    assert counts[1] == counts[2], counts  # (the first warmed the caches)
