"""Console: the funding types budgets can use, and the council's own."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.budgets.categories import CATEGORIES, STANDARD_FUNDING_TYPES
from core.budgets.funding_types import add_council_funding_type, funding_types
from core.errors import InvalidInput
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.responses import render


async def _page(request: Request, status: int = 200, **extra: object) -> Response:
    actor = actor_of(request)
    await require_council(actor, Permission.MANAGE_BUDGETS)
    assert actor.tenant is not None
    standard = {t.code for t in STANDARD_FUNDING_TYPES}
    kinds = await funding_types(actor.tenant.id)
    extra.setdefault("errors", {})
    extra.setdefault("values", {})
    extra.setdefault("chosen", [])
    labels = {c.code: c.label for c in CATEGORIES}
    return render(
        request,
        "council/funding_types.html",
        "Funding types",
        status_code=status,
        standard=[k for k in kinds if k.code in standard],
        own=[k for k in kinds if k.code not in standard],
        categories=CATEGORIES,
        category_labels=labels,
        **extra,
    )


@signed_in
async def list_types(request: Request) -> Response:
    return await _page(request, added=request.query_params.get("added"))


@signed_in
async def add_type(request: Request) -> Response:
    form = await request.form()
    values = await form_values(request)
    chosen = [str(code) for code in form.getlist("categories")]
    try:
        await add_council_funding_type(
            actor_of(request), values.get("code", ""), values.get("label", ""), chosen or None
        )
    except InvalidInput as refused:
        return await _page(
            request, 400, errors=field_errors(refused.problems), values=values, chosen=chosen
        )
    return see_other("/council/funding-types?added=1")


routes = [
    Route("/council/funding-types", list_types, methods=["GET"], name="console:funding-types"),
    Route("/council/funding-types", add_type, methods=["POST"]),
]
