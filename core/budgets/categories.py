"""Kinds of service a budget can pay for, and the standard funding types.

The marketplace files every service under one of these categories; funding
streams may be restricted to some of them (NHS money pays for health needs).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import FieldProblem, InvalidInput


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    health_eligible: bool


CATEGORIES: tuple[Category, ...] = (
    Category("personal-care", "Personal care at home", True),
    Category("health-care", "Health care and nursing", True),
    Category("therapy", "Therapy", True),
    Category("equipment", "Equipment and adaptations", True),
    Category("personal-assistant", "Personal assistant", True),
    Category("day-opportunities", "Day activities", False),
    Category("respite", "Short breaks and respite", False),
    Category("household", "Help around the home", False),
    Category("transport", "Transport", False),
    Category("leisure", "Leisure and community activities", False),
)
BY_CODE = {category.code: category for category in CATEGORIES}
HEALTH_ELIGIBLE = tuple(c.code for c in CATEGORIES if c.health_eligible)


def category_label(code: str) -> str:
    category = BY_CODE.get(code)
    if category is None:
        raise InvalidInput(
            "unknown kind of service",
            [FieldProblem("category", f"{code!r} is not a kind of service we know")],
        )
    return category.label


def check_categories(codes: list[str] | None) -> list[str] | None:
    """``None`` means any category; otherwise known codes in a stable order."""
    if codes is None:
        return None
    unknown = [code for code in codes if code not in BY_CODE]
    if unknown or not codes:
        raise InvalidInput(
            "unknown kinds of service",
            [
                FieldProblem(
                    "allowed_categories", "Choose at least one kind of service from the list"
                )
            ],
        )
    return [c.code for c in CATEGORIES if c.code in codes]


@dataclass(frozen=True)
class FundingType:
    code: str
    label: str
    default_categories: tuple[str, ...] | None  # None: any service


STANDARD_FUNDING_TYPES: tuple[FundingType, ...] = (
    FundingType("council-care", "Council community care fund", None),
    FundingType("direct-payment", "Direct payment", None),
    FundingType("ilf", "Independent Living Fund", None),
    FundingType("personal-contribution", "Personal contribution", None),
    FundingType("nhs-chc", "NHS continuing healthcare", HEALTH_ELIGIBLE),
    FundingType("supporting-people", "Supporting People", None),
    FundingType("self-funded", "Self-funded", None),
)
