"""OAuth2 scopes a council admin can give a partner API client."""

from __future__ import annotations

# Scope -> what it allows, shown when an admin creates a client. Later domains add theirs.
SCOPES: dict[str, str] = {
    "council:read": "Read the council's public profile",
    "people:read": "Read people and their circles of support",
    "people:write": "Add people",
    "audit:read": "Read the audit log",
    "budgets:read": "Read budgets, funding streams, statements and forecasts",
    "budgets:write": "Allocate and adjust budgets",
    "orders:read": "Read orders, bookings, visits and deliveries",
    "orders:write": "Place, accept, decline and cancel orders and bookings; commit (hold), "
    "settle and cancel money for services",
    "deliveries:write": "Record, confirm and dispute deliveries (timesheets)",
    "catalogue:read": "Read providers, stores, services and accreditation",
    "catalogue:write": "Change providers' stores and services, and accreditation decisions",
    "market:read": "Read what people looked for in the marketplace and did not find (unmet needs)",
}
