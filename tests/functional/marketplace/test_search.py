"""Search: words, kind of service, postcode and the area's price, price range, day, rating,
accredited only, sort, pages; what each visitor may see; compare; unmet needs; councils
kept apart. Runs on SQLite (FTS5) and PostgreSQL (tsvector) alike."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.accreditation.models import AccreditationStatus
from core.accreditation.policy import AccreditationPolicy
from core.clock import uk_today
from core.errors import InvalidInput
from core.identity.models import Membership
from core.marketplace.models import (
    PublishStatus,
    ServiceCategory,
    Store,
    Unit,
    UnmetNeed,
    Visibility,
)
from core.marketplace.search import (
    SearchPlan,
    SearchQuery,
    build_search_sql,
    search,
    search_terms,
)
from core.marketplace.visibility import visible_services
from core.people.models import PersonProfile
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import (
    accredit,
    actor_for,
    case_study,
    make_service,
    make_store,
    offer_privately,
    review,
    titles,
)
from tests.support.members import SAME_ORIGIN, make_member, signed_in_client

OPEN = AccreditationPolicy()
KITEMARK = AccreditationPolicy(mode="kitemark", badge_label="Testshire Approved")


def ask(kinds=(), **values: str) -> SearchQuery:
    return SearchQuery.from_form(values, kinds)


async def find(tenant, policy=OPEN, member=None, **values: str):
    from core.marketplace.categories import kinds_of_service

    kinds = await kinds_of_service(tenant.id)
    return await search(actor_for(tenant, member), policy, ask(kinds, **values), kinds)


def problems_of(error: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {problem.field: problem.message for problem in error.value.problems}


# --- the question ------------------------------------------------------------------------


def test_search_words_are_letters_and_digits_only():
    assert search_terms("Physio & 'swim'ming!! a b 24-hour care_home") == (
        "physio", "swim", "ming", "24", "hour", "care", "home",
    )  # fmt: skip
    assert search_terms("") == ()
    assert len(search_terms(" ".join(f"word{n}" for n in range(20)))) == 8


def test_the_query_is_checked_field_by_field():
    with pytest.raises(InvalidInput) as refused:
        ask(
            q="x" * 201,
            postcode="NOT A POSTCODE",
            min_price="abc",
            max_price="-3",
            day="funday",
            rating="9",
            category="underwater-basket-weaving",
        )
    problems = problems_of(refused)
    assert problems["postcode"].startswith("We do not recognise the postcode NOT A POSTCODE")
    assert set(problems) == {"q", "postcode", "min_price", "max_price", "day", "rating", "category"}
    with pytest.raises(InvalidInput) as refused:
        ask(min_price="20", max_price="10")
    assert "highest price" in problems_of(refused)["max_price"]
    # A district that cannot exist (Harrow's HA stops at HA9) is not recognised either.
    with pytest.raises(InvalidInput) as refused:
        ask(postcode="HA99 1AA")
    assert "We do not recognise the postcode HA99 1AA" in problems_of(refused)["postcode"]


def test_a_good_query_is_normalised_and_links_back_to_itself():
    query = ask(
        q="  home   care ", postcode="ha12ab", min_price="£5", max_price="12.5", day="sat",
        rating="4", accredited="1", sort="price", page="3", per_page="500",
    )  # fmt: skip
    assert (query.words, query.postcode, query.district) == ("home care", "HA1 2AB", "HA1")
    assert (query.min_price_pence, query.max_price_pence) == (500, 1250)
    assert (query.day, query.min_rating, query.accredited_only) == ("sat", 4, True)
    assert (query.sort, query.page, query.per_page) == ("price", 3, 50)
    assert query.url() == (
        "/search?q=home+care&postcode=HA1+2AB&min_price=5&max_price=12.50&day=sat&rating=4"
        "&accredited=1&sort=price&page=3&per_page=50"
    )
    assert ask(postcode="sw1a").district == "SW1A"
    assert ask(sort="sideways", page="-2").sort == "relevance"


def test_the_statement_carries_what_people_typed_only_as_parameters():
    nasty = "'; DROP TABLE service; --"
    query = ask(q=nasty + " care", postcode="HA1 2AB")
    for engine in ("postgres", "fts5", "like"):
        sql, values = build_search_sql(
            SearchPlan(engine, 1, "member-id", True, uk_today(), query, ("personal-care",))
        )
        assert "DROP" not in sql and "HA1" not in sql and "member-id" not in sql
        assert "HA1" in values and "member-id" in values


# --- finding -----------------------------------------------------------------------------


async def test_words_match_title_description_and_store_name_with_stemming(db):
    tenant = await make_tenant()
    sunny = await make_store(tenant, "Sunny Days Care")
    other = await make_store(tenant, "Riverside Helpers")
    await make_service(sunny, "Swimming lessons", description="In the leisure centre pool")
    await make_service(other, "Help at home", description="Washing, dressing and gardening")
    await make_service(other, "Evening sitting service")

    assert titles(await find(tenant, q="swim")) == ["Swimming lessons"]
    assert titles(await find(tenant, q="leisure POOL")) == ["Swimming lessons"]
    assert titles(await find(tenant, q="garden")) == ["Help at home"]
    assert sorted(titles(await find(tenant, q="riverside"))) == [
        "Evening sitting service",
        "Help at home",
    ]
    assert titles(await find(tenant, q="swimming riverside")) == []  # every word must match
    assert len((await find(tenant)).items) == 3  # no words: everything


async def test_a_store_renamed_is_found_by_its_new_name(db):
    tenant = await make_tenant()
    store = await make_store(tenant, "Old Name Ltd")
    await make_service(store, "Shopping trips")
    store.name = "Brightwater Support"
    await store.save()
    assert titles(await find(tenant, q="brightwater")) == ["Shopping trips"]
    assert titles(await find(tenant, q="old name")) == []


async def test_a_postcode_finds_only_services_offered_there_at_that_areas_price(db):
    tenant = await make_tenant()
    store = await make_store(tenant)
    await make_service(store, "Home care", price=2_000, areas={"HA1": 2_200, "HA2": None})
    await make_service(store, "Day centre", unit=Unit.DAY, price=5_000, areas={"HA3": None})

    ha1 = await find(tenant, postcode="ha1 2ab")
    assert titles(ha1) == ["Home care"]
    assert ha1.items[0].price_pence == 2_200 and ha1.items[0].area_price
    assert ha1.items[0].price_words == "£22.00 an hour"
    assert ha1.items[0].area_words == "Offered in HA1"
    ha2 = await find(tenant, postcode="HA2")
    assert [(i.title, i.price_pence, i.area_price) for i in ha2.items] == [
        ("Home care", 2_000, False)
    ]
    everywhere = await find(tenant, sort="price")
    assert [(i.title, i.price_pence, i.districts) for i in everywhere.items] == [
        ("Home care", 2_000, ("HA1", "HA2")),
        ("Day centre", 5_000, ("HA3",)),
    ]
    assert everywhere.items[1].price_words == "£50.00 a day"
    nowhere = await find(tenant, postcode="SW1A 1AA")
    assert nowhere.items == [] and nowhere.district_served is False
    elsewhere = await find(tenant, postcode="HA1", q="day centre")
    assert elsewhere.items == [] and elsewhere.district_served is True


async def test_a_service_in_many_areas_shows_the_first_few(db):
    tenant = await make_tenant()
    store = await make_store(tenant)
    await make_service(store, "Mobile hairdresser", areas={f"HA{n}": None for n in range(1, 10)})
    (item,) = (await find(tenant)).items
    assert item.districts == ("HA1", "HA2", "HA3", "HA4", "HA5") and item.more_districts == 4
    assert item.area_words == "Offered in HA1, HA2, HA3, HA4, HA5 and 4 more areas"


async def test_kind_of_service_includes_the_councils_own_kinds_under_it(db):
    tenant = await make_tenant()
    await ServiceCategory.create(
        tenant=tenant, code="hydrotherapy", label="Hydrotherapy", parent_code="therapy"
    )
    store = await make_store(tenant)
    await make_service(store, "Physiotherapy", category="therapy")
    await make_service(store, "Warm pool sessions", category="hydrotherapy")
    await make_service(store, "Cleaning", category="household")

    assert sorted(titles(await find(tenant, category="therapy"))) == [
        "Physiotherapy",
        "Warm pool sessions",
    ]
    found = await find(tenant, category="hydrotherapy")
    assert titles(found) == ["Warm pool sessions"]
    assert found.items[0].category_label == "Hydrotherapy"


async def test_price_range_uses_the_price_where_the_person_lives(db):
    tenant = await make_tenant()
    store = await make_store(tenant)
    await make_service(store, "Cheap here", price=3_000, areas={"HA1": 1_000})
    await make_service(store, "Dear here", price=1_000, areas={"HA1": 3_000})
    await make_service(store, "Free group", price=0, areas={"HA1": None})

    assert titles(await find(tenant, postcode="HA1", max_price="15", sort="price")) == [
        "Free group",
        "Cheap here",
    ]
    assert titles(await find(tenant, max_price="15", sort="price")) == ["Free group", "Dear here"]
    assert titles(await find(tenant, min_price="10", max_price="30", sort="price")) == [
        "Dear here",
        "Cheap here",
    ]
    free = await find(tenant, max_price="0")
    assert titles(free) == ["Free group"] and free.items[0].price_words == "Free"


async def test_day_finds_services_available_that_day(db):
    tenant = await make_tenant()
    store = await make_store(tenant)
    await make_service(store, "Weekend club", availability={"sat": ["10:00-16:00"]})
    await make_service(store, "Weekday help", availability={"mon": ["09:00-17:00"]})
    await make_service(store, "By arrangement")

    assert titles(await find(tenant, day="sat")) == ["Weekend club"]
    assert titles(await find(tenant, day="mon")) == ["Weekday help"]
    assert titles(await find(tenant, day="sun")) == []


async def test_rating_filter_and_results_show_the_average_and_count(db):
    tenant = await make_tenant()
    store = await make_store(tenant)
    loved = await make_service(store, "Loved")
    fine = await make_service(store, "Fine")
    await make_service(store, "Unrated")
    await review(loved, 5, 4, 5)
    await review(fine, 3)

    found = await find(tenant, rating="4")
    assert titles(found) == ["Loved"]
    assert (found.items[0].rating, found.items[0].reviews) == (4.7, 3)
    assert found.items[0].rating_words == "4.7 out of 5 (3 reviews)"
    assert titles(await find(tenant, rating="3", sort="rating")) == ["Loved", "Fine"]
    unrated = (await find(tenant, q="unrated")).items[0]
    assert (unrated.rating, unrated.reviews, unrated.rating_words) == (None, 0, "No reviews yet")


async def test_accredited_only_and_the_badge(db):
    tenant = await make_tenant()
    approved = await make_store(tenant, "Approved Care")
    lapsed = await make_store(tenant, "Lapsed Care")
    suspended = await make_store(tenant, "Suspended Care")
    plain = await make_store(tenant, "Plain Care")
    await accredit(approved, expires_on=uk_today() + timedelta(days=30))
    await accredit(lapsed, expires_on=uk_today() - timedelta(days=1))
    await accredit(suspended, status=AccreditationStatus.SUSPENDED)
    for store in (approved, lapsed, suspended, plain):
        await make_service(store, f"Help from {store.name}")

    everyone = await find(tenant, sort="price")
    badges = {item.store_name: item.badge for item in everyone.items}
    assert badges == {
        "Approved Care": "Council approved",
        "Lapsed Care": None,
        "Suspended Care": None,
        "Plain Care": None,
    }
    assert titles(await find(tenant, accredited="1")) == ["Help from Approved Care"]


async def test_under_a_kitemark_only_accredited_providers_are_listed(db):
    tenant = await make_tenant()
    approved = await make_store(tenant, "Approved Care")
    applied = await make_store(tenant, "Applied Care")
    await accredit(approved)
    await accredit(applied, status=AccreditationStatus.APPLIED)
    await make_service(approved, "Home help")
    await make_service(applied, "Home help too")

    found = await find(tenant, KITEMARK)
    assert titles(found) == ["Home help"] and found.items[0].badge == "Testshire Approved"
    assert sorted(titles(await find(tenant, OPEN))) == ["Home help", "Home help too"]


async def test_private_services_are_seen_only_by_their_audience(db):
    tenant = await make_tenant()
    client_of_theirs = await make_member(tenant, ["person"])
    someone_else = await make_member(tenant, ["person"])
    store = await make_store(tenant)
    private = await make_service(store, "Existing clients only", visibility=Visibility.PRIVATE)
    await make_service(store, "Open to all")
    await offer_privately(private, client_of_theirs)

    assert titles(await find(tenant)) == ["Open to all"]
    assert titles(await find(tenant, member=someone_else)) == ["Open to all"]
    assert sorted(titles(await find(tenant, member=client_of_theirs))) == [
        "Existing clients only",
        "Open to all",
    ]


async def test_drafts_paused_services_and_closed_stores_are_not_listed(db):
    tenant = await make_tenant()
    live = await make_store(tenant)
    draft_store = await make_store(tenant, status=PublishStatus.DRAFT)
    paused_store = await make_store(tenant, status=PublishStatus.PAUSED)
    await make_service(live, "Listed")
    await make_service(live, "Draft service", status=PublishStatus.DRAFT)
    await make_service(live, "Paused service", status=PublishStatus.PAUSED)
    await make_service(draft_store, "In a draft store")
    await make_service(paused_store, "In a paused store")
    assert titles(await find(tenant)) == ["Listed"]


async def test_search_shows_exactly_what_visible_services_allows(db):
    """The SQL and the visibility rule agree, for every kind of visitor and policy."""
    tenant = await make_tenant()
    audience = await make_member(tenant, ["person"])
    stranger = await make_member(tenant, ["broker"])
    stores = [await make_store(tenant, status=status) for status in PublishStatus]
    await accredit(stores[1])
    await accredit(stores[2], expires_on=uk_today() - timedelta(days=3))
    for store in stores:
        for status in PublishStatus:
            for visibility in Visibility:
                service = await make_service(
                    store, f"{store.name} {status} {visibility}", status=status,
                    visibility=visibility,
                )  # fmt: skip
                if visibility == Visibility.PRIVATE:
                    await offer_privately(service, audience)
    for policy in (OPEN, KITEMARK):
        for member in (None, audience, stranger):
            actor = actor_for(tenant, member)
            expected = await (await visible_services(actor, policy)).values_list("id", flat=True)
            found = await search(actor, policy, ask(per_page="50"))
            assert sorted(i.service_id for i in found.items) == sorted(str(i) for i in expected)
            assert found.total == len(expected)


async def test_sort_orders(db):
    tenant = await make_tenant()
    store = await make_store(tenant, "Acme")
    title_match = await make_service(store, "Gardening help", price=3_000)
    description_match = await make_service(
        store, "Odd jobs", description="Including some gardening", price=1_000
    )
    other = await make_service(store, "Garden centre trips", price=2_000)
    await review(title_match, 3)
    await review(description_match, 5, 5)
    await review(other, 5)

    # A word in the title counts for more than in the description, even against a better
    # rating ("garden" and "gardening" are one word to the stemmer).
    assert titles(await find(tenant, q="gardening"))[-1] == "Odd jobs"
    assert titles(await find(tenant, q="garden", sort="price")) == [
        "Odd jobs",
        "Garden centre trips",
        "Gardening help",
    ]
    assert titles(await find(tenant, q="garden", sort="price-high")) == [
        "Gardening help",
        "Garden centre trips",
        "Odd jobs",
    ]
    # Highest average first; more reviews breaks a tie.
    assert titles(await find(tenant, sort="rating")) == [
        "Odd jobs",
        "Garden centre trips",
        "Gardening help",
    ]


async def test_pages(db):
    tenant = await make_tenant()
    store = await make_store(tenant)
    for n in range(25):
        await make_service(store, f"Service {n:02d}", price=100 * n)
    first = await find(tenant, sort="price")
    assert (first.total, first.pages, first.first, first.last) == (25, 2, 1, 20)
    second = await find(tenant, sort="price", page="2")
    assert titles(second) == [f"Service {n:02d}" for n in range(20, 25)]
    assert (second.first, second.last) == (21, 25)
    beyond = await find(tenant, sort="price", page="7")
    assert beyond.items == [] and beyond.total == 25 and beyond.past_the_end


# --- the pages ---------------------------------------------------------------------------


async def test_search_page_shows_results_with_price_area_rating_and_badge(db, client_for):
    tenant = await make_tenant()
    store = await make_store(tenant, "Sunny Days Care")
    await accredit(store)
    service = await make_service(
        store, "Swimming lessons", description="Lessons in the leisure centre pool",
        price=1_500, areas={"HA1": 1_800}, unit=Unit.SESSION,
    )  # fmt: skip
    await review(service, 4, 5)
    async with client_for(tenant) as client:
        page = await client.get("/search", params={"q": "swim", "postcode": "ha1 2ab"})
    assert page.status_code == 200
    html = page.text
    assert "1 service found" in html and "Swimming lessons" in html
    assert "£18.00 a session in HA1" in html and "Offered in HA1" in html
    assert "4.5 out of 5 (2 reviews)" in html and "Council approved" in html
    assert "Sunny Days Care" in html and f'href="/services/{service.id}?postcode=HA1"' in html
    assert f'name="service" type="checkbox" value="{service.id}"' in html
    assert html.count("<h1") == 1


async def test_search_page_with_a_bad_postcode_says_so(db, client_for):
    tenant = await make_tenant()
    async with client_for(tenant) as client:
        page = await client.get("/search", params={"q": "care", "postcode": "ZZ99 9ZZ9"})
    assert page.status_code == 400
    assert "We do not recognise the postcode ZZ99 9ZZ9" in page.text
    assert 'href="#postcode"' in page.text and "<title>Error:" in page.text


async def test_search_page_pages_and_sort_links_keep_the_question(db, client_for):
    tenant = await make_tenant()
    store = await make_store(tenant)
    for n in range(25):
        await make_service(store, f"Walk {n:02d}", price=100 * n)
    async with client_for(tenant) as client:
        page = await client.get("/search", params={"q": "walk", "sort": "price-high"})
        assert "Showing 1 to 20 of 25" in page.text
        assert 'href="/search?q=walk&amp;sort=price-high&amp;page=2"' in page.text
        assert '<option value="price-high" selected>' in page.text
        second = await client.get("/search?q=walk&sort=price-high&page=2")
        assert "Showing 21 to 25 of 25" in second.text and "Walk 00" in second.text
        beyond = await client.get("/search?q=walk&sort=price-high&page=40")
        assert beyond.status_code == 303
        assert beyond.headers["location"] == "/search?q=walk&sort=price-high&page=2"


async def test_home_page_has_a_search_box(db, client_for):
    tenant = await make_tenant()
    async with client_for(tenant) as client:
        html = (await client.get("/")).text
    assert 'action="/search"' in html and "Find care and support" in html


# --- compare -----------------------------------------------------------------------------


async def compared_pair(tenant):
    sunny = await make_store(tenant, "Sunny Days Care")
    river = await make_store(tenant, "Riverside Helpers")
    await accredit(sunny)
    await case_study(sunny, "Getting Mum to the pool", "She swims every week now.")
    first = await make_service(
        sunny, "Swimming lessons", unit=Unit.SESSION, price=1_500, areas={"HA1": 1_800},
        availability={"sat": ["10:00-12:00"]},
    )  # fmt: skip
    second = await make_service(
        river, "Aqua aerobics", unit=Unit.HOUR, price=1_200, areas={"HA2": None}
    )
    await review(first, 5, 4)
    return first, second


async def test_compare_shows_price_for_the_postcode_and_the_rest_side_by_side(db, client_for):
    tenant = await make_tenant()
    first, second = await compared_pair(tenant)
    async with client_for(tenant) as client:
        page = await client.get(
            "/compare", params={"service": [str(first.id), str(second.id)], "postcode": "HA1 2AB"}
        )
    assert page.status_code == 200
    html = page.text
    assert "Prices are for HA1 2AB" in html
    assert "£18.00 a session" in html and "Not offered in HA1" in html
    assert "Session" in html and "Hour" in html
    assert "4.5 out of 5" in html and "No rating yet" in html
    assert "Getting Mum to the pool" in html and "She swims every week now." in html
    assert "Council approved" in html and "Not approved" in html
    assert "Saturday: 10:00 to 12:00" in html and "Ask the provider" in html
    assert html.index("Swimming lessons") < html.index("Aqua aerobics")  # the order chosen


async def test_compare_without_a_postcode_uses_the_persons_own(db, client_for):
    tenant = await make_tenant()
    first, second = await compared_pair(tenant)
    person = await make_member(tenant, ["person"])
    await PersonProfile.create(tenant_id=tenant.id, membership=person, postcode="HA1 2AB")
    async with client_for(tenant) as client:
        await signed_in_client(client, person)
        html = (await client.get(f"/compare?service={first.id}&service={second.id}")).text
    assert "Prices are for HA1 2AB, the postcode on your details" in html
    assert "£18.00 a session" in html


async def test_compare_takes_up_to_four(db, client_for):
    tenant = await make_tenant()
    store = await make_store(tenant)
    services = [await make_service(store, f"Option {n}") for n in range(1, 6)]
    async with client_for(tenant) as client:
        five = await client.get("/compare", params={"service": [str(s.id) for s in services]})
        one = await client.get("/compare", params={"service": str(services[0].id)})
        bad_postcode = await client.get(
            "/compare", params={"service": [str(s.id) for s in services[:2]], "postcode": "nope"}
        )
    assert five.status_code == 200
    assert [f"Option {n}" in five.text for n in range(1, 6)] == [True] * 4 + [False]
    assert "You can compare up to 4 services at a time" in five.text
    assert one.status_code == 400 and "Choose 2, 3 or 4 services to compare" in one.text
    assert bad_postcode.status_code == 400
    assert "We do not recognise the postcode NOPE" in bad_postcode.text


async def test_compare_refuses_what_the_visitor_may_not_see(db, client_for):
    tenant = await make_tenant()
    store = await make_store(tenant)
    listed = await make_service(store, "Listed")
    draft = await make_service(store, "Draft", status=PublishStatus.DRAFT)
    private = await make_service(store, "Private", visibility=Visibility.PRIVATE)
    async with client_for(tenant) as client:
        for hidden in (draft, private):
            page = await client.get(f"/compare?service={listed.id}&service={hidden.id}")
            assert page.status_code == 404 and hidden.title not in page.text
        page = await client.get(f"/compare?service={listed.id}&service=not-a-uuid")
        assert page.status_code == 404


# --- unmet needs -------------------------------------------------------------------------


async def test_an_empty_search_offers_to_tell_the_council_and_records_it(db, client_for):
    tenant = await make_tenant("needham", "Needham Council")
    async with client_for(tenant) as client:
        page = await client.get(
            "/search", params={"q": "horse riding", "postcode": "HA1 2AB", "category": "leisure"}
        )
        assert page.status_code == 200 and "No services found" in page.text
        assert "Tell the council what you were looking for" in page.text
        assert "No services in this marketplace are offered in HA1 yet" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        sent = await client.post(
            "/search/needs",
            data={
                "csrf_token": token,
                "q": "horse riding",
                "category": "leisure",
                "postcode": "HA1 2AB",
                "details": "Saturday mornings, with a hoist",
            },
            headers=SAME_ORIGIN,
        )
        assert sent.status_code == 303
        thanks = await client.get(sent.headers["location"])
    assert "Thank you for telling us" in thanks.text
    assert 'href="/search?q=horse+riding' in thanks.text
    (need,) = await UnmetNeed.filter(tenant_id=tenant.id)
    assert (need.words, need.category, need.district) == ("horse riding", "leisure", "HA1")
    assert need.details == "Saturday mornings, with a hoist" and need.membership_id is None


async def test_a_signed_in_member_is_recorded_with_their_need(db, client_for):
    tenant = await make_tenant()
    person = await make_member(tenant, ["person"])
    async with client_for(tenant) as client:
        await signed_in_client(client, person)
        form = await client.get("/search/needs?q=canoeing")
        assert form.status_code == 200 and 'value="canoeing"' in form.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        too_long = await client.post(
            "/search/needs",
            data={"csrf_token": token, "q": "canoeing", "details": "x" * 1001},
            headers=SAME_ORIGIN,
        )
        assert too_long.status_code == 400 and "1,000 characters or fewer" in too_long.text
        nothing = await client.post(
            "/search/needs", data={"csrf_token": token}, headers=SAME_ORIGIN
        )
        assert nothing.status_code == 400 and "Tell us what you were looking for" in nothing.text
        sent = await client.post(
            "/search/needs",
            data={"csrf_token": token, "q": "canoeing", "category": "not-a-kind"},
            headers=SAME_ORIGIN,
        )
        assert sent.status_code == 303
    (need,) = await UnmetNeed.filter(tenant_id=tenant.id)
    assert need.membership_id == person.id and need.words == "canoeing"
    assert need.category is None and need.district is None


# --- councils apart ----------------------------------------------------------------------


async def test_another_councils_services_are_never_found_or_compared(db, client_for):
    alpha = await make_tenant("alphaton", "Alphaton Council")
    bravo = await make_tenant("bravoton", "Bravoton Council")
    ours = await make_service(await make_store(alpha, "Alpha Care"), "Alpha swimming")
    theirs = await make_service(await make_store(bravo, "Bravo Care"), "Bravo swimming")
    await make_service(await make_store(bravo, "Bravo Two"), "Bravo riding")
    async with client_for(alpha) as client:
        found = await client.get("/search", params={"q": "swimming", "postcode": "HA1"})
        everything = await client.get("/search")
        compared = await client.get(f"/compare?service={ours.id}&service={theirs.id}")
        bravo_only = await client.get(
            "/compare", params={"service": [str(theirs.id), str(theirs.id)]}
        )
    assert "Alpha swimming" in found.text and "Bravo" not in found.text
    assert "Bravo" not in everything.text and "1 service" not in everything.text
    assert compared.status_code == 404 and "Bravo" not in compared.text
    assert bravo_only.status_code in (400, 404) and "Bravo" not in bravo_only.text
    assert titles(await find(bravo, q="alpha")) == []


async def test_member_of_another_council_is_not_an_audience_here(db):
    alpha = await make_tenant()
    bravo = await make_tenant()
    person = await make_member(bravo, ["person"])
    private = await make_service(
        await make_store(bravo), "Private bravo", visibility=Visibility.PRIVATE
    )
    await offer_privately(private, person)
    # Even if a membership of council B were passed while on council A's site:
    stranger = await Membership.get(id=person.id)
    assert titles(await find(alpha, member=stranger)) == []


async def test_stores_of_one_council_do_not_lend_names_to_another(db):
    alpha = await make_tenant()
    bravo = await make_tenant()
    await make_service(await make_store(alpha, "Shared Name Care"), "Alpha service")
    await make_service(await make_store(bravo, "Shared Name Care"), "Bravo service")
    assert titles(await find(alpha, q="shared")) == ["Alpha service"]
    assert await Store.filter(name="Shared Name Care").count() == 2
