"""The basket pages: add a service from its page, see the basket with its quote (total,
what is left, who pays, problems in plain words), change or remove items, and place the
order in one click.

``?person_id=`` (or a ``person_id`` form field) says whose basket, for a circle member or
broker acting for someone; without it the basket is the signed-in person's own. The
services decide who may see (budget:view) and who may change or order (budget:spend).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.accreditation.policy import accreditation_policy
from core.errors import FieldProblem, InvalidInput
from core.identity.models import Membership
from core.identity.permissions import person_permissions
from core.identity.roles import Permission
from core.ledger.money import pounds
from core.marketplace import catalogue
from core.orders import basket
from core.orders.errors import OrderRefused
from core.orders.policy import ordering_policy
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.responses import render


def basket_url(person: Membership, request: Request, **extra: str) -> str:
    """The basket page, naming the person when someone acts for them."""
    actor = actor_of(request)
    query = dict(extra)
    if actor.membership is None or actor.membership.id != person.id:
        query = {"person_id": str(person.id), **query}
    return "/basket" + (f"?{urlencode(query)}" if query else "")


async def _form(request: Request) -> dict[str, str]:
    """The form's fields; ticked days and item ids joined with commas."""
    values = await form_values(request)
    form = await request.form()
    for name in ("days", "item"):
        values[name] = ",".join(v for v in form.getlist(name) if isinstance(v, str))
    return values


async def _basket_page(
    request: Request,
    person: Membership,
    *,
    errors: dict[str, str] | None = None,
    refusal: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    actor = actor_of(request)
    policy = accreditation_policy(request.state.plugins)
    view = await basket.basket_view(actor, person, policy=policy)
    is_self = actor.membership is not None and actor.membership.id == person.id
    may_spend = Permission.SPEND_BUDGET in await person_permissions(actor, person)
    return render(
        request,
        "orders/basket.html",
        "Your basket" if is_self else f"Basket for {person.user.display_name}",
        status_code=status_code,
        view=view,
        person=person,
        is_self=is_self,
        may_spend=may_spend,
        person_query="" if is_self else f"?person_id={person.id}",
        checkout_key=str(uuid.uuid4()),
        errors=errors or {},
        refusal=refusal or [],
        added=request.query_params.get("added"),
        changed=request.query_params.get("changed"),
        pounds=pounds,
    )


@signed_in
async def show_basket(request: Request) -> Response:
    actor = actor_of(request)
    person_id = request.query_params.get("person_id")
    if not await basket.whose(actor, person_id):
        return render(
            request,
            "orders/orders_choose.html",
            "Whose basket?",
            target="/basket",
            choices=await basket.people_supported(actor),
        )
    person = await basket.person_for(actor, person_id, Permission.VIEW_BUDGET)
    return await _basket_page(request, person)


@signed_in
async def add_to_basket(request: Request) -> Response:
    actor = actor_of(request)
    values = await _form(request)
    person = await basket.person_for(actor, values.get("person_id"), Permission.SPEND_BUDGET)
    policy = accreditation_policy(request.state.plugins)
    service = await catalogue.service_to_show(actor, values.get("service_id", ""), policy)
    try:
        await basket.add_item(actor, person, service.id, values, policy=policy)
    except InvalidInput as refused:
        choices = await basket.people_to_order_for(actor)
        return render(
            request,
            "orders/basket_add.html",
            f"Add {service.title} to the basket",
            status_code=400,
            service=service,
            form=basket.AddForm(choices, values, field_errors(refused.problems)),
        )
    return see_other(basket_url(person, request, added="1"))


@signed_in
async def change_item(request: Request) -> Response:
    actor = actor_of(request)
    values = await form_values(request)
    person = await basket.person_for(actor, values.get("person_id"), Permission.SPEND_BUDGET)
    try:
        await basket.change_item(actor, person, request.path_params["item_id"], values)
    except InvalidInput as refused:
        return await _basket_page(
            request, person, errors=field_errors(refused.problems), status_code=400
        )
    return see_other(basket_url(person, request, changed="1"))


@signed_in
async def remove_item(request: Request) -> Response:
    actor = actor_of(request)
    values = await form_values(request)
    person = await basket.person_for(actor, values.get("person_id"), Permission.SPEND_BUDGET)
    await basket.remove_item(actor, person, request.path_params["item_id"])
    return see_other(basket_url(person, request, changed="removed"))


@signed_in
async def checkout(request: Request) -> Response:
    actor = actor_of(request)
    values = await _form(request)
    person = await basket.person_for(actor, values.get("person_id"), Permission.SPEND_BUDGET)
    plugins = request.state.plugins
    try:
        placed = await basket.check_out(
            actor,
            person,
            values.get("checkout_key", ""),
            [i for i in values.get("item", "").split(",") if i],
            policy=accreditation_policy(plugins),
            ordering=ordering_policy(plugins),
        )
    except OrderRefused as refused:
        return await _basket_page(
            request, person, refusal=[p.reason for p in refused.problems], status_code=422
        )
    except InvalidInput as refused:
        problems = refused.problems or [FieldProblem("basket", str(refused))]
        return await _basket_page(
            request,
            person,
            refusal=[p.message for p in problems],
            status_code=400,
        )
    is_self = actor.membership is not None and actor.membership.id == person.id
    if len(placed.orders) == 1:
        return see_other(f"/orders/{placed.orders[0].id}?placed=1")
    query = {"placed": values.get("checkout_key", "")}
    if not is_self:
        query["person_id"] = str(person.id)
    return see_other(f"/orders?{urlencode(query)}")


routes = [
    Route("/basket", show_basket, methods=["GET"], name="orders:basket"),
    Route("/basket/add", add_to_basket, methods=["POST"]),
    Route("/basket/items/{item_id}", change_item, methods=["POST"]),
    Route("/basket/items/{item_id}/remove", remove_item, methods=["POST"]),
    Route("/basket/checkout", checkout, methods=["POST"]),
]
