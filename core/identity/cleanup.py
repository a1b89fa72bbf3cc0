"""Tidying identity tables: old sessions, spent links and stale throttle counters."""

from __future__ import annotations

from datetime import timedelta

from tortoise.expressions import Q

from core.clock import utcnow
from core.identity.models import PasswordResetToken, SessionHandoff, SignInThrottle, UserSession

KEEP = timedelta(days=30)


async def prune_sessions(tenant_id: int) -> int:
    """A council's sessions that ended or expired over 30 days ago."""
    cutoff = utcnow() - KEEP
    return await UserSession.filter(
        Q(ended_at__lt=cutoff) | Q(expires_at__lt=cutoff), tenant_id=tenant_id
    ).delete()


async def prune_platform_leftovers() -> dict[str, int]:
    """Rows that belong to no council: reset links, switch tickets, throttle counters."""
    now = utcnow()
    return {
        "reset_links": await PasswordResetToken.filter(
            expires_at__lt=now - timedelta(days=1)
        ).delete(),
        "switch_tickets": await SessionHandoff.filter(
            expires_at__lt=now - timedelta(days=1)
        ).delete(),
        "throttle_counters": await SignInThrottle.filter(
            Q(blocked_until__isnull=True) | Q(blocked_until__lt=now),
            window_started_at__lt=now - timedelta(days=1),
        ).delete(),
    }
