"""The person's side of a delivery (``/deliveries/{delivery_id}``): what the provider
recorded, and Confirm or Dispute with a reason. The person, a circle member or their
broker may see it; only someone who may spend the budget (the person, manage access, a
broker, council staff) may confirm or dispute. Thin: ``core.orders.deliveries`` decides.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.clock import long_date, uk_time_words
from core.errors import Conflict, InvalidInput
from core.identity.permissions import person_permissions
from core.identity.roles import Permission
from core.orders.deliveries import (
    CONFIRMED_DELIVERIES,
    confirm_delivery,
    delivery_for_person_side,
    dispute_delivery,
    visit_words,
)
from core.orders.models import DeliveryStatus
from core.orders.policy import ordering_policy
from core.settings import UK_TIMEZONE
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.responses import render

STATUS_WORDS = {
    DeliveryStatus.RECORDED: ("Waiting for you to check", "govuk-tag--blue"),
    DeliveryStatus.CONFIRMED: ("Confirmed", "govuk-tag--green"),
    DeliveryStatus.AUTO_CONFIRMED: ("Confirmed automatically", "govuk-tag--green"),
    DeliveryStatus.DISPUTED: ("Disputed", "govuk-tag--red"),
}


async def _page(request: Request, status: int = 200, **values: Any) -> Response:
    actor = actor_of(request)
    delivery = await delivery_for_person_side(actor, request.path_params["delivery_id"])
    session = delivery.session
    person = session.booking.order.person
    may_act = Permission.SPEND_BUDGET in await person_permissions(actor, person)
    values.setdefault("errors", {})
    values.setdefault("values", {})
    start = delivery.started_at.astimezone(UK_TIMEZONE)
    end = delivery.ended_at.astimezone(UK_TIMEZONE)
    return render(
        request,
        "orders/delivery.html",
        "Check a visit",
        status_code=status,
        delivery=delivery,
        session=session,
        booking=session.booking,
        store=session.booking.order.store,
        person=person,
        for_someone_else=actor.membership is None or actor.membership.id != person.id,
        visit=visit_words(session),
        day=long_date(start.date()),
        started=f"{start:%H:%M}",
        ended=f"{end:%H:%M}",
        recorded_at=uk_time_words(delivery.created_at),
        status_words=STATUS_WORDS,
        confirmed=delivery.status in CONFIRMED_DELIVERIES,
        may_act=may_act and delivery.status == DeliveryStatus.RECORDED,
        may_confirm_dispute=may_act and delivery.status == DeliveryStatus.DISPUTED,
        saved=request.query_params.get("saved"),
        auto_confirm_days=ordering_policy(request.state.plugins).auto_confirm_days,
        **values,
    )


@signed_in
async def delivery_page(request: Request) -> Response:
    return await _page(request)


@signed_in
async def confirm(request: Request) -> Response:
    try:
        delivery = await confirm_delivery(actor_of(request), request.path_params["delivery_id"])
    except Conflict as refused:
        return await _page(request, 409, errors={"decision": str(refused).capitalize()})
    return see_other(f"/deliveries/{delivery.id}?saved=confirmed")


@signed_in
async def dispute(request: Request) -> Response:
    values = await form_values(request)
    try:
        delivery = await dispute_delivery(
            actor_of(request), request.path_params["delivery_id"], values.get("reason", "")
        )
    except InvalidInput as refused:
        return await _page(request, 400, errors=field_errors(refused.problems), values=values)
    except Conflict as refused:
        return await _page(request, 409, errors={"decision": str(refused).capitalize()})
    return see_other(f"/deliveries/{delivery.id}?saved=disputed")


routes: list[BaseRoute] = [
    Route("/deliveries/{delivery_id}", delivery_page, methods=["GET"]),
    Route("/deliveries/{delivery_id}/confirm", confirm, methods=["POST"]),
    Route("/deliveries/{delivery_id}/dispute", dispute, methods=["POST"]),
]
