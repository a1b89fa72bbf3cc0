"""Who is making a request: a signed-in member, an API client, or nobody."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from core.identity.models import Membership, MembershipStatus, Role, User
from core.identity.roles import Permission, council_permissions
from tenants.models import Tenant


@dataclass(frozen=True)
class Actor:
    """Passed to every service that checks permissions. Never built from client input."""

    tenant: Tenant | None
    user: User | None = None
    membership: Membership | None = None
    api_client_name: str | None = None
    api_client_id: UUID | None = None
    # A provider's own system: it acts only for that provider's stores, never for people.
    api_provider_id: UUID | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    ip: str | None = None

    @property
    def is_signed_in(self) -> bool:
        return self.user is not None

    @property
    def is_api_client(self) -> bool:
        return self.api_client_id is not None

    @property
    def is_provider_system(self) -> bool:
        return self.api_provider_id is not None

    @property
    def roles(self) -> tuple[Role, ...]:
        if self.membership is None or self.membership.status != MembershipStatus.ACTIVE:
            return ()
        return tuple(Role(role) for role in self.membership.roles)

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def council_permissions(self) -> frozenset[Permission]:
        return council_permissions(self.roles)

    # The Auditable protocol (core.audit.services).
    @property
    def audit_user_id(self) -> UUID | None:
        return self.user.id if self.user else None

    @property
    def audit_label(self) -> str:
        if self.user is not None:
            return f"{self.user.display_name} <{self.user.email or 'no email'}>"
        if self.api_client_name is not None:
            return f"API client {self.api_client_name}"
        return "Not signed in"

    @property
    def audit_ip(self) -> str | None:
        return self.ip


def anonymous(tenant: Tenant | None, ip: str | None = None) -> Actor:
    return Actor(tenant=tenant, ip=ip)
