"""The member's in-app notices: ``/notifications`` (newest first, unread marked);
following one marks it read and goes to its page on this site; mark all as read."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.clock import uk_time_words
from core.orders import inbox
from core.web.forms import actor_of, see_other, signed_in
from core.web.responses import render


@signed_in
async def list_notifications(request: Request) -> Response:
    actor = actor_of(request)
    notices = await inbox.notices_for(actor)
    return render(
        request,
        "orders/notifications.html",
        "Notifications",
        inbox=notices,
        unread=sum(1 for n in notices if n.read_at is None),
        cleared=request.query_params.get("cleared"),
        uk_time_words=uk_time_words,
    )


@signed_in
async def follow_notification(request: Request) -> Response:
    notice = await inbox.mark_read(actor_of(request), request.path_params["notification_id"])
    return see_other(inbox.where_to(notice))


@signed_in
async def read_all(request: Request) -> Response:
    await inbox.mark_all_read(actor_of(request))
    return see_other("/notifications?cleared=1")


routes = [
    Route("/notifications", list_notifications, methods=["GET"], name="orders:notifications"),
    Route("/notifications/read-all", read_all, methods=["POST"]),
    Route("/notifications/{notification_id}/read", follow_notification, methods=["POST"]),
]
