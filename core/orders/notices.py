"""Telling both sides: in-app notices (``Notification``) and emails through the outbox.

Every helper writes in the caller's transaction, so a notice exists exactly when the
change it describes was committed.
"""

from __future__ import annotations

import uuid

from core.email.services import queue_email
from core.identity.models import Membership, MembershipStatus
from core.marketplace.models import ProviderRole, ProviderUser, Store
from core.orders.models import Notification


async def notify(
    tenant_id: int, recipient: Membership, kind: str, title: str, body: str, link: str | None
) -> Notification:
    """One in-app notice for one member."""
    return await Notification.create(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body,
        link=link,
    )


async def tell_member(
    tenant_id: int, member: Membership, kind: str, title: str, body: str, link: str | None
) -> None:
    """A notice in the app and the same words by email (when they have an address)."""
    await notify(tenant_id, member, kind, title, body, link)
    await member.fetch_related("user")
    if member.user.email:
        await queue_email(tenant_id, member.user.email, title[:200], f"{body}\n", kind)


async def provider_team(tenant_id: int, store: Store) -> list[Membership]:
    """The active members of this council who are in the store's provider team."""
    links = await ProviderUser.filter(provider_id=store.provider_id)  # type: ignore[attr-defined]
    return list(
        await Membership.filter(
            tenant_id=tenant_id,
            status=MembershipStatus.ACTIVE,
            user_id__in=[link.user_id for link in links] or [None],  # type: ignore[attr-defined]
        )
    )


async def provider_addresses(store: Store) -> list[str]:
    """Where the provider's emails go: its owners, else the store's own address."""
    owners = await ProviderUser.filter(
        provider_id=store.provider_id,  # type: ignore[attr-defined]
        role=ProviderRole.OWNER,
    ).prefetch_related("user")
    addresses = [link.user.email for link in owners if link.user.email]
    return addresses or ([store.email] if store.email else [])


async def tell_provider(
    tenant_id: int, store: Store, kind: str, title: str, body: str, link: str | None
) -> None:
    """A notice for everyone in the store's team here, and an email to its owners."""
    for member in await provider_team(tenant_id, store):
        await notify(tenant_id, member, kind, title, body, link)
    for address in await provider_addresses(store):
        await queue_email(tenant_id, address, title[:200], f"{body}\n", kind)


async def unread_count(recipient: Membership) -> int:
    return await Notification.filter(recipient_id=recipient.id, read_at__isnull=True).count()
