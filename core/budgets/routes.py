"""Budget pages: allocating a budget, the budget with its money jar and forecast, the
statement (page, CSV and printable), and the forms that change a budget.

Who may see what is decided by the services (``get_budget``, ``get_person`` and
the permission checks in allocation, adjustments and planned spending); these
handlers read forms, call them and show their refusals next to the right field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from core.audit.actions import AuditAction
from core.audit.services import record
from core.budgets import adjustments, commitments
from core.budgets.access import get_budget
from core.budgets.allocation import StreamSpec, allocate_budget, stream_in
from core.budgets.categories import BY_CODE, CATEGORIES, category_label
from core.budgets.csv_statement import statement_filename, statement_lines
from core.budgets.figures import budget_figures
from core.budgets.forecast import forecast
from core.budgets.funding_types import funding_types
from core.budgets.models import Budget, BudgetStatus, FundingStream, Schedule
from core.budgets.overview import (
    SCHEDULE_WORDS,
    forecast_words,
    headline,
    long_date,
    voice_for,
)
from core.budgets.picture import jar_picture
from core.budgets.schedule import uk_financial_year
from core.budgets.statement import all_rows, statement_rows
from core.clock import uk_today
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound, RuleRefused
from core.identity.permissions import get_person, person_permissions, require_council
from core.identity.roles import Permission
from core.ledger.models import EntryKind, Hold, HoldStatus, JournalEntry
from core.ledger.money import parse_pounds, pounds
from core.web.dates import optional_date
from core.web.forms import actor_of, form_values, see_other, signed_in
from core.web.responses import render

STREAM_ROWS = 4  # stream fieldsets on the allocation form; empty ones are ignored
STATEMENT_PAGE = 25

SCHEDULE_CHOICES: list[tuple[str, str, str | None]] = [
    (Schedule.ONE_OFF.value, "Once only", "The whole amount is paid on the first payment date"),
    (Schedule.WEEKLY.value, "Every week", None),
    (Schedule.FOUR_WEEKLY.value, "Every 4 weeks", None),
    (Schedule.MONTHLY.value, "Every month", None),
    (Schedule.QUARTERLY.value, "Every 3 months", None),
]

DONE = {
    "allocated": "The budget has been allocated.",
    "planned": "The planned spending has been added.",
    "stopped": "The planned spending has been stopped.",
    "topped-up": "The money has been added.",
    "changed": "The budget has been changed.",
    "ended": "The budget will end early.",
}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date_parts(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def _read_date(
    values: dict[str, str], name: str, label: str, errors: dict[str, str]
) -> date | None:
    try:
        return optional_date(values, name, label)
    except InvalidInput as refused:
        errors[name] = refused.problems[0].message
        return None


def _read_pounds(
    values: dict[str, str], name: str, errors: dict[str, str], what: str = "the amount"
) -> int | None:
    text = values.get(name, "")
    if not text:
        errors[name] = f"Enter {what}"
        return None
    try:
        return parse_pounds(text)
    except ValueError:
        errors[name] = f"Enter {what} in pounds, like 250 or 1,250.50"
        return None


def _schedule(values: dict[str, str], name: str) -> Schedule | None:
    try:
        return Schedule(values.get(name, ""))
    except ValueError:
        return None


def _errors_from(problems: Iterable[FieldProblem], names: dict[str, str], fallback: str) -> dict:
    """Service problems keyed by this page's field names (``{service field: form field}``)."""
    errors: dict[str, str] = {}
    for problem in problems:
        key = names.get(problem.field.split(".")[-1], fallback)
        errors.setdefault(key, problem.message)
    return errors


# -- Allocating a budget --------------------------------------------------------------------


async def _allocate_page(
    request: Request,
    person: Any,
    *,
    values: dict[str, str],
    chosen: dict[int, list[str]] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    actor = actor_of(request)
    assert actor.tenant is not None
    start, end = uk_financial_year(uk_today())
    later = tuple(f"streams-{row}-" for row in range(2, STREAM_ROWS))
    open_more = any(
        name.startswith(later) and value for name, value in (values | (errors or {})).items()
    ) or any((chosen or {}).get(row) for row in range(2, STREAM_ROWS))
    return render(
        request,
        "budgets/allocate.html",
        f"Allocate a budget to {person.user.display_name}",
        status_code=status,
        person=person,
        values=values,
        chosen=chosen or {},
        errors=errors or {},
        rows=range(STREAM_ROWS),
        open_more=open_more,
        funding_options=[(t.code, t.label) for t in await funding_types(actor.tenant.id)],
        category_options=[(c.code, c.label) for c in CATEGORIES],
        schedules=SCHEDULE_CHOICES,
        financial_year=f"{long_date(start)} to {long_date(end)}",
    )


@signed_in
async def allocate_form(request: Request) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    await require_council(actor, Permission.MANAGE_BUDGETS)
    start, end = uk_financial_year(uk_today())
    values = _date_parts("period_start", start) | _date_parts("period_end", end)
    return await _allocate_page(request, person, values=values)


def _allocation_errors(problems: Iterable[FieldProblem], rows: list[int]) -> dict[str, str]:
    """Service problems (``streams.1.instalment_pence``) next to the form's fieldsets."""
    fields = {"instalment_pence": "amount", "allowed_categories": "categories"}
    errors: dict[str, str] = {}
    for problem in problems:
        parts = problem.field.split(".")
        if parts[0] == "streams" and len(parts) == 3 and parts[1].isdigit():
            row = rows[int(parts[1])] if int(parts[1]) < len(rows) else 0
            key = f"streams-{row}-{fields.get(parts[2], parts[2])}"
            message = f"Funding {row + 1}: {problem.message}"
        elif parts[0] in ("period_start", "period_end"):
            key, message = parts[0], problem.message
        else:
            key, message = "streams-0-funding_type", problem.message
        errors.setdefault(key, message)
    return errors


@signed_in
async def allocate(request: Request) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    await require_council(actor, Permission.MANAGE_BUDGETS)
    form = await request.form()
    values = await form_values(request)
    errors: dict[str, str] = {}
    start = _read_date(values, "period_start", "The start of the budget period", errors)
    end = _read_date(values, "period_end", "The end of the budget period", errors)
    if not errors and (start is None) != (end is None):
        missing = "period_end" if end is None else "period_start"
        errors[missing] = "Enter both dates, or leave both empty for this financial year"

    specs: list[StreamSpec] = []
    rows: list[int] = []
    chosen: dict[int, list[str]] = {}
    for row in range(STREAM_ROWS):
        key, n = f"streams-{row}-", row + 1
        chosen[row] = [c for c in form.getlist(key + "categories") if isinstance(c, str)]
        kind, amount = values.get(key + "funding_type", ""), values.get(key + "amount", "")
        if not kind and not amount:
            continue  # an empty row: ignored
        row_errors: dict[str, str] = {}
        if not kind:
            row_errors[key + "funding_type"] = f"Funding {n}: Choose a funding type"
        pence = _read_pounds(values, key + "amount", row_errors, f"the amount for funding {n}")
        schedule = _schedule(values, key + "schedule")
        if schedule is None:
            row_errors[key + "schedule"] = f"Funding {n}: Choose how often the money is paid"
        first = _read_date(
            values, key + "first_payment_on", f"The first payment date of funding {n}", row_errors
        )
        if any(code not in BY_CODE for code in chosen[row]):
            row_errors[key + "categories"] = f"Funding {n}: Choose kinds of service from the list"
        errors |= row_errors
        if row_errors:
            continue
        assert pence is not None and schedule is not None
        specs.append(
            StreamSpec(
                funding_type=kind,
                instalment_pence=pence,
                schedule=schedule,
                first_payment_on=first,
                allowed_categories=chosen[row] or None,
                use_type_restrictions=not chosen[row],
                top_ups_allowed=values.get(key + "top_ups") == "yes",
            )
        )
        rows.append(row)
    if not specs and not any(key.startswith("streams-") for key in errors):
        errors["streams-0-funding_type"] = (
            "Add at least one funding stream: choose a funding type and enter an amount"
        )
    if not errors:
        try:
            budget = await allocate_budget(actor, person, specs, period_start=start, period_end=end)
        except InvalidInput as refused:
            errors = _allocation_errors(refused.problems, rows)
        else:
            return see_other(f"/budgets/{budget.id}?done=allocated")
    return await _allocate_page(
        request, person, values=values, chosen=chosen, errors=errors, status=400
    )


# -- The budget page ------------------------------------------------------------------------


async def _holds(budget: Budget, streams: dict[Any, FundingStream]) -> list[dict[str, Any]]:
    holds = await Hold.filter(budget_id=budget.id, status=HoldStatus.PENDING).order_by("created_at")
    who = {
        entry.hold_id: entry.actor_label.split(" <")[0]
        for entry in await JournalEntry.filter(
            budget_id=budget.id, kind=EntryKind.HOLD, hold_id__in=[h.id for h in holds]
        )
    }
    return [
        {
            "hold": hold,
            "kind": category_label(hold.category) if hold.category in BY_CODE else hold.category,
            "stream": streams[hold.stream_id].name if hold.stream_id in streams else "",
            "who": who.get(hold.id, ""),
            "booked_on": uk_today(hold.created_at),
        }
        for hold in holds
    ]


async def _budget_page(
    request: Request,
    budget: Budget,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    actor = actor_of(request)
    allowed = await person_permissions(actor, budget.person)
    figures = await budget_figures(budget)
    streams = {row.stream.id: row.stream for row in figures.streams}
    outlook = await forecast(budget, uk_today())
    voice = voice_for(actor, budget)
    active = budget.status == BudgetStatus.ACTIVE
    can_spend = Permission.SPEND_BUDGET in allowed and active
    can_manage = Permission.MANAGE_BUDGETS in actor.council_permissions and active
    today = uk_today()
    values = values or {}
    if not any(key.startswith("plan-starts_on") for key in values):
        start = max(today, budget.period_start) if today <= budget.period_end else today
        values = values | _date_parts("plan-starts_on", start)
    title = "Your budget" if voice.is_self else f"{budget.person.user.display_name}'s budget"
    done = request.query_params.get("done", "")
    return render(
        request,
        "budgets/budget.html",
        title,
        status_code=status,
        budget=budget,
        title=title,
        voice=voice,
        figures=figures,
        jar=jar_picture(figures.total.available_pence, figures.total.received_pence),
        headline=headline(budget, figures.total.available_pence, voice),
        outlook=outlook,
        outlook_words=forecast_words(outlook, voice),
        period=f"{long_date(budget.period_start)} to {long_date(budget.period_end)}",
        until=long_date(budget.ended_on or budget.period_end),
        holds=await _holds(budget, streams),
        plans=await commitments.planned_spending(budget),
        schedule_words=SCHEDULE_WORDS,
        schedules=SCHEDULE_CHOICES,
        pounds=pounds,
        category_label=category_label,
        long_date=long_date,
        top_up_streams=[s for s in streams.values() if s.top_ups_allowed],
        can_spend=can_spend,
        can_manage=can_manage,
        errors=errors or {},
        values=values,
        done=DONE.get(done) if status == 200 else None,
    )


@signed_in
async def budget_page(request: Request) -> Response:
    budget = await get_budget(actor_of(request), request.path_params["budget_id"])
    return await _budget_page(request, budget)


async def _form_budget(request: Request, permission: Permission) -> tuple[Budget, dict[str, str]]:
    """The budget if the caller may do this to it, and the submitted form."""
    actor = actor_of(request)
    budget = await get_budget(actor, request.path_params["budget_id"], permission)
    return budget, await form_values(request)


async def _stream_or_error(
    budget: Budget, values: dict[str, str], name: str, errors: dict[str, str]
) -> FundingStream | None:
    try:
        return await stream_in(budget, values.get(name, ""))
    except NotFound:
        errors[name] = "Choose which money this is for"
        return None


@signed_in
async def add_planned_spending(request: Request) -> Response:
    budget, values = await _form_budget(request, Permission.SPEND_BUDGET)
    errors: dict[str, str] = {}
    description = values.get("plan-description", "")
    if not description:
        errors["plan-description"] = "Say what the money is for"
    pence = _read_pounds(values, "plan-amount", errors)
    schedule = _schedule(values, "plan-schedule")
    if schedule is None:
        errors["plan-schedule"] = "Choose how often it is paid"
    starts_on = _read_date(values, "plan-starts_on", "The start date", errors)
    if starts_on is None and "plan-starts_on" not in errors:
        errors["plan-starts_on"] = "Enter the date of the first payment"
    ends_on = _read_date(values, "plan-ends_on", "The end date", errors)
    if not errors:
        assert pence is not None and schedule is not None and starts_on is not None
        try:
            await commitments.plan_spending(
                actor_of(request), budget, description, pence, schedule, starts_on, ends_on
            )
        except InvalidInput as refused:
            errors = _errors_from(
                refused.problems,
                {
                    "description": "plan-description",
                    "amount_pence": "plan-amount",
                    "starts_on": "plan-starts_on",
                    "ends_on": "plan-ends_on",
                },
                "plan-description",
            )
        except Conflict as refused:
            errors = {"plan-description": _sentence(str(refused))}
        else:
            return see_other(f"/budgets/{budget.id}?done=planned")
    return await _budget_page(request, budget, errors=errors, values=values, status=400)


@signed_in
async def stop_planned_spending(request: Request) -> Response:
    budget, _ = await _form_budget(request, Permission.SPEND_BUDGET)
    await commitments.stop_planned_spending(
        actor_of(request), budget, request.path_params["commitment_id"]
    )
    return see_other(f"/budgets/{budget.id}?done=stopped")


@signed_in
async def top_up(request: Request) -> Response:
    budget, values = await _form_budget(request, Permission.SPEND_BUDGET)
    errors: dict[str, str] = {}
    stream = await _stream_or_error(budget, values, "topup-stream", errors)
    pence = _read_pounds(values, "topup-amount", errors, "how much you are adding")
    if not errors:
        assert stream is not None and pence is not None
        try:
            await adjustments.top_up(
                actor_of(request), budget, stream, pence, values.get("topup-note", "")
            )
        except InvalidInput as refused:
            errors = _errors_from(
                refused.problems, {"amount_pence": "topup-amount"}, "topup-amount"
            )
        except RuleRefused as refused:
            errors = {"topup-stream": str(refused)}
        except Conflict as refused:
            errors = {"topup-amount": _sentence(str(refused))}
        else:
            return see_other(f"/budgets/{budget.id}?done=topped-up")
    return await _budget_page(request, budget, errors=errors, values=values, status=400)


@signed_in
async def change_budget(request: Request) -> Response:
    """An officer increases or reduces one funding stream, with a reason."""
    actor = actor_of(request)
    budget, values = await _form_budget(request, Permission.VIEW_BUDGET)
    await require_council(actor, Permission.MANAGE_BUDGETS)
    errors: dict[str, str] = {}
    stream = await _stream_or_error(budget, values, "change-stream", errors)
    kind = values.get("change-kind", "")
    if kind not in ("increase", "reduce"):
        errors["change-kind"] = "Choose whether to increase or reduce the money"
    pence = _read_pounds(values, "change-amount", errors)
    if not values.get("change-reason"):
        errors["change-reason"] = "Say why, for the record"
    if not errors:
        assert stream is not None and pence is not None
        change = adjustments.increase if kind == "increase" else adjustments.reduce
        try:
            await change(actor, budget, stream, pence, values["change-reason"])
        except InvalidInput as refused:
            errors = _errors_from(
                refused.problems,
                {"amount_pence": "change-amount", "reason": "change-reason"},
                "change-amount",
            )
        except RuleRefused as refused:
            errors = {"change-amount": str(refused)}
        except Conflict as refused:
            errors = {"change-amount": _sentence(str(refused))}
        else:
            return see_other(f"/budgets/{budget.id}?done=changed")
    return await _budget_page(request, budget, errors=errors, values=values, status=400)


@signed_in
async def end_budget(request: Request) -> Response:
    """An officer ends a budget early: no payments after the date they give."""
    actor = actor_of(request)
    budget, values = await _form_budget(request, Permission.VIEW_BUDGET)
    await require_council(actor, Permission.MANAGE_BUDGETS)
    errors: dict[str, str] = {}
    ends_on = _read_date(values, "end-ends_on", "The end date", errors)
    if ends_on is None and "end-ends_on" not in errors:
        errors["end-ends_on"] = "Enter the last day of the budget"
    if not values.get("end-reason"):
        errors["end-reason"] = "Say why, for the record"
    if not errors:
        assert ends_on is not None
        try:
            await adjustments.end_early(actor, budget, ends_on, values["end-reason"])
        except InvalidInput as refused:
            errors = _errors_from(
                refused.problems,
                {"ends_on": "end-ends_on", "reason": "end-reason"},
                "end-ends_on",
            )
        except Conflict as refused:
            errors = {"end-ends_on": _sentence(str(refused))}
        else:
            return see_other(f"/budgets/{budget.id}?done=ended")
    return await _budget_page(request, budget, errors=errors, values=values, status=400)


# -- Statements -----------------------------------------------------------------------------


def _statement_context(budget: Budget, actor: Any) -> dict[str, Any]:
    voice = voice_for(actor, budget)
    return {
        "budget": budget,
        "voice": voice,
        "person_name": budget.person.user.display_name,
        "period": f"{long_date(budget.period_start)} to {long_date(budget.period_end)}",
        "long_date": long_date,
        "pounds": pounds,
    }


@signed_in
async def statement(request: Request) -> Response:
    actor = actor_of(request)
    budget = await get_budget(actor, request.path_params["budget_id"])
    before_text = request.query_params.get("before", "")
    before = int(before_text) if before_text.isdigit() else None
    rows = await statement_rows(budget, before_id=before, limit=STATEMENT_PAGE + 1)
    older = rows[STATEMENT_PAGE - 1].entry_id if len(rows) > STATEMENT_PAGE else None
    context = _statement_context(budget, actor)
    title = (
        "Your statement"
        if context["voice"].is_self
        else (f"Statement for {context['person_name']}")
    )
    return render(
        request,
        "budgets/statement.html",
        title,
        title=title,
        rows=rows[:STATEMENT_PAGE],
        older=older,
        first_page=before is None,
        **context,
    )


@signed_in
async def statement_csv(request: Request) -> Response:
    actor = actor_of(request)
    budget = await get_budget(actor, request.path_params["budget_id"])
    # A download is a data export: councils must be able to see who took one.
    await record(
        budget.tenant_id,
        AuditAction.DATA_EXPORTED,
        actor,
        target_type="budget",
        target_id=budget.id,
        target_label=budget.person.user.display_name,
        details={"export": "budget statement CSV"},
    )
    return StreamingResponse(
        statement_lines(budget),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{statement_filename(budget)}"',
            "Cache-Control": "no-store",
        },
    )


@signed_in
async def statement_print(request: Request) -> Response:
    actor = actor_of(request)
    budget = await get_budget(actor, request.path_params["budget_id"])
    figures = await budget_figures(budget)
    context = _statement_context(budget, actor)
    title = f"Budget statement for {context['person_name']}"
    return render(
        request,
        "budgets/print.html",
        title,
        title=title,
        rows=[row async for row in all_rows(budget)],
        figures=figures,
        printed_on=long_date(uk_today()),
        **context,
    )


routes: list[BaseRoute] = [
    Route("/people/{person_id}/budgets/new", allocate_form, methods=["GET"]),
    Route("/people/{person_id}/budgets/new", allocate, methods=["POST"]),
    Route("/budgets/{budget_id}", budget_page, methods=["GET"], name="budgets:page"),
    Route("/budgets/{budget_id}/planned", add_planned_spending, methods=["POST"]),
    Route(
        "/budgets/{budget_id}/planned/{commitment_id}/stop",
        stop_planned_spending,
        methods=["POST"],
    ),
    Route("/budgets/{budget_id}/top-up", top_up, methods=["POST"]),
    Route("/budgets/{budget_id}/change", change_budget, methods=["POST"]),
    Route("/budgets/{budget_id}/end", end_budget, methods=["POST"]),
    Route("/budgets/{budget_id}/statement", statement, methods=["GET"]),
    Route("/budgets/{budget_id}/statement.csv", statement_csv, methods=["GET"]),
    Route("/budgets/{budget_id}/statement/print", statement_print, methods=["GET"]),
]
