"""Refusals from the ledger, each with a sentence a person can act on."""

from __future__ import annotations

from core.errors import Conflict, RuleRefused


class NotEnoughMoney(RuleRefused):
    slug = "not-enough-money"

    def __init__(self, reason: str, available_pence: int, needed_pence: int) -> None:
        super().__init__(reason)
        self.available_pence = available_pence
        self.needed_pence = needed_pence


class FundingRestricted(RuleRefused):
    """No funding stream of the budget may pay for this kind of service."""

    slug = "funding-restricted"


class HoldNotPending(Conflict):
    """The hold was already settled or cancelled."""
