"""Who may call an API endpoint: an API client with the scope, or a member with the permission."""

from __future__ import annotations

from core.audit.actions import AuditAction
from core.audit.services import record
from core.identity.actor import Actor
from core.identity.permissions import PermissionDenied, SignInRequired, require_council
from core.identity.roles import Permission


async def require_api(actor: Actor, scope: str, permission: Permission) -> None:
    """Token callers need ``scope``; signed-in browsers need the council ``permission``."""
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
    await require_council(actor, permission)
