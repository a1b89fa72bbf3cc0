"""``/api/v1/deliveries``: timesheets pushed by providers' systems, confirmed or disputed
for the person.

A provider's own system (``deliveries:write``) records what was delivered for a visit of
one of its stores, as its rostering system knows it; a council partner client acting for
the person confirms or disputes it. The delivery services (``core.orders.deliveries``)
decide who may do what; these handlers only check the scope and shape the answers.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from core.api.access import require_scope
from core.api.bodies import read_body
from core.api.openapi import query_parameter
from core.orders import queries
from core.orders.models import DeliveryStatus
from core.orders.orders_api import (
    DELIVERIES,
    LIST_PROBLEMS,
    PAGING,
    READ,
    WRITE_PROBLEMS,
    Endpoint,
    delivery_out,
    json_answer,
    list_query,
    next_link,
    op,
    read_endpoint,
    write_endpoint,
)
from core.orders.schemas import DeliveriesPage, DeliveryOut, NewDelivery, Reason
from core.web.forms import actor_of

DELIVERY_STATUSES = frozenset(s.value for s in DeliveryStatus)
_TAGS = ("deliveries",)


@read_endpoint
async def list_deliveries_endpoint(request: Request) -> Response:
    reader = await queries.reader(actor_of(request), READ)
    query = list_query(request, statuses=DELIVERY_STATUSES, filters=("store_id", "since"))
    found = await queries.list_deliveries(reader, query)
    page = DeliveriesPage(
        items=[delivery_out(d) for d in found], next=next_link(request, found, query.limit)
    )
    return json_answer(page)


@write_endpoint()
async def record_delivery_endpoint(request: Request) -> Response:
    from core.orders.deliveries import record_delivery  # written alongside this module

    actor = actor_of(request)
    await require_scope(actor, DELIVERIES)
    body = await read_body(request, NewDelivery)
    delivery = await record_delivery(
        actor,
        body.session_id,
        worker_name=body.worker_name,
        started_at=body.started_at,
        ended_at=body.ended_at,
    )
    delivery = await queries.delivery_with_links(delivery)
    return json_answer(delivery_out(delivery), 201)


@write_endpoint()
async def confirm_delivery_endpoint(request: Request) -> Response:
    from core.orders.deliveries import confirm_delivery  # written alongside this module

    actor = actor_of(request)
    await require_scope(actor, DELIVERIES)
    delivery = await confirm_delivery(actor, request.path_params["delivery_id"])
    delivery = await queries.delivery_with_links(delivery)
    return json_answer(delivery_out(delivery))


@write_endpoint()
async def dispute_delivery_endpoint(request: Request) -> Response:
    from core.orders.deliveries import dispute_delivery  # written alongside this module

    actor = actor_of(request)
    await require_scope(actor, DELIVERIES)
    body = await read_body(request, Reason)
    delivery = await dispute_delivery(actor, request.path_params["delivery_id"], body.reason)
    delivery = await queries.delivery_with_links(delivery)
    return json_answer(delivery_out(delivery))


operations = [
    op(
        "GET",
        "/deliveries",
        "listDeliveries",
        "Deliveries (timesheets)",
        "Scope orders:read. The council's deliveries; a provider's system sees only its own "
        "stores'. Ordered by id; follow `next`.",
        DeliveriesPage,
        LIST_PROBLEMS,
        _TAGS,
        parameters=(
            query_parameter("status", "recorded, confirmed, disputed or auto_confirmed"),
            query_parameter("store_id", "Only this store's deliveries"),
            query_parameter("since", "Only deliveries recorded at or after this time (ISO 8601)"),
            *PAGING,
        ),
    ),
    op(
        "POST",
        "/deliveries",
        "recordDelivery",
        "Record a delivery (push a timesheet)",
        "Scope deliveries:write, the store's provider's system. `session_id`, `worker_name`, "
        "`started_at` and `ended_at` (ISO 8601 with an offset). The person is asked to "
        "confirm it. A visit already recorded, cancelled or not yet started is refused. "
        "Answers 201.",
        DeliveryOut,
        WRITE_PROBLEMS,
        _TAGS,
        request_model=NewDelivery,
        success_status=201,
    ),
    op(
        "POST",
        "/deliveries/{delivery_id}/confirm",
        "confirmDelivery",
        "Confirm a delivery (for the person)",
        "Scope deliveries:write, acting for the person. A delivery already confirmed or "
        "disputed is a 409.",
        DeliveryOut,
        WRITE_PROBLEMS,
        _TAGS,
    ),
    op(
        "POST",
        "/deliveries/{delivery_id}/dispute",
        "disputeDelivery",
        "Dispute a delivery (for the person)",
        "Scope deliveries:write, acting for the person, with a `reason` the provider is "
        "told. A delivery already confirmed or disputed is a 409.",
        DeliveryOut,
        WRITE_PROBLEMS,
        _TAGS,
        request_model=Reason,
    ),
]

endpoints: dict[str, Endpoint] = {
    "listDeliveries": list_deliveries_endpoint,
    "recordDelivery": record_delivery_endpoint,
    "confirmDelivery": confirm_delivery_endpoint,
    "disputeDelivery": dispute_delivery_endpoint,
}
