"""Finding and comparing services: words, kind of service, postcode, price, day, rating.

``search(actor, policy, query)`` answers a results page in a fixed number of
queries whatever the page size: one for the page itself (the services, their
store, the area's price, the average rating and number of reviews, the
accreditation badge, relevance and the total, in a single statement) and, when
no postcode was given, one for the areas the page's services cover. The kinds of
service (one query) are loaded by the caller, who needs them to check the query.
Only an empty page adds one: the total when the page is past the end, or
whether anything at all is offered in the district.

Which services: exactly ``visibility.visible_services`` (live service in a live
store; under a kitemark policy only accredited providers; a private service only
for its audience), written in SQL so the page is one statement. A test checks
the two agree.

Text search: PostgreSQL's own (``service.search_vector``, english, title A,
description B, store name C; GIN index; ``ts_rank``), SQLite's FTS5
(``service_fts``, porter stemming, ``bm25``) and, where SQLite has no FTS5,
``LIKE`` with a simple score. Every word must match; each is also a prefix
(``physio`` finds physiotherapy). See migration 0008.

A search that finds nothing can be kept as an unmet need for the council's
market-shaping reports (``record_unmet_need``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from core.accreditation.policy import AccreditationPolicy
from core.budgets.categories import BY_CODE
from core.clock import uk_today
from core.errors import FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.ids import parse_uuid
from core.ledger.money import parse_pounds, pounds
from core.marketplace.catalogue import (
    DAYS,
    UNIT_WORDS,
    availability_rows,
    media_url,
    price_words,
)
from core.marketplace.categories import Kind, kinds_for
from core.marketplace.districts import known_district
from core.marketplace.models import (
    CaseStudy,
    PublishStatus,
    Store,
    Unit,
    UnmetNeed,
    Visibility,
)
from core.marketplace.pricing import area_prices
from core.marketplace.visibility import accredited_provider_ids, visible_services
from core.people.models import PersonProfile
from core.postcodes import parse_district, parse_postcode

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_PAGE = 500  # deeper than anyone reads; keeps OFFSET cheap
MAX_WORDS = 200
MAX_TERMS = 8
MAX_PRICE_PENCE = 10_000_000  # the catalogue's own limit for one unit
MAX_COMPARE = 4
MAX_NEED_DETAILS = 1_000
AREAS_SHOWN = 5

SORTS: dict[str, str] = {
    "relevance": "Best match",
    "price": "Price: lowest first",
    "price-high": "Price: highest first",
    "rating": "Highest rated",
}
RATINGS: dict[int, str] = {
    4: "4 stars or more",
    3: "3 stars or more",
    2: "2 stars or more",
    1: "1 star or more",
}
TRUE_WORDS = frozenset({"1", "on", "yes", "true"})


def unrecognised_postcode(text: str) -> str:
    shown = " ".join(text.split()).upper()
    return (
        f"We do not recognise the postcode {shown}. Enter a postcode like HA1 2AB, "
        "or the first part, like HA1"
    )


# ---------------------------------------------------------------------------
# The question
# ---------------------------------------------------------------------------


def search_terms(words: str) -> tuple[str, ...]:
    """The words a search matches, lower case: letters and digits only (so they are safe
    in a PostgreSQL tsquery and an FTS5 query), one-letter words dropped, at most 8."""
    found = [t for t in re.findall(r"[^\W_]+", words.lower()) if len(t) > 1 or t.isdigit()]
    return tuple(dict.fromkeys(found))[:MAX_TERMS]


def _pence(values: Mapping[str, str], name: str, which: str, problems: list) -> int | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    try:
        pence = parse_pounds(text)
    except ValueError:
        problems.append(FieldProblem(name, f"Enter the {which} price in pounds, like 15 or 12.50"))
        return None
    if pence > MAX_PRICE_PENCE:
        problems.append(
            FieldProblem(name, f"Enter a {which} price of {pounds(MAX_PRICE_PENCE)} or less")
        )
        return None
    return pence


def _whole(text: str, default: int, low: int, high: int) -> int:
    """A page number or size from a link: anything odd falls back quietly."""
    return min(max(int(text), low), high) if text.strip().isdigit() else default


@dataclass(frozen=True)
class SearchQuery:
    """What a person asked for, checked. ``postcode`` is as shown back (normal form);
    ``district`` is what filters (``HA1``); prices are pence."""

    words: str = ""
    category: str | None = None
    postcode: str | None = None
    district: str | None = None
    min_price_pence: int | None = None
    max_price_pence: int | None = None
    day: str | None = None
    min_rating: int | None = None
    accredited_only: bool = False
    sort: str = "relevance"
    page: int = 1
    per_page: int = PAGE_SIZE

    @classmethod
    def from_form(cls, values: Mapping[str, str], kinds: Iterable[Kind]) -> SearchQuery:
        """From the search form's fields (``q``, ``category``, ``postcode``, ``min_price``,
        ``max_price``, ``day``, ``rating``, ``accredited``, ``sort``, ``page``,
        ``per_page``); InvalidInput names every field a person must correct."""
        problems: list[FieldProblem] = []
        words = " ".join(values.get("q", "").split())
        if len(words) > MAX_WORDS:
            problems.append(FieldProblem("q", f"Enter {MAX_WORDS} characters or fewer"))
        category = values.get("category", "").strip() or None
        if category is not None and category not in {kind.code for kind in kinds}:
            problems.append(FieldProblem("category", "Choose a kind of service from the list"))
        postcode = district = None
        typed = values.get("postcode", "").strip()
        if typed:
            district = parse_district(typed)
            if district is None or not known_district(district):
                problems.append(FieldProblem("postcode", unrecognised_postcode(typed)))
                district = None
            else:
                postcode = parse_postcode(typed) or district
        low = _pence(values, "min_price", "lowest", problems)
        high = _pence(values, "max_price", "highest", problems)
        if low is not None and high is not None and high < low:
            problems.append(
                FieldProblem("max_price", "The highest price must be the same as or more "
                             "than the lowest price")
            )  # fmt: skip
        day = values.get("day", "").strip() or None
        if day is not None and day not in DAYS:
            problems.append(FieldProblem("day", "Choose a day from the list"))
        rating_text = values.get("rating", "").strip()
        min_rating = None
        if rating_text:
            if rating_text.isdigit() and int(rating_text) in RATINGS:
                min_rating = int(rating_text)
            else:
                problems.append(FieldProblem("rating", "Choose a rating from the list"))
        if problems:
            raise InvalidInput("check the search", problems)
        sort = values.get("sort", "").strip()
        return cls(
            words=words,
            category=category,
            postcode=postcode,
            district=district,
            min_price_pence=low,
            max_price_pence=high,
            day=day,
            min_rating=min_rating,
            accredited_only=values.get("accredited", "").strip().lower() in TRUE_WORDS,
            sort=sort if sort in SORTS else "relevance",
            page=_whole(values.get("page", ""), 1, 1, MAX_PAGE),
            per_page=_whole(values.get("per_page", ""), PAGE_SIZE, 1, MAX_PAGE_SIZE),
        )

    @property
    def terms(self) -> tuple[str, ...]:
        return search_terms(self.words)

    @property
    def narrowed(self) -> bool:
        """Anything asked for beyond browsing everything."""
        return bool(
            self.terms
            or self.category
            or self.district
            or self.min_price_pence is not None
            or self.max_price_pence is not None
            or self.day
            or self.min_rating
            or self.accredited_only
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The query as the form's fields (for links: pages, sort, compare, unmet need)."""
        query = replace(self, **changes) if changes else self
        fields = {
            "q": query.words,
            "category": query.category or "",
            "postcode": query.postcode or "",
            "min_price": _pounds_field(query.min_price_pence),
            "max_price": _pounds_field(query.max_price_pence),
            "day": query.day or "",
            "rating": str(query.min_rating or ""),
            "accredited": "1" if query.accredited_only else "",
            "sort": "" if query.sort == "relevance" else query.sort,
            "page": "" if query.page == 1 else str(query.page),
            "per_page": "" if query.per_page == PAGE_SIZE else str(query.per_page),
        }
        return {name: value for name, value in fields.items() if value}

    def url(self, **changes: Any) -> str:
        params = self.params(**changes)
        return "/search" + (f"?{urlencode(params)}" if params else "")


def _pounds_field(pence: int | None) -> str:
    if pence is None:
        return ""
    whole, part = divmod(pence, 100)
    return f"{whole}" if part == 0 else f"{whole}.{part:02d}"


# ---------------------------------------------------------------------------
# The SQL: one statement per page, for PostgreSQL, SQLite FTS5 or SQLite LIKE
# ---------------------------------------------------------------------------


class _Params:
    """Numbered parameters (``$1`` for asyncpg, ``?1`` for SQLite), so a value can be
    used twice and the order of building does not matter."""

    def __init__(self, engine: str) -> None:
        self.marker = "$" if engine == "postgres" else "?"
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"{self.marker}{len(self.values)}"

    def many(self, values: Iterable[Any]) -> str:
        return ", ".join(self(value) for value in values)


@dataclass(frozen=True)
class SearchPlan:
    """Everything the statement depends on, worked out before it is built."""

    engine: str  # "postgres", "fts5" or "like"
    tenant_id: int
    membership_id: Any  # a private service's audience member, or None
    kitemark: bool  # the council lists accredited providers only
    today: date
    query: SearchQuery
    category_codes: tuple[str, ...] = ()
    count_only: bool = False


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def build_search_sql(plan: SearchPlan) -> tuple[str, list[Any]]:
    """The page statement (or, with ``count_only``, how many match) and its parameters.

    Parameters only ever carry what people typed; everything spliced into the text is
    a constant of this module.
    """
    query, postgres = plan.query, plan.engine == "postgres"
    p = _Params(plan.engine)
    tenant = p(plan.tenant_id)
    live, public = PublishStatus.LIVE.value, Visibility.PUBLIC.value
    joins = ["JOIN store st ON st.id = s.store_id"]
    where = [f"s.tenant_id = {tenant}", f"s.status = '{live}'", f"st.status = '{live}'"]
    if plan.membership_id is None:
        where.append(f"s.visibility = '{public}'")
    else:
        member = p(plan.membership_id if postgres else str(plan.membership_id))
        where.append(
            f"(s.visibility = '{public}' OR EXISTS (SELECT 1 FROM private_audience pa "
            f"WHERE pa.tenant_id = {tenant} AND pa.service_id = s.id "
            f"AND pa.membership_id = {member}))"
        )
    if plan.kitemark or query.accredited_only or not plan.count_only:
        # At most one row: accreditation is unique per (tenant, provider).
        today = p(plan.today if postgres else plan.today.isoformat())
        joins.append(
            f"LEFT JOIN accreditation acc ON acc.tenant_id = {tenant} "
            "AND acc.provider_id = st.provider_id AND acc.status = 'accredited' "
            f"AND (acc.expires_on IS NULL OR acc.expires_on >= {today})"
        )
    if plan.kitemark or query.accredited_only:
        where.append("acc.id IS NOT NULL")

    relevance = "0"
    terms = query.terms
    if terms and plan.engine == "postgres":
        words = p(" & ".join(f"{term}:*" for term in terms))
        joins.append(f"CROSS JOIN to_tsquery('english', {words}) AS words")
        where.append("s.search_vector @@ words")
        relevance = "ts_rank(s.search_vector, words)"
    elif terms and plan.engine == "fts5":
        words = p(" ".join(f'"{term}"*' for term in terms))
        joins.append(
            "JOIN (SELECT service_id, bm25(service_fts, 0.0, 10.0, 4.0, 2.0) AS score "
            f"FROM service_fts WHERE service_fts MATCH {words}) AS words "
            "ON words.service_id = s.id"
        )
        relevance = "-words.score"
    elif terms:
        scores = []
        for term in terms:
            like = p(_like(term))
            title, description, store = (
                f"{column} LIKE {like} ESCAPE '\\'"
                for column in ("s.title", "s.description", "st.name")
            )
            where.append(f"({title} OR {description} OR {store})")
            scores.append(
                f"(CASE WHEN {title} THEN 4 ELSE 0 END + CASE WHEN {description} THEN 2 "
                f"ELSE 0 END + CASE WHEN {store} THEN 1 ELSE 0 END)"
            )
        relevance = " + ".join(scores)

    if query.district is not None:
        joins.append(
            f"JOIN service_area sa ON sa.service_id = s.id AND sa.district = {p(query.district)}"
        )
        price = "COALESCE(sa.price_pence, s.unit_price_pence)"
        area_price = "(sa.price_pence IS NOT NULL)"
    else:
        price, area_price = "s.unit_price_pence", "FALSE"
    if plan.category_codes:
        where.append(f"s.category IN ({p.many(plan.category_codes)})")
    if query.min_price_pence is not None:
        where.append(f"{price} >= {p(query.min_price_pence)}")
    if query.max_price_pence is not None:
        where.append(f"{price} <= {p(query.max_price_pence)}")
    if query.day is not None and postgres:
        day = p(query.day)
        where.append(
            f"jsonb_typeof(s.availability -> {day}::text) = 'array' "
            f"AND s.availability -> {day}::text <> '[]'::jsonb"
        )
    elif query.day is not None:
        where.append(f"json_array_length(s.availability, {p('$.' + query.day)}) > 0")

    needs_ratings = not plan.count_only or query.min_rating is not None
    if needs_ratings and postgres:
        joins.append(
            "LEFT JOIN LATERAL (SELECT round(avg(rv.rating)::numeric, 1)::float8 AS average, "
            "count(*) AS reviews FROM review rv WHERE rv.service_id = s.id "
            "AND rv.hidden_at IS NULL) AS r ON TRUE"
        )
    elif needs_ratings:
        joins.append(
            "LEFT JOIN (SELECT service_id, round(avg(rating), 1) AS average, count(*) AS reviews "
            f"FROM review WHERE tenant_id = {tenant} AND hidden_at IS NULL GROUP BY service_id) "
            "AS r "
            "ON r.service_id = s.id"
        )
    if query.min_rating is not None:
        where.append(f"COALESCE(r.average, 0) >= {p(query.min_rating)}")

    body = f"FROM service s {' '.join(joins)} WHERE {' AND '.join(where)}"
    if plan.count_only:
        return f"SELECT count(*) AS total {body}", p.values

    order = {
        "relevance": "relevance DESC, COALESCE(r.average, 0) DESC",
        "price": "shown_price",
        "price-high": "shown_price DESC",
        "rating": "COALESCE(r.average, 0) DESC, COALESCE(r.reviews, 0) DESC",
    }[query.sort]
    limit, offset = p(query.per_page), p((query.page - 1) * query.per_page)
    sql = (
        "SELECT s.id, s.title, substr(s.description, 1, 300) AS description, s.category, "
        "s.unit, s.unit_price_pence, s.takes_bookings, st.name AS store_name, "
        f"st.slug AS store_slug, {price} AS shown_price, {area_price} AS area_price, "
        "r.average AS rating, COALESCE(r.reviews, 0) AS reviews, "
        f"(acc.id IS NOT NULL) AS accredited, {relevance} AS relevance, count(*) OVER () AS total "
        f"{body} ORDER BY {order}, lower(s.title), s.id LIMIT {limit} OFFSET {offset}"
    )
    return sql, p.values


_FTS5_BY_DATABASE: dict[str, bool] = {}


async def text_search_engine(client: BaseDBAsyncClient | None = None) -> str:
    """``postgres``, ``fts5`` or ``like`` (SQLite without FTS5: migration 0008 made no
    ``service_fts``). Looked up once per SQLite file."""
    client = client or connections.get("default")
    if client.capabilities.dialect == "postgres":
        return "postgres"
    key = str(getattr(client, "filename", ""))
    if key not in _FTS5_BY_DATABASE:
        rows = await client.execute_query_dict(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'service_fts'"
        )
        _FTS5_BY_DATABASE[key] = bool(rows)
    return "fts5" if _FTS5_BY_DATABASE[key] else "like"


# ---------------------------------------------------------------------------
# The answer
# ---------------------------------------------------------------------------


def _summary(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def rating_words(rating: float | None, reviews: int) -> str:
    if not reviews or rating is None:
        return "No reviews yet"
    return f"{rating:g} out of 5 ({reviews} {'review' if reviews == 1 else 'reviews'})"


@dataclass(frozen=True)
class SearchResult:
    service_id: str
    title: str
    summary: str
    store_name: str
    store_slug: str
    category: str
    category_label: str
    unit: str
    price_pence: int  # the area's price when a postcode was given, else the service's own
    area_price: bool  # the price is the area's own, not the service's usual one
    district: str | None  # the district searched for
    districts: tuple[str, ...]  # without a postcode: the first few districts it covers
    more_districts: int
    rating: float | None
    reviews: int
    badge: str | None
    takes_bookings: bool
    relevance: float = 0.0
    thumbnail_key: str | None = None
    thumbnail_alt: str = ""

    @property
    def thumbnail_url(self) -> str | None:
        return media_url(self.thumbnail_key) if self.thumbnail_key else None

    @property
    def free(self) -> bool:
        return self.price_pence == 0

    @property
    def price_words(self) -> str:
        return price_words(self.price_pence, Unit(self.unit))

    @property
    def rating_words(self) -> str:
        return rating_words(self.rating, self.reviews)

    @property
    def area_words(self) -> str:
        if self.district:
            return f"Offered in {self.district}"
        if not self.districts:
            return "Ask the provider where they work"
        shown = ", ".join(self.districts)
        if self.more_districts:
            more = "area" if self.more_districts == 1 else "areas"
            return f"Offered in {shown} and {self.more_districts} more {more}"
        return f"Offered in {shown}"

    @property
    def url(self) -> str:
        return f"/services/{self.service_id}"


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    items: list[SearchResult]
    total: int
    engine: str
    district_served: bool | None = None  # False: nothing at all is offered in the district
    kinds: list[Kind] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.per_page))

    @property
    def first(self) -> int:
        return (self.query.page - 1) * self.query.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def past_the_end(self) -> bool:
        return not self.items and self.total > 0


def category_codes(kinds: Iterable[Kind], category: str | None) -> tuple[str, ...]:
    """A standard category and the council's own under it; a council's own alone."""
    if category is None:
        return ()
    if category not in BY_CODE:
        return (category,)
    return (category, *(k.code for k in kinds if k.own and k.standard_code == category))


async def search(
    actor: Actor,
    policy: AccreditationPolicy,
    query: SearchQuery,
    kinds: Sequence[Kind] | None = None,
) -> SearchResults:
    """One page of the services ``actor`` may see that match ``query``.

    ``kinds`` are this council's kinds of service (``kinds_for``), loaded here
    if not given. Queries: the page, plus the areas of its services when no postcode
    was given; an empty page adds one (see the module's docstring).
    """
    assert actor.tenant is not None
    client = connections.get("default")
    if kinds is None:
        kinds = await kinds_for(actor.tenant)
    plan = SearchPlan(
        engine=await text_search_engine(client),
        tenant_id=actor.tenant.id,
        membership_id=actor.membership.id if actor.membership is not None else None,
        kitemark=policy.listing_needs_accreditation,
        today=uk_today(),
        query=query,
        category_codes=category_codes(kinds, query.category),
    )
    sql, values = build_search_sql(plan)
    rows = await client.execute_query_dict(sql, values)
    if not rows:
        total, served = 0, None
        if query.page > 1:  # past the last page: how many there are, to offer the last
            total = await _count(client, replace(plan, count_only=True))
        if total == 0 and query.district is not None:
            everything_there = SearchQuery(district=query.district)
            served = bool(
                await _count(client, replace(plan, query=everything_there, count_only=True))
            )
        return SearchResults(query, [], total, plan.engine, served, list(kinds))

    ids = [row["id"] if plan.engine == "postgres" else str(row["id"]) for row in rows]
    areas: dict[str, list[str]] = {}
    if query.district is None:
        p = _Params(plan.engine)
        for row in await client.execute_query_dict(
            f"SELECT service_id, district FROM service_area WHERE service_id IN ({p.many(ids)}) "
            "ORDER BY district",
            p.values,
        ):
            areas.setdefault(str(row["service_id"]), []).append(row["district"])
    photos: dict[str, tuple[str, str]] = {}
    p = _Params(plan.engine)
    for row in await client.execute_query_dict(
        "SELECT service_id, thumbnail_key, alt_text FROM photo "
        f"WHERE service_id IN ({p.many(ids)}) ORDER BY position DESC, created_at DESC",
        p.values,
    ):  # the lowest position (the first photo) wins, as on the service's card
        photos[str(row["service_id"])] = (row["thumbnail_key"], row["alt_text"])
    labels = {kind.code: kind.label for kind in kinds}
    items = []
    for row in rows:
        service_id = str(row["id"])
        covered = areas.get(service_id, [])
        items.append(
            SearchResult(
                service_id=service_id,
                title=row["title"],
                summary=_summary(row["description"] or ""),
                store_name=row["store_name"],
                store_slug=row["store_slug"],
                category=row["category"],
                category_label=labels.get(row["category"], row["category"]),
                unit=row["unit"],
                price_pence=int(row["shown_price"]),
                area_price=bool(row["area_price"]),
                district=query.district,
                districts=tuple(covered[:AREAS_SHOWN]),
                more_districts=max(0, len(covered) - AREAS_SHOWN),
                rating=float(row["rating"]) if row["rating"] is not None else None,
                reviews=int(row["reviews"]),
                badge=policy.badge_label if row["accredited"] else None,
                takes_bookings=bool(row["takes_bookings"]),
                relevance=float(row["relevance"] or 0),
                thumbnail_key=photos.get(service_id, (None, ""))[0],
                thumbnail_alt=photos.get(service_id, (None, ""))[1],
            )
        )
    return SearchResults(query, items, int(rows[0]["total"]), plan.engine, True, list(kinds))


async def _count(client: BaseDBAsyncClient, plan: SearchPlan) -> int:
    sql, values = build_search_sql(plan)
    rows = await client.execute_query_dict(sql, values)
    return int(rows[0]["total"]) if rows else 0


async def service_ratings(service_ids: Sequence[Any]) -> dict[str, tuple[float, int]]:
    """``{service id: (average to one decimal place, number of reviews)}`` for those with
    reviews, in one query. (Tortoise's ``Avg`` on an integer field returns a whole number,
    so 4.5 would show as 4: the average is taken in SQL.)"""
    if not service_ids:
        return {}
    client = connections.get("default")
    postgres = client.capabilities.dialect == "postgres"
    p = _Params("postgres" if postgres else "sqlite")
    ids = p.many(service_ids if postgres else [str(i) for i in service_ids])
    average = "round(avg(rating)::numeric, 1)::float8" if postgres else "round(avg(rating), 1)"
    rows = await client.execute_query_dict(
        f"SELECT service_id, {average} AS average, count(*) AS reviews FROM review "
        f"WHERE service_id IN ({ids}) AND hidden_at IS NULL GROUP BY service_id",
        p.values,
    )
    return {str(row["service_id"]): (float(row["average"]), int(row["reviews"])) for row in rows}


# ---------------------------------------------------------------------------
# Compare, side by side
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseStudyText:
    title: str
    body: str


@dataclass(frozen=True)
class ComparedService:
    service_id: str
    title: str
    store_name: str
    store_slug: str
    category_label: str
    unit_label: str
    price_pence: int | None  # for the district; None: not offered there
    own_price_pence: int
    unit: str
    rating: float | None
    reviews: int
    badge: str | None
    case_studies: list[CaseStudyText]
    availability: list[tuple[str, str]]
    takes_bookings: bool

    @property
    def price_words(self) -> str:
        shown = self.price_pence if self.price_pence is not None else self.own_price_pence
        return price_words(shown, Unit(self.unit))

    @property
    def offered_here(self) -> bool:
        return self.price_pence is not None

    @property
    def rating_words(self) -> str:
        return rating_words(self.rating, self.reviews)

    @property
    def url(self) -> str:
        return f"/services/{self.service_id}"


@dataclass(frozen=True)
class Comparison:
    services: list[ComparedService]
    postcode: str | None
    district: str | None
    left_out: int  # chosen beyond the first four
    postcode_from_profile: bool = False


async def _profile_postcode(actor: Actor) -> str | None:
    if actor.membership is None or actor.tenant is None:
        return None
    profile = await PersonProfile.get_or_none(
        tenant_id=actor.tenant.id, membership_id=actor.membership.id
    )
    return profile.postcode if profile is not None and profile.postcode else None


async def compare(
    actor: Actor, policy: AccreditationPolicy, service_ids: Sequence[str], postcode: str = ""
) -> Comparison:
    """Up to four services the actor may see, side by side, priced for ``postcode`` (or,
    without one, the signed-in person's own postcode). More than four: the first four.
    Fewer than two, or a postcode we do not recognise: InvalidInput. A service the
    actor may not see (another council's, a draft, someone else's private one): NotFound.
    """
    assert actor.tenant is not None
    chosen = list(dict.fromkeys(str(i).strip() for i in service_ids if str(i).strip()))
    problems = []
    if len(chosen) < 2:
        problems.append(FieldProblem("service", "Choose 2, 3 or 4 services to compare"))
    from_profile = False
    typed = postcode.strip()
    if not typed and not problems:
        typed = await _profile_postcode(actor) or ""
        from_profile = bool(typed)
    district = parse_district(typed) if typed else None
    if typed and (district is None or not known_district(district)):
        if from_profile:  # their own record is odd: show the usual prices instead
            typed, district, from_profile = "", None, False
        else:
            problems.append(FieldProblem("postcode", unrecognised_postcode(typed)))
    if problems:
        raise InvalidInput("check what to compare", problems)
    keys = [parse_uuid(value) for value in chosen[:MAX_COMPARE]]
    if any(key is None for key in keys):
        raise NotFound("no such service")
    found = {s.id: s for s in await (await visible_services(actor, policy)).filter(id__in=keys)}
    if len(found) != len(keys):
        raise NotFound("no such service")
    services = [found[key] for key in keys]
    stores = {
        store.id: store
        for store in await Store.filter(
            tenant_id=actor.tenant.id,
            id__in=list({s.store_id for s in services}),  # type: ignore[attr-defined]
        )
    }
    labels = {kind.code: kind.label for kind in await kinds_for(actor.tenant)}
    prices = await area_prices(services, district)
    rated = await service_ratings(keys)
    accredited = await accredited_provider_ids(actor.tenant.id)
    studies: dict[Any, list[CaseStudyText]] = {}
    for study in await CaseStudy.filter(
        tenant_id=actor.tenant.id, store_id__in=list(stores)
    ).order_by("-created_at"):
        studies.setdefault(study.store_id, []).append(  # type: ignore[attr-defined]
            CaseStudyText(study.title, _summary(study.body, 400))
        )
    compared = []
    for service in services:
        store = stores[service.store_id]  # type: ignore[attr-defined]
        rating, reviews = rated.get(str(service.id), (None, 0))
        compared.append(
            ComparedService(
                service_id=str(service.id),
                title=service.title,
                store_name=store.name,
                store_slug=store.slug,
                category_label=labels.get(service.category, service.category),
                unit_label=UNIT_WORDS[Unit(service.unit)][0],
                price_pence=prices[service.id],
                own_price_pence=service.unit_price_pence,
                unit=service.unit,
                rating=rating,
                reviews=reviews,
                badge=policy.badge_label if store.provider_id in accredited else None,  # type: ignore[attr-defined]
                case_studies=studies.get(store.id, []),
                availability=availability_rows(service.availability),
                takes_bookings=service.takes_bookings,
            )
        )
    shown = (parse_postcode(typed) or district) if district else None
    return Comparison(
        compared,
        shown,
        district,
        max(0, len(chosen) - MAX_COMPARE),
        from_profile and bool(district),
    )


# ---------------------------------------------------------------------------
# Unmet needs
# ---------------------------------------------------------------------------


async def record_unmet_need(actor: Actor, query: SearchQuery, details: str) -> UnmetNeed:
    """Keep what a person looked for and did not find, for the council's reports.

    Anyone may tell the council (signed in or not); a signed-in member is recorded
    with it.
    """
    assert actor.tenant is not None
    details = (details or "").strip()
    problems = []
    if len(details) > MAX_NEED_DETAILS:
        problems.append(FieldProblem("details", f"Enter {MAX_NEED_DETAILS:,} characters or fewer"))
    elif not (query.words or query.category or details):
        problems.append(FieldProblem("details", "Tell us what you were looking for"))
    if problems:
        raise InvalidInput("check what you were looking for", problems)
    return await UnmetNeed.create(
        tenant_id=actor.tenant.id,
        membership=actor.membership,
        words=query.words[:MAX_WORDS],
        category=query.category,
        district=query.district,
        details=details,
    )
