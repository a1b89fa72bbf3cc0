"""The console's sections, shown on its home page and in its side navigation."""

from __future__ import annotations

from dataclasses import dataclass

from core.identity.roles import Permission


@dataclass(frozen=True)
class Section:
    title: str
    href: str
    description: str
    permission: Permission


SECTIONS = (
    Section(
        "Accreditation",
        "/council/accreditation",
        "Vet providers: review applications and evidence, accredit, suspend or revoke.",
        Permission.ACCREDIT_PROVIDERS,
    ),
    Section(
        "Service categories",
        "/council/categories",
        "The kinds of service in the marketplace, and the council's own.",
        Permission.MANAGE_MARKET,
    ),
    Section(
        "Unmet needs",
        "/council/unmet-needs",
        "What people looked for in the marketplace and did not find.",
        Permission.MANAGE_MARKET,
    ),
    Section(
        "Reviews",
        "/council/reviews",
        "Recent reviews of services; hide one that breaks the council's rules.",
        Permission.MANAGE_MARKET,
    ),
    Section(
        "Community directory",
        "/council/directory",
        "Import free community services from an Open Referral UK feed.",
        Permission.MANAGE_MARKET,
    ),
    Section(
        "People and staff",
        "/council/users",
        "Add people and staff, change roles, bar or unbar accounts.",
        Permission.VIEW_USERS,
    ),
    Section(
        "Register a person",
        "/council/people/new",
        "Register someone with a personal budget and invite them, or whoever manages it.",
        Permission.MANAGE_BUDGETS,
    ),
    Section(
        "Audit log",
        "/council/audit",
        "Who signed in, what changed and who changed it.",
        Permission.VIEW_AUDIT,
    ),
    Section(
        "Funding types",
        "/council/funding-types",
        "The kinds of funding budgets are made of, and what each may pay for.",
        Permission.MANAGE_BUDGETS,
    ),
    Section(
        "Budget monitoring",
        "/council/monitoring",
        "Budgets forecast to overspend or underspend, and spending.",
        Permission.VIEW_MONITORING,
    ),
    Section(
        "API clients",
        "/council/api-clients",
        "Partner systems allowed to use the council's API.",
        Permission.MANAGE_API_CLIENTS,
    ),
)


def sections_for(permissions: frozenset[Permission]) -> list[Section]:
    return [section for section in SECTIONS if section.permission in permissions]
