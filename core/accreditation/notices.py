"""Emails to a provider's owners about its accreditation with one council.

Queued in the caller's transaction (``queue_email``), so a decision and its email
are saved together or not at all. Every email links to the provider's
accreditation page on the council's site, where the whole history is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.accreditation.models import AccreditationStatus
from core.accreditation.policy import AccreditationPolicy
from core.clock import long_date
from core.email.services import queue_email
from core.marketplace.models import ProviderRole, ProviderUser
from core.settings import Settings
from tenants.models import Tenant

EMAIL_PURPOSE = "accreditation"
PAGE = "/provider/accreditation"


async def site_url(tenant: Tenant, settings: Settings) -> str:
    """The council's own address: its first custom domain, or its sub-domain."""
    await tenant.fetch_related("domains")
    domains = [d.domain for d in tenant.domains]  # type: ignore[attr-defined]
    host = domains[0] if domains else f"{tenant.slug}.{settings.base_domain}"
    return f"{'http' if settings.is_local else 'https'}://{host}"


async def owner_addresses(provider_id: Any) -> list[str]:
    rows = (
        await ProviderUser.filter(provider_id=provider_id, role=ProviderRole.OWNER)
        .prefetch_related("user")
        .order_by("id")
    )
    return list(dict.fromkeys(row.user.email for row in rows if row.user.email))


async def tell_owners(
    tenant: Tenant, provider: Any, settings: Settings, subject: str, paragraphs: list[str]
) -> int:
    """Email each owner of ``provider``; returns how many emails were queued."""
    site = await site_url(tenant, settings)
    body = "\n\n".join(
        [
            f"Dear {provider.name},",
            *paragraphs,
            f"See your accreditation with {tenant.name}, its evidence and history at\n{site}{PAGE}",
        ]
    )
    addresses = await owner_addresses(provider.id)
    for address in addresses:
        await queue_email(tenant.id, address, subject[:200], body + "\n", EMAIL_PURPOSE)
    return len(addresses)


def decision_words(
    status: AccreditationStatus,
    *,
    council: str,
    reason: str | None,
    expires_on: date | None,
    policy: AccreditationPolicy,
    reinstated: bool = False,
) -> tuple[str, list[str]]:
    """The subject and paragraphs telling a provider about an officer's decision."""
    because = [f"The council's reason:\n{reason}"] if reason else []
    until = long_date(expires_on) if expires_on else "further notice"
    if status == AccreditationStatus.ACCREDITED:
        listed = (
            f"People will see the “{policy.badge_label}” badge on your services."
            if not policy.listing_needs_accreditation
            else "Your live services can now be listed in the council's marketplace, with the "
            f"“{policy.badge_label}” badge."
        )
        verb = "reinstated your accreditation" if reinstated else "accredited you"
        return (
            f"{council} has {verb} until {until}",
            [f"{council} has {verb} until {until}.", listed, *because],
        )
    if status == AccreditationStatus.MORE_INFO:
        return (
            f"{council} needs more information for your accreditation",
            [
                f"{council} has looked at your application and needs more information "
                "before it can decide.",
                *because,
                "Send it from your accreditation page; your application then goes back to "
                "the council.",
            ],
        )
    if status == AccreditationStatus.REFUSED:
        return (
            f"{council} has refused your accreditation",
            [f"{council} has refused your application for accreditation.", *because,
             "You can apply again when you can show what the council asked for."],
        )  # fmt: skip
    hidden = (
        " Your services are not listed in the council's marketplace meanwhile."
        if policy.listing_needs_accreditation
        else f" Your services no longer show the “{policy.badge_label}” badge."
    )
    if status == AccreditationStatus.SUSPENDED:
        return (
            f"{council} has suspended your accreditation",
            [f"{council} has suspended your accreditation.{hidden}", *because],
        )
    if status == AccreditationStatus.REVOKED:
        return (
            f"{council} has revoked your accreditation",
            [f"{council} has revoked your accreditation.{hidden}", *because,
             "You can apply again when you can show the council what it needs."],
        )  # fmt: skip
    # Expired: said by the daily expiry check.
    return (
        f"Your accreditation with {council} has expired",
        [
            f"Your accreditation with {council} reached its expiry date, {until}.{hidden}",
            "Apply again with up-to-date evidence to be accredited again.",
        ],
    )
