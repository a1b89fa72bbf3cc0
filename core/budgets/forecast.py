"""Forecast to the end of the period: what is still to arrive, what regular spending will
take, the day money would run out, or the expected underspend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.budgets.figures import budget_figures
from core.budgets.models import Budget, FundingInstalment, RecurringCommitment
from core.budgets.schedule import occurrences


@dataclass(frozen=True)
class Forecast:
    today: date
    period_end: date
    available_now_pence: int
    still_to_arrive_pence: int
    planned_spending_pence: int
    end_balance_pence: int
    runs_out_on: date | None
    shortfall_pence: int

    @property
    def underspend_pence(self) -> int:
        return max(0, self.end_balance_pence) if self.runs_out_on is None else 0

    @property
    def will_overspend(self) -> bool:
        return self.runs_out_on is not None


async def forecast(budget: Budget, today: date) -> Forecast:
    """Walk the days from ``today`` to the end of the period, oldest event first.

    Money arriving on a day counts before spending on the same day. Held money is
    already out of 'available', so it is not counted twice.
    """
    end = budget.ended_on or budget.period_end
    figures = await budget_figures(budget)
    events: list[tuple[date, int, int]] = []  # (day, order, amount): arrivals sort first
    for instalment in await FundingInstalment.filter(
        stream__budget_id=budget.id,
        credited_at__isnull=True,
        cancelled_at__isnull=True,
        due_on__gte=today,
        due_on__lte=end,
    ):
        events.append((instalment.due_on, 0, instalment.amount_pence))
    for plan in await RecurringCommitment.filter(budget_id=budget.id, cancelled_at__isnull=True):
        last = min(plan.ends_on or end, end)
        for day in occurrences(plan.schedule, plan.starts_on, last):
            if day >= today:
                events.append((day, 1, -plan.amount_pence))
    balance = figures.total.available_pence
    runs_out_on: date | None = None
    lowest = balance
    for day, _, amount in sorted(events):
        balance += amount
        lowest = min(lowest, balance)
        if balance < 0 and runs_out_on is None:
            runs_out_on = day
    return Forecast(
        today=today,
        period_end=end,
        available_now_pence=figures.total.available_pence,
        still_to_arrive_pence=sum(a for _, order, a in events if order == 0),
        planned_spending_pence=-sum(a for _, order, a in events if order == 1),
        end_balance_pence=balance,
        runs_out_on=runs_out_on,
        shortfall_pence=-lowest if lowest < 0 else 0,
    )
