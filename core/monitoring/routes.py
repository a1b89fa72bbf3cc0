"""The council console's budget monitoring page (``monitoring:view``: officers and admins).

What it shows follows the council's monitoring level (its ``budget-monitoring``
plugin, or the core default): ``none`` outcomes only, ``exception`` the open
exceptions too, ``full`` every transaction as well. Pages are plain links.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.audit.display import when_text
from core.budgets.models import ExceptionKind
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.ledger.money import pounds
from core.monitoring import dashboard
from core.monitoring.policy import MonitoringLevel, monitoring_policy
from core.monitoring.services import long_date
from core.web.forms import actor_of, signed_in
from core.web.responses import render

LEVEL_TEXT = {
    MonitoringLevel.NONE: (
        "Your council sees outcomes only: how many budgets there are and the money "
        "allocated and spent this period, not individual budgets."
    ),
    MonitoringLevel.EXCEPTION: (
        "Your council is told only about budgets forecast to overspend or underspend "
        "beyond the thresholds it has set."
    ),
    MonitoringLevel.FULL: (
        "Your council sees budgets forecast to overspend or underspend, and every "
        "transaction on every budget."
    ),
}


def _exception_rows(found: list[dashboard.OpenException]) -> list[dict[str, str]]:
    rows = []
    for item in found:
        overspend = item.kind == ExceptionKind.OVERSPEND
        rows.append(
            {
                "href": f"/budgets/{item.budget_id}",
                "person": item.person_name,
                "kind": "Overspend" if overspend else "Underspend",
                "tag": "govuk-tag--red" if overspend else "govuk-tag--yellow",
                "forecast": (
                    f"Runs out on {long_date(item.runs_out_on)} ({pounds(item.amount_pence)} short)"
                    if overspend and item.runs_out_on
                    else f"{pounds(item.amount_pence)} left at the end of the period"
                ),
                "since": long_date(item.detected_on),
                "since_iso": item.detected_on.isoformat(),
            }
        )
    return rows


def _transaction_rows(page: dashboard.TransactionPage) -> list[dict[str, str]]:
    return [
        {
            "id": str(row.entry_id),
            "href": f"/budgets/{row.budget_id}",
            "person": row.person_name,
            "date": long_date(row.effective_on),
            "date_iso": row.effective_on.isoformat(),
            "what": row.kind_words,
            "description": row.description,
            "amount": pounds(row.amount_pence),
        }
        for row in page.rows
    ]


@signed_in
async def monitoring_page(request: Request) -> Response:
    actor = actor_of(request)
    await require_council(actor, Permission.VIEW_MONITORING)
    assert actor.tenant is not None
    tenant_id = actor.tenant.id
    policy = monitoring_policy(request.state.plugins)
    outcomes = await dashboard.outcomes(tenant_id)
    values: dict[str, Any] = {
        "level": policy.level.value,
        "level_text": LEVEL_TEXT[policy.level],
        "outcomes": {
            "budgets": f"{outcomes.budgets:,}",
            "allocated": pounds(outcomes.allocated_pence),
            "received": pounds(outcomes.received_pence),
            "held": pounds(outcomes.held_pence),
            "spent": pounds(outcomes.spent_pence),
            "still_to_arrive": outcomes.allocated_pence != outcomes.received_pence,
        },
        "exceptions": [],
        "transactions": [],
        "newer_href": None,
        "older_href": None,
        "checked": None,
    }
    if policy.level.watches_budgets:
        values["exceptions"] = _exception_rows(await dashboard.open_exceptions(tenant_id))
        run = await dashboard.last_checked(tenant_id)
        values["checked"] = when_text(run.finished_at or run.started_at) if run else None
        values["thresholds"] = {
            "underspend_percent": policy.underspend_percent,
            "overspend_notice_days": policy.overspend_notice_days,
        }
    if policy.level == MonitoringLevel.FULL:
        before, after = dashboard.page_position(dict(request.query_params))
        page = await dashboard.transactions(tenant_id, before=before, after=after)
        values["transactions"] = _transaction_rows(page)
        if page.newer_than is not None:
            values["newer_href"] = f"/council/monitoring?after={page.newer_than}#transactions"
        if page.older_than is not None:
            values["older_href"] = f"/council/monitoring?before={page.older_than}#transactions"
        values["paged"] = before is not None or after is not None
    return render(request, "council/monitoring/index.html", "Budget monitoring", **values)


routes: list[BaseRoute] = [
    Route("/council/monitoring", monitoring_page, methods=["GET"], name="monitoring:index"),
]
