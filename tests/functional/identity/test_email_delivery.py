"""Emails leave through the outbox: by SMTP when configured, else into the dev mailbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from core.email.models import EmailMessage, EmailStatus
from core.email.services import deliver, queue_email
from tests.factories import make_tenant
from tests.support.jobs import run_queued_jobs
from tests.support.live_server import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


async def test_without_smtp_emails_are_kept_and_readable_in_the_dev_mailbox(app, platform_client):
    tenant = await make_tenant()
    await queue_email(tenant.id, "reader@example.org", "Hello there", "Body text", "test")
    await run_queued_jobs(app)
    message = await EmailMessage.get()
    assert message.status == EmailStatus.KEPT
    listing = await platform_client.get("/dev/mailbox")
    assert "Hello there" in listing.text
    shown = await platform_client.get(f"/dev/mailbox/{message.id}")
    assert "Body text" in shown.text


async def test_dev_mailbox_does_not_exist_in_production(app, platform_client, monkeypatch):
    monkeypatch.setattr(type(app.state.runtime.settings), "is_local", property(lambda s: False))
    assert (await platform_client.get("/dev/mailbox")).status_code == 404


async def test_with_smtp_the_email_reaches_a_real_smtp_server(db, settings, smtp_server):
    inbox, port = smtp_server
    message = await queue_email(None, "person@example.org", "Your link", "Open this", "test")
    smtp = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"})
    await deliver(str(message.id), smtp)
    await message.refresh_from_db()
    assert message.status == EmailStatus.SENT and message.sent_at is not None
    _, recipients, content = inbox.messages[0]
    assert recipients == ["person@example.org"]
    assert b"Subject: Your link" in content and b"Open this" in content
    await deliver(str(message.id), smtp)  # a repeated delivery sends nothing twice
    assert len(inbox.messages) == 1


async def test_unreachable_smtp_server_is_recorded_and_retried(db, settings):
    message = await queue_email(None, "person@example.org", "Subject", "Body", "test")
    smtp = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{free_port()}"})
    with pytest.raises(ConnectionRefusedError):
        await deliver(str(message.id), smtp)
    await message.refresh_from_db()
    assert message.status == EmailStatus.FAILED and message.attempts == 1
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
