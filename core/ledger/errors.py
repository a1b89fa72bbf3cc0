"""Refusals from the ledger, each with a sentence a person can act on."""

from __future__ import annotations

from core.errors import Conflict, RuleRefused


class NotEnoughMoney(RuleRefused):
    slug = "not-enough-money"

    def __init__(self, reason: str, available_pence: int, needed_pence: int) -> None:
        super().__init__(reason)
        self.available_pence = available_pence
        self.needed_pence = needed_pence

    def problem_members(self) -> dict[str, object]:
        """Extra members of the API's 422 problem, so a program can show the figures too."""
        return {
            "available_pence": self.available_pence,
            "needed_pence": self.needed_pence,
            "currency": "GBP",
        }


class FundingRestricted(RuleRefused):
    """No funding stream of the budget may pay for this kind of service."""

    slug = "funding-restricted"


class HoldNotPending(Conflict):
    """The hold was already settled or cancelled."""
