"""Pages: search the marketplace, compare services side by side, tell the council what
was missing. Anyone may use them, signed in or not (a member also sees the private
services offered to them)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.accreditation.policy import accreditation_policy
from core.budgets.categories import BY_CODE
from core.errors import InvalidInput, NotFound
from core.ledger.money import pounds
from core.marketplace.catalogue import DAYS
from core.marketplace.categories import Kind, kinds_for
from core.marketplace.search import (
    MAX_COMPARE,
    MAX_NEED_DETAILS,
    RATINGS,
    SORTS,
    SearchQuery,
    compare,
    record_unmet_need,
    search,
)
from core.web.forms import actor_of, field_errors, form_values, see_other
from core.web.responses import render

SEARCH_FIELDS = ("q", "category", "postcode", "min_price", "max_price", "day", "rating")


def _values(request: Request) -> dict[str, str]:
    return {key: value.strip() for key, value in request.query_params.items()}


def _category_options(kinds: list[Kind]) -> list[tuple[str, str]]:
    """For the select: standard kinds, the council's own indented under their parent."""
    return [(k.code, f"{k.label} ({BY_CODE[k.standard_code].label})" if k.own else k.label)
            for k in kinds]  # fmt: skip


def _choices(kinds: list[Kind]) -> dict[str, object]:
    return {
        "category_options": _category_options(kinds),
        "days": list(DAYS.items()),
        "ratings": list(RATINGS.items()),
        "sorts": list(SORTS.items()),
        "pounds": pounds,
        "max_compare": MAX_COMPARE,
    }


async def search_page(request: Request) -> Response:
    actor = actor_of(request)
    assert actor.tenant is not None
    kinds = await kinds_for(actor.tenant)
    values = _values(request)
    try:
        query = SearchQuery.from_form(values, kinds)
    except InvalidInput as refused:
        return render(
            request,
            "marketplace/search/search.html",
            "Error: Find care and support",
            status_code=400,
            values=values,
            errors=field_errors(refused.problems),
            results=None,
            query=None,
            **_choices(kinds),
        )
    results = await search(actor, accreditation_policy(request.state.plugins), query, kinds)
    if results.past_the_end:
        return see_other(query.url(page=results.pages))
    title = "Find care and support"
    if query.narrowed:
        title = f"{results.total:,} {'service' if results.total == 1 else 'services'} found"
    return render(
        request,
        "marketplace/search/search.html",
        title if query.page == 1 else f"{title} (page {query.page} of {results.pages})",
        values=query.params(),
        errors={},
        results=results,
        query=query,
        need_fields=_need_fields(query),
        pagination=pagination(query, results.pages),
        **_choices(kinds),
    )


def pagination(query: SearchQuery, pages: int) -> dict[str, Any] | None:
    """govukPagination's parameters: first, last, and the pages either side of this one."""
    if pages <= 1:
        return None
    numbers = sorted({1, pages, *range(max(1, query.page - 1), min(pages, query.page + 1) + 1)})
    items: list[dict[str, Any]] = []
    for number in numbers:
        if items and number - items[-1]["number"] > 1:
            items.append({"ellipsis": True, "number": number - 1})
        items.append(
            {"number": number, "href": query.url(page=number), "current": number == query.page}
        )
    return {
        "items": [{"ellipsis": True} if item.get("ellipsis") else item for item in items],
        "previous": {"href": query.url(page=query.page - 1)} if query.page > 1 else None,
        "next": {"href": query.url(page=query.page + 1)} if query.page < pages else None,
        "landmarkLabel": "Results pages",
    }


def _need_fields(query: SearchQuery) -> dict[str, str]:
    """What the unmet-need form carries from the search (as hidden fields)."""
    return {
        key: value for key, value in query.params().items() if key in ("q", "category", "postcode")
    }


async def compare_page(request: Request) -> Response:
    actor = actor_of(request)
    chosen = [value for value in request.query_params.getlist("service") if value.strip()]
    postcode = request.query_params.get("postcode", "").strip()
    back = request.query_params.get("back", "")
    back = back if back.startswith("/search") and not back.startswith("//") else "/search"
    try:
        comparison = await compare(
            actor, accreditation_policy(request.state.plugins), chosen, postcode
        )
    except NotFound:
        raise HTTPException(404) from None
    except InvalidInput as refused:
        return render(
            request,
            "marketplace/search/compare.html",
            "Error: Compare services",
            status_code=400,
            comparison=None,
            errors=field_errors(refused.problems),
            chosen=chosen[:MAX_COMPARE],
            postcode=postcode,
            back=back,
            max_compare=MAX_COMPARE,
        )
    return render(
        request,
        "marketplace/search/compare.html",
        "Compare services",
        comparison=comparison,
        errors={},
        chosen=[s.service_id for s in comparison.services],
        postcode=comparison.postcode or "",
        back=back,
        max_compare=MAX_COMPARE,
    )


async def _need_page(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return render(
        request,
        "marketplace/search/need.html",
        ("Error: " if errors else "") + "Tell the council what you were looking for",
        status_code=status,
        values=values,
        errors=errors,
        max_details=MAX_NEED_DETAILS,
    )


async def need_form(request: Request) -> Response:
    values = {k: v for k, v in _values(request).items() if k in ("q", "category", "postcode")}
    return await _need_page(request, values, {})


async def record_need(request: Request) -> Response:
    actor = actor_of(request)
    assert actor.tenant is not None
    values = await form_values(request)
    searched = {key: values.get(key, "") for key in ("q", "category", "postcode")}
    kinds = await kinds_for(actor.tenant)
    if searched["category"] not in {kind.code for kind in kinds}:
        searched["category"] = ""  # a hidden field: never an error the person cannot fix
    try:
        query = SearchQuery.from_form(searched, kinds)
        await record_unmet_need(actor, query, values.get("details", ""))
    except InvalidInput as refused:
        return await _need_page(request, values | searched, field_errors(refused.problems), 400)
    back = urlencode({k: v for k, v in searched.items() if v})
    return see_other("/search/needs/thank-you" + (f"?{back}" if back else ""))


async def need_thanks(request: Request) -> Response:
    values = {k: v for k, v in _values(request).items() if k in ("q", "category", "postcode")}
    again = "/search" + (f"?{urlencode(values)}" if values else "")
    return render(
        request,
        "marketplace/search/need_thanks.html",
        "Thank you for telling us",
        search_again=again,
    )


routes = [
    Route("/search", search_page, methods=["GET"], name="search:results"),
    Route("/compare", compare_page, methods=["GET"], name="search:compare"),
    Route("/search/needs", need_form, methods=["GET"], name="search:need"),
    Route("/search/needs", record_need, methods=["POST"]),
    Route("/search/needs/thank-you", need_thanks, methods=["GET"], name="search:need-thanks"),
]
