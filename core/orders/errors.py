"""Refusals from ordering, each with sentences a person can act on."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import RuleRefused


class ProblemKind:
    """Why one line of an order cannot be placed (stable codes for pages and the API)."""

    UNAVAILABLE = "unavailable"  # no such service, not live, not visible, not bookable
    NOT_OFFERED_HERE = "not-offered-here"  # the provider does not cover that district
    BUDGET_ENDED = "budget-ended"  # no active budget, or the date is outside its period
    RESTRICTED = "funding-restricted"  # no stream may pay for this kind of service
    NOT_ENOUGH_MONEY = "not-enough-money"
    NO_SESSIONS = "no-sessions"  # the pattern gives no visits inside the budget period


@dataclass(frozen=True)
class LineProblem:
    """What is wrong with line ``line`` (0-based, in the order asked), in plain words."""

    line: int
    kind: str
    reason: str
    available_pence: int | None = None
    needed_pence: int | None = None


class OrderRefused(RuleRefused):
    """The order cannot be placed; ``problems`` says why, line by line. Nothing was held."""

    slug = "order-refused"

    def __init__(self, problems: list[LineProblem]) -> None:
        reasons = " ".join(p.reason for p in problems)
        super().__init__(f"This order cannot be placed. {reasons}".strip())
        self.problems = problems

    def problem_members(self) -> dict[str, object]:
        """Extra members of the API's 422 problem: the reason for each line."""
        return {
            "lines": [
                {
                    "line": p.line,
                    "kind": p.kind,
                    "reason": p.reason,
                    **(
                        {"available_pence": p.available_pence, "needed_pence": p.needed_pence}
                        if p.needed_pence is not None
                        else {}
                    ),
                }
                for p in self.problems
            ]
        }
