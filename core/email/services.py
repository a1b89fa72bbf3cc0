"""Queue an email with the change that causes it; a worker delivers it after commit."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage as MimeMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from core.clock import utcnow
from core.email.models import EmailMessage, EmailStatus
from core.outbox.services import enqueue
from core.settings import Settings

logger = logging.getLogger(__name__)

ACTOR_NAME = "deliver_email"


async def queue_email(
    tenant_id: int | None, to_address: str, subject: str, body_text: str, purpose: str
) -> EmailMessage:
    """Store the message and queue its delivery in the caller's transaction."""
    message = await EmailMessage.create(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        to_address=to_address,
        subject=subject,
        body_text=body_text,
        purpose=purpose,
    )
    await enqueue(
        ACTOR_NAME,
        tenant_id=tenant_id,
        email_id=str(message.id),
        idempotency_key=f"email:{message.id}",
    )
    return message


def _build(message: EmailMessage, sender: str) -> MimeMessage:
    mime = MimeMessage()
    mime["From"] = sender
    mime["To"] = message.to_address
    mime["Subject"] = message.subject
    mime["Message-ID"] = make_msgid(idstring=str(message.id), domain="carepurse")
    mime.set_content(message.body_text)
    return mime


def _send_smtp(url: str, mime: MimeMessage) -> None:
    """``smtp://`` (STARTTLS when offered), ``smtps://`` (TLS), user and password in the URL."""
    parts = urlsplit(url)
    context = ssl.create_default_context()
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    connection: smtplib.SMTP
    if parts.scheme == "smtps":
        connection = smtplib.SMTP_SSL(parts.hostname or "", port, timeout=30, context=context)
    else:
        connection = smtplib.SMTP(parts.hostname or "", port, timeout=30)
    with connection:
        connection.ehlo()
        if parts.scheme == "smtp" and connection.has_extn("starttls"):
            connection.starttls(context=context)
            connection.ehlo()
        if parts.username:
            connection.login(unquote(parts.username), unquote(parts.password or ""))
        connection.send_message(mime)


async def deliver(email_id: str, settings: Settings) -> EmailMessage | None:
    """Send by SMTP when configured; otherwise keep it in the development mailbox.

    Safe to repeat: a message already sent or kept is left alone. An SMTP
    failure is recorded and raised so the job is retried with back-off.
    """
    message = await EmailMessage.get_or_none(id=email_id)
    if message is None or message.status in (EmailStatus.SENT, EmailStatus.KEPT):
        return message
    message.attempts += 1
    if not settings.smtp_url:
        message.status = EmailStatus.KEPT
        await message.save(update_fields=["status", "attempts"])
        logger.info("email %s kept in the development mailbox (no SMTP configured)", message.id)
        return message
    try:
        await asyncio.to_thread(_send_smtp, settings.smtp_url, _build(message, settings.email_from))
    except (OSError, smtplib.SMTPException) as error:
        message.last_error = f"{type(error).__name__}: {error}"[:500]
        message.status = EmailStatus.FAILED
        await message.save(update_fields=["status", "attempts", "last_error"])
        raise
    message.status = EmailStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    await message.save(update_fields=["status", "attempts", "sent_at", "last_error"])
    return message
