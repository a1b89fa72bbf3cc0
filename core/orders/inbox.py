"""A member's in-app notices: listing them, marking them read, and the header's count.

Notices are written by the services that change things (``core.orders.notices``); here a
member only ever reaches their own, in this council, so an id from anywhere else is
NotFound. Following a notice marks it read and goes to its link, but only to a path on
this site, never to another website.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.types import Scope

from core.clock import utcnow
from core.errors import NotFound
from core.identity.actor import Actor
from core.identity.models import MembershipStatus
from core.ids import parse_uuid
from core.orders.models import Notification
from core.web.forms import safe_next

PAGE_SIZE = 100


def _member(actor: Actor) -> Any:
    member = actor.membership
    if actor.tenant is None or member is None or member.status != MembershipStatus.ACTIVE:
        raise NotFound("no notices here")
    return member


async def notices_for(actor: Actor) -> list[Notification]:
    """The member's latest notices, newest first."""
    member = _member(actor)
    return list(
        await Notification.filter(tenant_id=actor.tenant.id, recipient_id=member.id)  # type: ignore[union-attr]
        .order_by("-created_at", "-id")
        .limit(PAGE_SIZE)
    )


async def unread_for(actor: Actor) -> int:
    member = _member(actor)
    return await Notification.filter(
        tenant_id=actor.tenant.id,  # type: ignore[union-attr]
        recipient_id=member.id,
        read_at__isnull=True,
    ).count()


async def mark_read(actor: Actor, notification_id: Any) -> Notification:
    """Mark one of the member's own notices read (again is harmless)."""
    member = _member(actor)
    uid = parse_uuid(notification_id)
    notice = (
        await Notification.get_or_none(
            id=uid,
            tenant_id=actor.tenant.id,  # type: ignore[union-attr]
            recipient_id=member.id,
        )
        if uid is not None
        else None
    )
    if notice is None:
        raise NotFound("no such notice")
    if notice.read_at is None:
        notice.read_at = utcnow()
        await notice.save(update_fields=["read_at"])
    return notice


async def mark_all_read(actor: Actor) -> int:
    """Mark every unread notice of the member read; how many there were."""
    member = _member(actor)
    return await Notification.filter(
        tenant_id=actor.tenant.id,  # type: ignore[union-attr]
        recipient_id=member.id,
        read_at__isnull=True,
    ).update(read_at=utcnow())


def where_to(notice: Notification) -> str:
    """The notice's link if it is a path on this site, else the notices page."""
    return safe_next(notice.link, "/notifications")


_NOT_PAGES = ("/api/", "/static/", "/media/", "/theme.css", "/health")


async def unread_for_header(scope: Scope, actor: Actor) -> int | None:
    """The unread count for the page header: one count query, only for a signed-in
    council member asking for a page (not the API, files or form posts)."""
    if scope.get("method") != "GET" or actor.is_api_client or actor.tenant is None:
        return None
    member = actor.membership
    if member is None or member.status != MembershipStatus.ACTIVE:
        return None
    path = scope.get("path", "")
    if path.startswith(_NOT_PAGES):
        return None
    accept = Headers(scope=scope).get("accept", "*/*").strip()
    if "text/html" not in accept and accept != "*/*":
        return None  # a style sheet, an image or a script: browsers ask for pages by type
    return await unread_for(actor)
