"""The development mailbox: emails kept because no SMTP server is configured.

Only in development and tests, and only on the platform's own host.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.email.models import EmailMessage, EmailStatus
from core.ids import parse_uuid
from core.web.responses import render, runtime_of


def _only_locally(request: Request) -> None:
    if not runtime_of(request).settings.is_local:
        raise HTTPException(404)


async def mailbox(request: Request) -> Response:
    _only_locally(request)
    messages = await EmailMessage.filter(status=EmailStatus.KEPT).order_by("-created_at").limit(100)
    return render(request, "email/mailbox.html", "Development mailbox", messages=messages)


async def message(request: Request) -> Response:
    _only_locally(request)
    found = await EmailMessage.get_or_none(
        id=parse_uuid(request.path_params["message_id"]), status=EmailStatus.KEPT
    )
    if found is None:
        raise HTTPException(404)
    return render(request, "email/message.html", found.subject, message=found)


routes = [
    Route("/dev/mailbox", mailbox, methods=["GET"]),
    Route("/dev/mailbox/{message_id}", message, methods=["GET"]),
]
