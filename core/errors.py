"""Domain errors raised by services; the web, API and CLI layers translate them.

Services never know about HTTP: an API handler maps these to RFC 9457 problem
responses, a page to a form message, the CLI to a one-line error.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One invalid input field: ``field`` is a dotted path, ``message`` plain English."""

    field: str
    message: str


class CarepurseError(Exception):
    """Base class for errors a user or operator can act on."""


class NotFound(CarepurseError):
    """No such thing, or not this tenant's (the two are never told apart)."""


class Conflict(CarepurseError):
    """The request clashes with the current state (a slug or domain already taken)."""


class InvalidInput(CarepurseError):
    """Input failed validation; ``problems`` names every bad field."""

    def __init__(self, message: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class RuleRefused(CarepurseError):
    """A business rule says no (not enough money, money that may not pay for this).

    ``reason`` is the plain sentence shown to the person; the API answers 422.
    """
