"""A budget in plain words: the headline sentence, the forecast sentence, short summaries.

"You" on the person's own pages; their first name for everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.budgets.access import budgets_of
from core.budgets.figures import Figures, budget_figures
from core.budgets.forecast import Forecast
from core.budgets.models import Budget, BudgetStatus, Schedule
from core.clock import long_date, uk_today
from core.identity.actor import Actor
from core.ledger.money import pounds

SCHEDULE_WORDS = {
    Schedule.ONE_OFF: "once",
    Schedule.WEEKLY: "every week",
    Schedule.FOUR_WEEKLY: "every 4 weeks",
    Schedule.MONTHLY: "every month",
    Schedule.QUARTERLY: "every 3 months",
}


def first_name(person: Any) -> str:
    name = (person.user.display_name or "").split()
    return name[0] if name else "They"


@dataclass(frozen=True)
class Voice:
    """Who the page talks about: ``You have`` or ``Dora has``."""

    is_self: bool
    name: str

    @property
    def subject(self) -> str:
        return "You" if self.is_self else self.name

    @property
    def has(self) -> str:
        return f"{self.subject} {'have' if self.is_self else 'has'}"

    @property
    def had(self) -> str:
        return f"{self.subject} had"

    @property
    def is_(self) -> str:
        return f"{self.subject} {'are' if self.is_self else 'is'}"

    @property
    def possessive(self) -> str:
        return "Your" if self.is_self else f"{self.name}'s"


def voice_for(actor: Actor, budget_or_person: Any) -> Voice:
    person = getattr(budget_or_person, "person", budget_or_person)
    is_self = actor.membership is not None and actor.membership.id == person.id
    return Voice(is_self, "" if is_self else first_name(person))


def spend_until(budget: Budget) -> date:
    return budget.ended_on or budget.period_end


def headline(budget: Budget, available_pence: int, voice: Voice, today: date | None = None) -> str:
    """``You have £312.40 left to spend until 31 March 2027``."""
    until = long_date(spend_until(budget))
    if budget.status == BudgetStatus.ENDED:
        return f"This budget ended on {until}. {voice.had} {pounds(available_pence)} left."
    if budget.period_start > (today or uk_today()):
        return (
            f"This budget starts on {long_date(budget.period_start)}. "
            f"{voice.has} {pounds(available_pence)} in it so far."
        )
    return f"{voice.has} {pounds(available_pence)} left to spend until {until}"


@dataclass(frozen=True)
class ForecastWords:
    warning: bool
    sentence: str
    detail: str | None = None


def forecast_words(outlook: Forecast, voice: Voice) -> ForecastWords:
    end = long_date(outlook.period_end)
    if outlook.runs_out_on is not None:
        return ForecastWords(
            True,
            f"At this rate the money runs out on {long_date(outlook.runs_out_on)}.",
            f"{voice.subject} would need about {pounds(outlook.shortfall_pence)} more "
            f"to keep going until {end}.",
        )
    if outlook.today > outlook.period_end:
        return ForecastWords(False, f"This budget ended on {end}.")
    return ForecastWords(
        False,
        f"{voice.is_} on track to have {pounds(outlook.underspend_pence)} left on {end}.",
    )


@dataclass(frozen=True)
class BudgetSummary:
    budget: Budget
    total: Figures
    headline: str

    @property
    def period(self) -> str:
        return f"{long_date(self.budget.period_start)} to {long_date(self.budget.period_end)}"


async def budget_summaries(actor: Actor, person: Any) -> list[BudgetSummary]:
    """The person's budgets the actor may see, newest period first, each with its headline."""
    if person is None:
        return []
    voice = voice_for(actor, person)
    summaries = []
    for budget in await budgets_of(actor, person):
        total = (await budget_figures(budget)).total
        summaries.append(
            BudgetSummary(budget, total, headline(budget, total.available_pence, voice))
        )
    return summaries
