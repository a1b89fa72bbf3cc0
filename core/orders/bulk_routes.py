"""Bulk scheduling pages for brokers (and council staff who manage budgets).

- ``GET /bulk``: the form (a service, the broker's people as checkboxes, a date and
  times or a weekly pattern, how many units a visit) and the broker's earlier runs.
  ``?service_id=`` chooses the service in advance (from a service page).
- ``POST /bulk``: runs ``core.orders.bulk.bulk_schedule`` and shows the run. A hidden
  one-time key makes a double-click return the same run instead of ordering twice.
- ``GET /bulk/{run_id}``: each person's result: placed (with its total and a link to the
  order) or refused and why, with the counts.
"""

from __future__ import annotations

import uuid
from datetime import date, time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.accreditation.policy import accreditation_policy
from core.clock import long_date, uk_time_words
from core.errors import FieldProblem, InvalidInput, NotFound
from core.ledger.money import pounds
from core.marketplace.visibility import visible_services
from core.orders import bulk
from core.orders.models import BulkOutcome, BulkRun
from core.orders.policy import ordering_policy
from core.orders.recurrence import Recurrence, describe, recurrence_from_form
from core.web.dates import optional_date
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.responses import render

DAYS = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
]
MAX_SERVICES = 300


@signed_in
async def bulk_form(request: Request) -> Response:
    values = {"service_id": request.query_params.get("service_id", ""), "quantity": "1"}
    return await _form(request, values, {}, [], [])


@signed_in
async def bulk_run(request: Request) -> Response:
    actor = actor_of(request)
    await bulk.require_scheduler(actor)
    form = await request.form()
    values = await form_values(request)
    person_ids = [v for v in form.getlist("person_ids") if isinstance(v, str)]
    days = [v for v in form.getlist("days") if isinstance(v, str)]
    errors: dict[str, str] = {}
    line = _line(values, days, errors)
    if not person_ids:
        errors["person_ids"] = "Choose at least one person"
    if not values.get("service_id"):
        errors["service_id"] = "Choose a service"
    if errors or line is None:
        return await _form(request, values, errors, person_ids, days, status_code=400)
    plugins = request.state.plugins
    try:
        run = await bulk.bulk_schedule(
            actor,
            values["service_id"],
            person_ids,
            line,
            idempotency_key=values.get("run_key") or None,
            ordering=ordering_policy(plugins),
            policy=accreditation_policy(plugins),
        )
    except NotFound:
        errors["service_id"] = "Choose a service from the list"
        return await _form(request, values, errors, person_ids, days, status_code=400)
    except InvalidInput as invalid:
        errors = _errors(invalid.problems)
        return await _form(request, values, errors, person_ids, days, status_code=400)
    return see_other(f"/bulk/{run.id}")


@signed_in
async def show_run(request: Request) -> Response:
    actor = actor_of(request)
    run, results = await bulk.run_for(actor, request.path_params["run_id"])
    placed = [r for r in results if r.outcome == BulkOutcome.PLACED]
    refused = [r for r in results if r.outcome == BulkOutcome.REFUSED]
    unseen = max(run.refused_count - len(refused), 0)
    return render(
        request,
        "orders/bulk_run.html",
        f"Results: {run.service.title}",
        run=run,
        placed=placed,
        refused=refused,
        unseen=unseen,
        when=_when(run),
        pounds=pounds,
        finished=uk_time_words(run.finished_at) if run.finished_at else None,
    )


# --- the form -------------------------------------------------------------------------------


async def _form(
    request: Request,
    values: dict[str, str],
    errors: dict[str, str],
    chosen: list[str],
    days: list[str],
    status_code: int = 200,
) -> Response:
    actor = actor_of(request)
    people = await bulk.people_to_schedule(actor)
    policy = accreditation_policy(request.state.plugins)
    services = (
        await (await visible_services(actor, policy))
        .filter(takes_bookings=True)
        .order_by("title", "id")
        .limit(MAX_SERVICES)
        .prefetch_related("store")
    )
    runs = await bulk.runs_of(actor)
    values = dict(values)
    values.setdefault("when", "once")
    return render(
        request,
        "orders/bulk.html",
        "Book a service for several people",
        status_code=status_code,
        values=values,
        errors=errors,
        people=people,
        chosen=set(chosen),
        days=DAYS,
        chosen_days=set(days),
        services=services,
        runs=runs,
        run_key=uuid.uuid4().hex,
        long_date=long_date,
    )


def _line(values: dict[str, str], days: list[str], errors: dict[str, str]) -> bulk.BulkLine | None:
    """The visit(s) from the form; problems go into ``errors`` by field name."""
    quantity_text = values.get("quantity", "")
    quantity = int(quantity_text) if quantity_text.isdigit() else None
    if quantity is None or not 1 <= quantity <= 1_000:
        errors["quantity"] = "Enter how many hours or units each visit is, like 2"
    if values.get("when") == "weekly":
        form: dict[str, str] = {
            "days": ",".join(days),
            "start_time": values.get("start_time", ""),
            "end_time": values.get("end_time", ""),
        }
        for name in ("first_date", "until_date"):
            day = _date(
                values,
                name,
                "The first visit" if name == "first_date" else "The last visit",
                errors,
            )
            form[name] = day.isoformat() if day else ""
        try:
            recurrence: Recurrence | None = recurrence_from_form(form)
        except InvalidInput as invalid:
            for name, message in field_errors(invalid.problems).items():
                errors.setdefault(name, message)
            return None
        if errors or quantity is None:
            return None
        return bulk.BulkLine(quantity=quantity, recurrence=recurrence)
    on_date = _date(values, "on_date", "The date", errors)
    if on_date is None:
        errors.setdefault("on_date", "Enter the date of the visit")
    start, end = _time(values, "start_time", errors), _time(values, "end_time", errors)
    if start and end and end <= start:
        errors["end_time"] = "The finishing time must be later than the starting time"
    if errors or quantity is None:
        return None
    return bulk.BulkLine(quantity=quantity, on_date=on_date, start_time=start, end_time=end)


def _date(values: dict[str, str], name: str, label: str, errors: dict[str, str]) -> date | None:
    try:
        return optional_date(values, name, label)
    except InvalidInput as invalid:
        errors[name] = invalid.problems[0].message
        return None


def _time(values: dict[str, str], name: str, errors: dict[str, str]) -> time | None:
    which = "starting" if name == "start_time" else "finishing"
    text = values.get(name, "").replace(".", ":")
    try:
        hours, minutes = (int(part) for part in text.split(":"))
        return time(hours, minutes)
    except ValueError:
        errors[name] = f"Enter the {which} time in hours and minutes, like 09:30"
        return None


def _errors(problems: list[FieldProblem]) -> dict[str, str]:
    names = {"service_id": "service_id", "quantity": "quantity", "recurrence": "first_date"}
    errors: dict[str, str] = {}
    for problem in problems:
        last = problem.field.split(".")[-1]
        errors.setdefault(names.get(last, last), problem.message)
    return errors


def _when(run: BulkRun) -> str:
    if run.rule:
        return describe(Recurrence.from_rfc5545(run.rule))
    if run.on_date is None:
        return ""
    return f"{long_date(run.on_date)}, {run.start_time} to {run.end_time}"


routes: list[BaseRoute] = [
    Route("/bulk", bulk_form, methods=["GET"], name="orders:bulk"),
    Route("/bulk", bulk_run, methods=["POST"]),
    Route("/bulk/{run_id}", show_run, methods=["GET"], name="orders:bulk-run"),
]
