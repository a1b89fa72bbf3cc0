"""Roles and the permissions they grant. Checked in services, not only in routes."""

from __future__ import annotations

from enum import StrEnum

from core.identity.models import AccessLevel, Role


class Permission(StrEnum):
    VIEW_PERSON = "person:view"
    MANAGE_PERSON = "person:manage"
    MANAGE_CIRCLE = "circle:manage"
    VIEW_USERS = "users:view"
    MANAGE_USERS = "users:manage"
    VIEW_AUDIT = "audit:view"
    EXPORT_AUDIT = "audit:export"
    MANAGE_API_CLIENTS = "api-clients:manage"
    VIEW_BUDGET = "budget:view"
    SPEND_BUDGET = "budget:spend"
    MANAGE_BUDGETS = "budgets:manage"
    VIEW_MONITORING = "monitoring:view"
    ACCREDIT_PROVIDERS = "providers:accredit"
    MANAGE_MARKET = "market:manage"


# Council-wide permissions by role. Person-level access (self, circle, broker)
# is worked out per person in core.identity.permissions.
COUNCIL_WIDE: dict[Role, frozenset[Permission]] = {
    Role.COUNCIL_ADMIN: frozenset(Permission),
    Role.COUNCIL_OFFICER: frozenset(
        {
            Permission.VIEW_PERSON,
            Permission.MANAGE_PERSON,
            Permission.MANAGE_CIRCLE,
            Permission.VIEW_USERS,
            Permission.VIEW_AUDIT,
            Permission.VIEW_BUDGET,
            Permission.SPEND_BUDGET,
            Permission.MANAGE_BUDGETS,
            Permission.VIEW_MONITORING,
            Permission.ACCREDIT_PROVIDERS,
            Permission.MANAGE_MARKET,
        }
    ),
    Role.BROKER: frozenset(),
    Role.PERSON: frozenset(),
    Role.PROVIDER_OWNER: frozenset(),
    Role.PROVIDER_MANAGER: frozenset(),
    Role.PROVIDER_STAFF: frozenset(),
}

# What access to one person allows.
PERSON_LEVEL: dict[AccessLevel, frozenset[Permission]] = {
    AccessLevel.REVIEW: frozenset({Permission.VIEW_PERSON, Permission.VIEW_BUDGET}),
    AccessLevel.MANAGE: frozenset(
        {
            Permission.VIEW_PERSON,
            Permission.MANAGE_PERSON,
            Permission.MANAGE_CIRCLE,
            Permission.VIEW_BUDGET,
            Permission.SPEND_BUDGET,
        }
    ),
}

# The OAuth scope that gives a partner API client the same power.
SCOPE_FOR: dict[Permission, str] = {
    Permission.VIEW_PERSON: "people:read",
    Permission.VIEW_USERS: "people:read",
    Permission.MANAGE_USERS: "people:write",
    Permission.VIEW_AUDIT: "audit:read",
    Permission.VIEW_BUDGET: "budgets:read",
    Permission.MANAGE_BUDGETS: "budgets:write",
    Permission.SPEND_BUDGET: "orders:write",
    Permission.ACCREDIT_PROVIDERS: "catalogue:write",
    Permission.MANAGE_MARKET: "catalogue:write",
}

ROLE_LABELS: dict[Role, str] = {
    Role.PERSON: "Person with a budget",
    Role.BROKER: "Broker or budget manager",
    Role.PROVIDER_OWNER: "Provider owner",
    Role.PROVIDER_MANAGER: "Provider manager",
    Role.PROVIDER_STAFF: "Provider staff",
    Role.COUNCIL_OFFICER: "Council officer",
    Role.COUNCIL_ADMIN: "Council administrator",
}

# Roles only a council admin may give; officers may add people and brokers.
STAFF_ROLES = frozenset({Role.COUNCIL_OFFICER, Role.COUNCIL_ADMIN})


def council_permissions(roles: list[str] | tuple[str, ...]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= COUNCIL_WIDE.get(Role(role), frozenset())
    return frozenset(granted)
