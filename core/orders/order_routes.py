"""The person's side of orders: ``/orders`` (newest first) and ``/orders/{order_id}``.

A circle member or broker sees someone else's orders with ``?person_id=``; the order page
finds its person from the order itself, through ``core.orders.access``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.clock import long_date, uk_today
from core.identity.roles import Permission
from core.ledger.money import pounds
from core.orders import basket, person_orders
from core.web.forms import actor_of, signed_in
from core.web.responses import render


@signed_in
async def list_orders(request: Request) -> Response:
    actor = actor_of(request)
    person_id = request.query_params.get("person_id")
    if not await basket.whose(actor, person_id):
        return render(
            request,
            "orders/orders_choose.html",
            "Whose orders?",
            target="/orders",
            choices=await basket.people_supported(actor),
        )
    person = await basket.person_for(actor, person_id, Permission.VIEW_BUDGET)
    orders = await person_orders.orders_of(actor, person)
    is_self = actor.membership is not None and actor.membership.id == person.id
    key = request.query_params.get("placed", "")
    placed = [
        o
        for o in orders
        if key
        and o.idempotency_key
        and (o.idempotency_key == key or o.idempotency_key.startswith(f"{key}/"))
    ]
    return render(
        request,
        "orders/orders.html",
        "Your orders" if is_self else f"Orders for {person.user.display_name}",
        person=person,
        is_self=is_self,
        person_query="" if is_self else f"?person_id={person.id}",
        orders=orders,
        placed=placed,
        placed_total=sum(o.total_pence for o in placed),
        status_words=person_orders.STATUS_WORDS,
        status_tags=person_orders.STATUS_TAGS,
        pounds=pounds,
        long_date=long_date,
        uk_today=uk_today,
    )


@signed_in
async def show_order(request: Request) -> Response:
    actor = actor_of(request)
    view = await person_orders.order_view(actor, request.path_params["order_id"])
    person = view.order.person
    is_self = actor.membership is not None and actor.membership.id == person.id
    return render(
        request,
        "orders/order.html",
        f"Order from {view.order.store.name}",
        view=view,
        person=person,
        is_self=is_self,
        person_query="" if is_self else f"?person_id={person.id}",
        placed=request.query_params.get("placed") == "1",
        status_tags=person_orders.STATUS_TAGS,
        pounds=pounds,
    )


routes = [
    Route("/orders", list_orders, methods=["GET"], name="orders:list"),
    Route("/orders/{order_id}", show_order, methods=["GET"], name="orders:order"),
]
