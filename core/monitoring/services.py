"""Exception monitoring: forecast every active budget, raise and resolve exceptions, tell
the council once about what is new.

An exception stays open from the day it is first seen until the forecast no
longer shows it; the council is emailed when one is raised, never again for the
same open exception. Evaluating twice on a day changes nothing the second time.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from core.budgets.figures import budget_figures
from core.budgets.forecast import Forecast, forecast
from core.budgets.models import Budget, BudgetException, BudgetStatus, ExceptionKind
from core.clock import long_date, utcnow
from core.email.services import queue_email
from core.ledger.money import pounds
from core.monitoring.policy import MonitoringPolicy, monitoring_policy
from core.runtime import Runtime
from core.settings import Settings
from tenants.models import Tenant

logger = logging.getLogger(__name__)

EMAIL_PURPOSE = "budget-monitoring"


@dataclass(frozen=True)
class Finding:
    """What the forecast shows for one budget, before it is saved as an exception."""

    kind: ExceptionKind
    amount_pence: int
    runs_out_on: date | None
    detail: str


def period_money_pence(received_pence: int, forecast_: Forecast) -> int:
    """The money the period brings: what has arrived plus what is still to arrive."""
    return received_pence + forecast_.still_to_arrive_pence


def findings_for(
    forecast_: Forecast, period_money: int, policy: MonitoringPolicy, today: date
) -> list[Finding]:
    """The exceptions a forecast shows under the council's thresholds."""
    found = []
    runs_out = forecast_.runs_out_on
    notice = policy.overspend_notice_days
    if runs_out is not None and (notice is None or runs_out <= today + timedelta(days=notice)):
        found.append(
            Finding(
                ExceptionKind.OVERSPEND,
                forecast_.shortfall_pence,
                runs_out,
                f"Forecast to run out on {long_date(runs_out)}, "
                f"{pounds(forecast_.shortfall_pence)} short by the end of the period",
            )
        )
    left = forecast_.underspend_pence
    # Whole pence, no rounding: flagged when left / period money > percent / 100.
    if period_money > 0 and left > 0 and left * 100 > period_money * policy.underspend_percent:
        share = left * 100 // period_money
        found.append(
            Finding(
                ExceptionKind.UNDERSPEND,
                left,
                None,
                f"Forecast to have {pounds(left)} left at the end of the period "
                f"({share}% of {pounds(period_money)})",
            )
        )
    return found


async def _evaluate_budget(budget: Budget, policy: MonitoringPolicy, today: date) -> list[Finding]:
    outlook = await forecast(budget, today)
    received = (await budget_figures(budget)).total.received_pence
    return findings_for(outlook, period_money_pence(received, outlook), policy, today)


async def _site_url(tenant: Tenant, settings: Settings) -> str:
    await tenant.fetch_related("domains")
    domains = [d.domain for d in tenant.domains]
    host = domains[0] if domains else f"{tenant.slug}.{settings.base_domain}"
    return f"{'http' if settings.is_local else 'https'}://{host}"


def _email_body(
    tenant: Tenant,
    today: date,
    site: str,
    raised: list[BudgetException],
    resolved: int,
    still_open: int,
) -> str:
    lines = [
        f"Budget monitoring for {tenant.name}, {long_date(today)}",
        "",
        f"{len(raised)} budget {'exception was' if len(raised) == 1 else 'exceptions were'} "
        "raised today:",
        "",
    ]
    for row in raised:
        kind = row.kind.value.capitalize()
        detail = row.detail[:1].lower() + row.detail[1:]
        lines += [f"- {kind}: {detail}.", f"  {site}/budgets/{row.budget_id}"]
    lines.append("")
    if resolved:
        gone = "exception no longer applies" if resolved == 1 else "exceptions no longer apply"
        lines.append(f"{resolved} earlier {gone}.")
    lines += [
        f"Open exceptions now: {still_open}. See them, with the people they concern, at",
        f"{site}/council/monitoring",
        "",
        "People's names are left out of this email; sign in to see them.",
    ]
    return "\n".join(lines) + "\n"


async def evaluate_exceptions(runtime: Runtime, tenant_id: int, today: date) -> dict[str, Any]:
    """Raise, keep or resolve each active budget's exceptions; email what is new.

    Returns a small JSON-safe summary (stored with the job run).
    """
    tenant = await Tenant.get_or_none(id=tenant_id)
    if tenant is None or not tenant.is_active:
        logger.info("budget monitoring skipped: tenant %s is gone or suspended", tenant_id)
        return {"skipped": "tenant gone or suspended"}
    policy = monitoring_policy(runtime.plugins_for(tenant))
    if not policy.level.watches_budgets:
        return {"level": policy.level.value, "budgets_checked": 0}

    # Forecast first, outside any transaction: reads only, however many budgets.
    findings: dict[Any, list[Finding]] = {}
    for budget in await Budget.filter(tenant_id=tenant.id, status=BudgetStatus.ACTIVE):
        if (budget.ended_on or budget.period_end) >= today:
            findings[budget.id] = await _evaluate_budget(budget, policy, today)

    raised: list[BudgetException] = []
    kept = 0
    emails = 0
    async with in_transaction():
        still_open = {
            (row.budget_id, row.kind): row
            for row in await BudgetException.filter(tenant_id=tenant.id, resolved_at__isnull=True)
        }
        for budget_id, budget_findings in findings.items():
            for finding in budget_findings:
                row = still_open.pop((budget_id, finding.kind), None)
                if row is not None:  # known and open: keep its figures current, say nothing
                    await _refresh(row, finding)
                    kept += 1
                    continue
                raised.append(await _raise(tenant.id, budget_id, finding, today))
        # Whatever is left no longer applies (or its budget has ended).
        resolved = [row.id for row in still_open.values()]
        if resolved:
            await BudgetException.filter(id__in=resolved).update(resolved_at=utcnow())
        if raised and policy.notify_emails:
            site = await _site_url(tenant, runtime.settings)
            body = _email_body(tenant, today, site, raised, len(resolved), kept + len(raised))
            subject = (
                f"Budget monitoring: {len(raised)} new "
                f"{'exception' if len(raised) == 1 else 'exceptions'}"
            )
            for address in policy.notify_emails:
                await queue_email(tenant.id, address, subject, body, EMAIL_PURPOSE)
                emails += 1
    kinds = Counter(row.kind.value for row in raised)
    return {
        "level": policy.level.value,
        "budgets_checked": len(findings),
        "raised": {kind.value: kinds.get(kind.value, 0) for kind in ExceptionKind},
        "open": kept + len(raised),
        "resolved": len(resolved),
        "emails_queued": emails,
    }


async def _refresh(row: BudgetException, finding: Finding) -> None:
    changed = (row.amount_pence, row.runs_out_on, row.detail) != (
        finding.amount_pence,
        finding.runs_out_on,
        finding.detail,
    )
    if changed:
        row.amount_pence, row.runs_out_on = finding.amount_pence, finding.runs_out_on
        row.detail = finding.detail[:300]
        await row.save(update_fields=["amount_pence", "runs_out_on", "detail"])


async def _raise(tenant_id: int, budget_id: Any, finding: Finding, today: date) -> BudgetException:
    """A new exception; one resolved earlier the same day is reopened (one row per day)."""
    values = {
        "amount_pence": finding.amount_pence,
        "runs_out_on": finding.runs_out_on,
        "detail": finding.detail[:300],
        "resolved_at": None,
    }
    earlier = await BudgetException.get_or_none(
        budget_id=budget_id, kind=finding.kind, detected_on=today
    )
    if earlier is not None:
        await earlier.update_from_dict(values).save()
        return earlier
    return await BudgetException.create(
        tenant_id=tenant_id, budget_id=budget_id, kind=finding.kind, detected_on=today, **values
    )
