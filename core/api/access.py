"""Who may call an API endpoint: an API client with the scope, or a member with the permission."""

from __future__ import annotations

from core.audit.actions import AuditAction
from core.audit.services import record
from core.identity.actor import Actor
from core.identity.permissions import PermissionDenied, SignInRequired, require_council
from core.identity.roles import Permission


async def require_scope(actor: Actor, scope: str) -> None:
    """Token callers need ``scope``; signed-in members pass, and the service then checks
    what they may do for the person concerned (self, circle, broker or council role).

    Checking the scope first lets a token without it get a 403 that names the scope,
    instead of the 404 a service gives for things the caller may not see.
    """
    if actor.is_api_client:
        if scope not in actor.scopes:
            await record(
                actor.tenant.id if actor.tenant else None,
                AuditAction.PERMISSION_REFUSED,
                actor,
                target_type="scope",
                target_id=scope,
                target_label="API scope",
            )
            raise PermissionDenied(f"this token lacks the {scope!r} scope")
        return
    if not actor.is_signed_in or actor.membership is None:
        raise SignInRequired("send a bearer token from /oauth/token")


async def require_api(actor: Actor, scope: str, permission: Permission) -> None:
    """Token callers need ``scope``; signed-in browsers need the council ``permission``.
    A provider's system never acts for the council, whatever its scopes."""
    if actor.is_provider_system:
        raise PermissionDenied("a provider's system may only use its own orders and deliveries")
    await require_scope(actor, scope)
    if not actor.is_api_client:
        await require_council(actor, permission)
