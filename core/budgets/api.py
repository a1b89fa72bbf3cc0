"""``/api/v1/budgets``, ``/holds`` and ``/commitments``: budgets and their money for partners.

Handlers stay thin: the scope a token needs is checked first (so a missing scope is
a 403 naming it), then the services decide what this caller may do for this person
and say no with a plain reason. Every POST honours ``Idempotency-Key``
(core.api.idempotency), so a retried request never moves money twice.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.api import idempotency
from core.api.access import require_scope
from core.api.bodies import MalformedBody, read_body
from core.api.errors import answer
from core.api.openapi import Operation, query_parameter
from core.budgets import adjustments, commitments
from core.budgets.access import get_budget
from core.budgets.allocation import StreamSpec, allocate_budget, stream_in
from core.budgets.figures import Figures, StreamFigures, budget_figures
from core.budgets.forecast import forecast
from core.budgets.lookups import (
    find_hold,
    find_planned_spending,
    list_budgets,
    managed_budget,
    person_with_budgets,
)
from core.budgets.models import Budget, FundingStream, RecurringCommitment
from core.budgets.schemas import (
    AdjustmentOut,
    BudgetOut,
    BudgetsPage,
    CommitmentOut,
    CommitmentsPage,
    FiguresOut,
    ForecastOut,
    HoldOut,
    NewAdjustment,
    NewBudget,
    NewCommitment,
    NewHold,
    NewStream,
    NewTopUp,
    PostHold,
    StatementPage,
    StatementRowOut,
    StreamOut,
    StreamsPage,
    TopUpOut,
    VoidHold,
)
from core.budgets.statement import StatementRow, statement_rows
from core.budgets.streams import add_funding_stream
from core.clock import uk_today
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.models import Membership, Role
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.ledger.holds import place_hold, post_hold, void_hold
from core.ledger.models import Hold
from core.web.forms import actor_of

READ, WRITE, ORDERS = "budgets:read", "budgets:write", "orders:write"
MAX_PAGE = 100
Endpoint = Callable[[Request], Awaitable[Response]]

# --- shapes ---------------------------------------------------------------------------


def figures_out(figures: Figures) -> FiguresOut:
    return FiguresOut(
        received_pence=figures.received_pence,
        held_pence=figures.held_pence,
        spent_pence=figures.spent_pence,
        available_pence=figures.available_pence,
    )


def stream_out(row: StreamFigures) -> StreamOut:
    stream = row.stream
    return StreamOut(
        id=stream.id,
        funding_type=stream.funding_type,
        name=stream.name,
        instalment_pence=stream.instalment_pence,
        schedule=stream.schedule,
        first_payment_on=stream.first_payment_on,
        ends_on=stream.ends_on,
        allowed_categories=stream.allowed_categories,
        top_ups_allowed=stream.top_ups_allowed,
        figures=figures_out(row.figures),
    )


async def budget_out(budget: Budget) -> BudgetOut:
    figures = await budget_figures(budget)
    return BudgetOut(
        id=budget.id,
        person_id=budget.person_id,  # type: ignore[attr-defined]
        period_start=budget.period_start,
        period_end=budget.period_end,
        status=budget.status.value,
        ended_on=budget.ended_on,
        created_at=budget.created_at,
        streams=[stream_out(row) for row in figures.streams],
        total=figures_out(figures.total),
    )


def hold_out(hold: Hold) -> HoldOut:
    return HoldOut(
        id=hold.id,
        budget_id=hold.budget_id,  # type: ignore[attr-defined]
        stream_id=hold.stream_id,  # type: ignore[attr-defined]
        amount_pence=hold.amount_pence,
        posted_pence=hold.posted_pence,
        category=hold.category,
        description=hold.description,
        reference=hold.reference,
        status=hold.status.value,
        created_at=hold.created_at,
        settled_at=hold.settled_at,
    )


def commitment_out(plan: RecurringCommitment) -> CommitmentOut:
    return CommitmentOut(
        id=plan.id,
        budget_id=plan.budget_id,  # type: ignore[attr-defined]
        description=plan.description,
        amount_pence=plan.amount_pence,
        schedule=plan.schedule,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        cancelled_at=plan.cancelled_at,
        created_at=plan.created_at,
    )


def row_out(row: StatementRow) -> StatementRowOut:
    return StatementRowOut(
        entry_id=row.entry_id,
        effective_on=row.effective_on,
        recorded_at=row.recorded_at,
        kind=row.kind.value,
        kind_label=row.kind_words,
        description=row.description,
        stream_name=row.stream_name,
        received_pence=row.received_pence,
        committed_pence=row.committed_pence,
        spent_pence=row.spent_pence,
        available_change_pence=row.available_change_pence,
    )


def _json(model: BaseModel, status: int = 200, location: str | None = None) -> JSONResponse:
    headers = {"Location": location} if location else None
    return JSONResponse(model.model_dump(mode="json"), status_code=status, headers=headers)


# --- wiring ---------------------------------------------------------------------------


def _read(handler: Endpoint) -> Endpoint:
    """A GET: domain errors (bad query included) become problems."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        return await answer(request, lambda: handler(request))

    return endpoint


def _write(location: idempotency.Location | None = None) -> Callable[[Endpoint], Endpoint]:
    """A POST that honours ``Idempotency-Key``; ``location`` rebuilds a replay's Location."""

    def decorate(handler: Endpoint) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            return await idempotency.idempotent(
                request, lambda: handler(request), location=location
            )

        return endpoint

    return decorate


def _limit(request: Request, problems: list[FieldProblem]) -> int:
    raw = request.query_params.get("limit", "50")
    if raw.isdigit() and 1 <= int(raw) <= MAX_PAGE:
        return int(raw)
    problems.append(FieldProblem("limit", f"must be a whole number from 1 to {MAX_PAGE}"))
    return 50


def _next(request: Request, found: list[Any], limit: int, cursor: object) -> str | None:
    return str(request.url.include_query_params(cursor=cursor)) if len(found) == limit else None


async def _budget(request: Request, scope: str, permission: Permission) -> tuple[Actor, Budget]:
    actor = actor_of(request)
    await require_scope(actor, scope)
    return actor, await get_budget(actor, request.path_params["budget_id"], permission)


async def _managed(request: Request) -> tuple[Actor, Budget]:
    actor = actor_of(request)
    await require_scope(actor, WRITE)
    return actor, await managed_budget(actor, request.path_params["budget_id"])


async def _stream_named(budget: Budget, stream_id: UUID) -> FundingStream:
    """A stream named in a body: not one of this budget's is a refusal of the body (422)."""
    try:
        return await stream_in(budget, stream_id)
    except NotFound:
        raise InvalidInput(
            "no such funding stream",
            [FieldProblem("stream_id", "is not a funding stream of this budget")],
        ) from None


def _spec(stream: NewStream) -> StreamSpec:
    return StreamSpec(
        funding_type=stream.funding_type,
        instalment_pence=stream.instalment_pence,
        schedule=stream.schedule,
        first_payment_on=stream.first_payment_on,
        name=stream.name,
        allowed_categories=stream.allowed_categories,
        top_ups_allowed=stream.top_ups_allowed,
    )


def _budget_location(request: Request, body: Any) -> str:
    return f"/api/v1/budgets/{body['id']}"


def _hold_location(request: Request, body: Any) -> str:
    return f"/api/v1/holds/{body['id']}"


# --- budgets --------------------------------------------------------------------------


@_read
async def list_budgets_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    await require_scope(actor, READ)
    problems: list[FieldProblem] = []
    limit = _limit(request, problems)
    cursor_text = request.query_params.get("cursor")
    cursor = parse_uuid(cursor_text) if cursor_text else None
    if cursor_text and cursor is None:
        problems.append(FieldProblem("cursor", "is not a cursor this API gave you"))
    person_text = request.query_params.get("person_id")
    if person_text and parse_uuid(person_text) is None:
        problems.append(FieldProblem("person_id", "is not a person id"))
    if problems:
        raise MalformedBody("the query is not valid", problems)
    person = await person_with_budgets(actor, person_text) if person_text else None
    found = await list_budgets(actor, person=person, after=cursor, limit=limit)
    page = BudgetsPage(
        items=[await budget_out(b) for b in found],
        next=_next(request, found, limit, found[-1].id if found else None),
    )
    return _json(page)


@_write(location=_budget_location)
async def allocate_budget_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    await require_scope(actor, WRITE)
    await require_council(actor, Permission.MANAGE_BUDGETS)
    assert actor.tenant is not None
    body = await read_body(request, NewBudget)
    person = await Membership.get_or_none(id=body.person_id, tenant_id=actor.tenant.id)
    if person is None or Role.PERSON.value not in person.roles:
        raise InvalidInput(
            "no such person", [FieldProblem("person_id", "is not a person in this council")]
        )
    budget = await allocate_budget(
        actor,
        person,
        [_spec(stream) for stream in body.streams],
        period_start=body.period_start,
        period_end=body.period_end,
    )
    return _json(await budget_out(budget), 201, _budget_location(request, {"id": budget.id}))


@_read
async def get_budget_endpoint(request: Request) -> Response:
    _, budget = await _budget(request, READ, Permission.VIEW_BUDGET)
    return _json(await budget_out(budget))


# --- funding streams ------------------------------------------------------------------


@_read
async def list_streams_endpoint(request: Request) -> Response:
    _, budget = await _budget(request, READ, Permission.VIEW_BUDGET)
    figures = await budget_figures(budget)
    return _json(StreamsPage(items=[stream_out(row) for row in figures.streams]))


@_read
async def get_stream_endpoint(request: Request) -> Response:
    _, budget = await _budget(request, READ, Permission.VIEW_BUDGET)
    stream = await stream_in(budget, request.path_params["stream_id"])
    row = next(r for r in (await budget_figures(budget)).streams if r.stream.id == stream.id)
    return _json(stream_out(row))


@_write(location=lambda request, body: f"{request.url.path}/{body['id']}")
async def add_stream_endpoint(request: Request) -> Response:
    actor, budget = await _managed(request)
    body = await read_body(request, NewStream)
    stream = await add_funding_stream(actor, budget, _spec(body))
    row = next(r for r in (await budget_figures(budget)).streams if r.stream.id == stream.id)
    return _json(stream_out(row), 201, f"{request.url.path}/{stream.id}")


# --- statement and forecast -----------------------------------------------------------


@_read
async def statement_endpoint(request: Request) -> Response:
    _, budget = await _budget(request, READ, Permission.VIEW_BUDGET)
    problems: list[FieldProblem] = []
    limit = _limit(request, problems)
    cursor_text = request.query_params.get("cursor")
    if cursor_text is not None and not cursor_text.isdigit():
        problems.append(FieldProblem("cursor", "is not a cursor this API gave you"))
    if problems:
        raise MalformedBody("the query is not valid", problems)
    before = int(cursor_text) if cursor_text else None
    rows = await statement_rows(budget, before_id=before, limit=limit)
    page = StatementPage(
        items=[row_out(row) for row in rows],
        next=_next(request, rows, limit, rows[-1].entry_id if rows else None),
    )
    return _json(page)


@_read
async def forecast_endpoint(request: Request) -> Response:
    _, budget = await _budget(request, READ, Permission.VIEW_BUDGET)
    result = await forecast(budget, uk_today())
    return _json(
        ForecastOut(
            today=result.today,
            period_end=result.period_end,
            available_now_pence=result.available_now_pence,
            still_to_arrive_pence=result.still_to_arrive_pence,
            planned_spending_pence=result.planned_spending_pence,
            end_balance_pence=result.end_balance_pence,
            runs_out_on=result.runs_out_on,
            shortfall_pence=result.shortfall_pence,
            underspend_pence=result.underspend_pence,
            will_overspend=result.will_overspend,
        )
    )


# --- holds ----------------------------------------------------------------------------


@_write(location=_hold_location)
async def place_hold_endpoint(request: Request) -> Response:
    actor, budget = await _budget(request, ORDERS, Permission.SPEND_BUDGET)
    body = await read_body(request, NewHold)
    if body.stream_id is not None:
        await _stream_named(budget, body.stream_id)
    hold = await place_hold(
        budget,
        body.amount_pence,
        body.category,
        body.description,
        actor.audit_label,
        stream_id=body.stream_id,
        reference=body.reference,
    )
    return _json(hold_out(hold), 201, _hold_location(request, {"id": hold.id}))


@_read
async def get_hold_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    await require_scope(actor, READ)
    hold, _ = await find_hold(actor, request.path_params["hold_id"])
    return _json(hold_out(hold))


async def _settle(request: Request, settle: Callable[[Actor, Hold], Awaitable[Any]]) -> Response:
    actor = actor_of(request)
    await require_scope(actor, ORDERS)
    hold, _ = await find_hold(actor, request.path_params["hold_id"], Permission.SPEND_BUDGET)
    await settle(actor, hold)
    await hold.refresh_from_db()
    return _json(hold_out(hold))


@_write()
async def post_hold_endpoint(request: Request) -> Response:
    async def settle(actor: Actor, hold: Hold) -> None:
        body = await read_body(request, PostHold)
        await post_hold(
            hold.id, hold.tenant_id, body.amount_pence, body.description, actor.audit_label
        )

    return await _settle(request, settle)


@_write()
async def void_hold_endpoint(request: Request) -> Response:
    async def settle(actor: Actor, hold: Hold) -> None:
        body = await read_body(request, VoidHold)
        await void_hold(hold.id, hold.tenant_id, body.reason, actor.audit_label)

    return await _settle(request, settle)


# --- adjustments and top-ups ----------------------------------------------------------


async def _adjusted_stream(budget: Budget, body: NewAdjustment) -> FundingStream:
    if body.stream_id is not None:
        return await _stream_named(budget, body.stream_id)
    streams = await FundingStream.filter(budget_id=budget.id)
    if len(streams) != 1:
        raise MalformedBody(
            "say which funding stream",
            [FieldProblem("stream_id", "is needed when a budget has more than one stream")],
        )
    return streams[0]


def _check_adjustment(body: NewAdjustment) -> None:
    """Each kind takes its own fields: a stray one is more likely a mistake than a wish."""
    wrong = []
    if body.kind == "end":
        if body.ends_on is None:
            wrong.append(FieldProblem("ends_on", "is needed to end a budget"))
        for name in ("stream_id", "amount_pence"):
            if getattr(body, name) is not None:
                wrong.append(FieldProblem(name, "is not used when ending a budget"))
    else:
        if body.amount_pence is None:
            wrong.append(FieldProblem("amount_pence", f"is needed to {body.kind} a budget"))
        if body.ends_on is not None:
            wrong.append(FieldProblem("ends_on", "is only used when ending a budget"))
    if wrong:
        raise MalformedBody("the body is not valid", wrong)


@_write()
async def adjust_endpoint(request: Request) -> Response:
    actor, budget = await _managed(request)
    body = await read_body(request, NewAdjustment)
    _check_adjustment(body)
    stream, entry_id, cancelled = None, None, None
    if body.kind == "end":
        assert body.ends_on is not None
        cancelled = await adjustments.end_early(actor, budget, body.ends_on, body.reason)
    else:
        assert body.amount_pence is not None
        stream = await _adjusted_stream(budget, body)
        change = adjustments.increase if body.kind == "increase" else adjustments.reduce
        entry_id = (await change(actor, budget, stream, body.amount_pence, body.reason)).id
    out = AdjustmentOut(
        kind=body.kind,
        budget_id=budget.id,
        stream_id=stream.id if stream else None,
        amount_pence=body.amount_pence,
        ends_on=body.ends_on,
        instalments_cancelled=cancelled,
        entry_id=entry_id,
        reason=body.reason,
        total=figures_out((await budget_figures(budget)).total),
    )
    return _json(out, 201)


@_write()
async def top_up_endpoint(request: Request) -> Response:
    actor, budget = await _budget(request, ORDERS, Permission.SPEND_BUDGET)
    body = await read_body(request, NewTopUp)
    stream = await _stream_named(budget, body.stream_id)
    entry = await adjustments.top_up(actor, budget, stream, body.amount_pence, body.note)
    out = TopUpOut(
        entry_id=entry.id,
        budget_id=budget.id,
        stream_id=stream.id,
        amount_pence=body.amount_pence,
        total=figures_out((await budget_figures(budget)).total),
    )
    return _json(out, 201)


# --- planned spending -----------------------------------------------------------------


@_read
async def list_commitments_endpoint(request: Request) -> Response:
    _, budget = await _budget(request, READ, Permission.VIEW_BUDGET)
    plans = await commitments.planned_spending(budget)
    return _json(CommitmentsPage(items=[commitment_out(plan) for plan in plans]))


@_write()
async def add_commitment_endpoint(request: Request) -> Response:
    actor, budget = await _budget(request, ORDERS, Permission.SPEND_BUDGET)
    body = await read_body(request, NewCommitment)
    plan = await commitments.plan_spending(
        actor,
        budget,
        body.description,
        body.amount_pence,
        body.schedule,
        body.starts_on,
        body.ends_on,
    )
    return _json(commitment_out(plan), 201)


@_write()
async def stop_commitment_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    await require_scope(actor, ORDERS)
    plan, budget = await find_planned_spending(
        actor, request.path_params["commitment_id"], Permission.SPEND_BUDGET
    )
    if plan.cancelled_at is not None:
        raise Conflict("this planned spending was already stopped")
    await commitments.stop_planned_spending(actor, budget, plan.id)
    await plan.refresh_from_db()
    return _json(commitment_out(plan))


# --- the document ---------------------------------------------------------------------

_PAGING = (
    query_parameter("limit", f"How many (1-{MAX_PAGE}, default 50)", type="integer"),
    query_parameter("cursor", "From the previous page's `next`"),
)
_TAGS = ("budgets",)


def _op(*args: Any, **extra: Any) -> Operation:
    return idempotency.operation(*args, tags=extra.pop("tags", _TAGS), **extra)


_READ_PROBLEMS = (401, 403, 404)
_WRITE_PROBLEMS = (400, 401, 403, 404, 409, 422)

operations = [
    _op(
        "GET",
        "/budgets",
        "listBudgets",
        "Budgets",
        "Scope budgets:read. One person's budgets with `person_id`, or every budget in the "
        "council. Ordered by id; follow `next` for more.",
        BudgetsPage,
        (400, 401, 403, 404),
        parameters=(query_parameter("person_id", "Only this person's budgets"), *_PAGING),
    ),
    _op(
        "POST",
        "/budgets",
        "allocateBudget",
        "Allocate a budget",
        "Scope budgets:write. A period (default: this UK financial year) and its funding "
        "streams; money already due is credited at once. Answers 201 with a Location.",
        BudgetOut,
        _WRITE_PROBLEMS,
        request_model=NewBudget,
        success_status=201,
    ),
    _op(
        "GET",
        "/budgets/{budget_id}",
        "getBudget",
        "One budget and its money",
        "Scope budgets:read. Received, held, spent and available per funding stream and in "
        "total. Another council's budget is a 404.",
        BudgetOut,
        _READ_PROBLEMS,
    ),
    _op(
        "GET",
        "/budgets/{budget_id}/funding-streams",
        "listFundingStreams",
        "A budget's funding streams",
        "Scope budgets:read. In the order money is taken from them.",
        StreamsPage,
        _READ_PROBLEMS,
    ),
    _op(
        "GET",
        "/budgets/{budget_id}/funding-streams/{stream_id}",
        "getFundingStream",
        "One funding stream",
        "Scope budgets:read.",
        StreamOut,
        _READ_PROBLEMS,
    ),
    _op(
        "POST",
        "/budgets/{budget_id}/funding-streams",
        "addFundingStream",
        "Add a funding stream",
        "Scope budgets:write. Added after the others; money already due is credited at once.",
        StreamOut,
        _WRITE_PROBLEMS,
        request_model=NewStream,
        success_status=201,
    ),
    _op(
        "GET",
        "/budgets/{budget_id}/statement",
        "getStatement",
        "A budget's statement",
        "Scope budgets:read. Every movement of money, newest first; `cursor` is an entry id "
        "from the previous page's `next`.",
        StatementPage,
        (400, 401, 403, 404),
        parameters=_PAGING,
    ),
    _op(
        "GET",
        "/budgets/{budget_id}/forecast",
        "getForecast",
        "Forecast to the end of the period",
        "Scope budgets:read. What is still to arrive, what planned spending will take, and "
        "the day money would run out or the expected underspend.",
        ForecastOut,
        _READ_PROBLEMS,
    ),
    _op(
        "POST",
        "/budgets/{budget_id}/holds",
        "placeHold",
        "Commit money to a service (a hold)",
        "Scope orders:write. Held on the first funding stream that may pay for the category "
        "and has room. Not enough money, or money that may not pay for this kind of service, "
        "is a 422 with a plain reason (`not-enough-money` adds `available_pence` and "
        "`needed_pence`). Answers 201 with a Location.",
        HoldOut,
        _WRITE_PROBLEMS,
        request_model=NewHold,
        success_status=201,
    ),
    _op(
        "GET",
        "/holds/{hold_id}",
        "getHold",
        "One hold",
        "Scope budgets:read.",
        HoldOut,
        _READ_PROBLEMS,
    ),
    _op(
        "POST",
        "/holds/{hold_id}/post",
        "postHold",
        "Settle a hold (it was spent)",
        "Scope orders:write. Spend all of it or `amount_pence` of it; the rest goes back to "
        "available. A hold already settled or released is a 409.",
        HoldOut,
        _WRITE_PROBLEMS,
        request_model=PostHold,
    ),
    _op(
        "POST",
        "/holds/{hold_id}/void",
        "voidHold",
        "Release a hold (cancelled)",
        "Scope orders:write. The money goes back to available. A hold already settled or "
        "released is a 409.",
        HoldOut,
        _WRITE_PROBLEMS,
        request_model=VoidHold,
    ),
    _op(
        "POST",
        "/budgets/{budget_id}/adjustments",
        "adjustBudget",
        "Increase, reduce or end a budget",
        "Scope budgets:write. `increase` and `reduce` take `amount_pence` (and `stream_id` "
        "when there is more than one stream); `end` takes `ends_on` and cancels later "
        "payments. A reduction beyond what is available is a 422 (`not-enough-money`).",
        AdjustmentOut,
        _WRITE_PROBLEMS,
        request_model=NewAdjustment,
        success_status=201,
    ),
    _op(
        "POST",
        "/budgets/{budget_id}/top-ups",
        "topUp",
        "Add the person's own money",
        "Scope orders:write. Only to a stream that takes top-ups (otherwise a 422 "
        "`funding-restricted`).",
        TopUpOut,
        _WRITE_PROBLEMS,
        request_model=NewTopUp,
        success_status=201,
    ),
    _op(
        "GET",
        "/budgets/{budget_id}/commitments",
        "listCommitments",
        "Planned spending",
        "Scope budgets:read. Regular spending the forecast counts on (stopped plans are left out).",
        CommitmentsPage,
        _READ_PROBLEMS,
    ),
    _op(
        "POST",
        "/budgets/{budget_id}/commitments",
        "addCommitment",
        "Plan regular spending",
        "Scope orders:write. e.g. weekly home care, for the forecast; no money moves.",
        CommitmentOut,
        _WRITE_PROBLEMS,
        request_model=NewCommitment,
        success_status=201,
    ),
    _op(
        "POST",
        "/commitments/{commitment_id}/stop",
        "stopCommitment",
        "Stop planned spending",
        "Scope orders:write. Stopping it twice is a 409.",
        CommitmentOut,
        _WRITE_PROBLEMS,
    ),
]

endpoints: dict[str, Endpoint] = {
    "listBudgets": list_budgets_endpoint,
    "allocateBudget": allocate_budget_endpoint,
    "getBudget": get_budget_endpoint,
    "listFundingStreams": list_streams_endpoint,
    "getFundingStream": get_stream_endpoint,
    "addFundingStream": add_stream_endpoint,
    "getStatement": statement_endpoint,
    "getForecast": forecast_endpoint,
    "placeHold": place_hold_endpoint,
    "getHold": get_hold_endpoint,
    "postHold": post_hold_endpoint,
    "voidHold": void_hold_endpoint,
    "adjustBudget": adjust_endpoint,
    "topUp": top_up_endpoint,
    "listCommitments": list_commitments_endpoint,
    "addCommitment": add_commitment_endpoint,
    "stopCommitment": stop_commitment_endpoint,
}
