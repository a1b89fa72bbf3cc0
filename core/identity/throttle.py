"""Slow down password guessing without letting anyone lock a real person out for long.

Failures are counted per account and per address. Past the limit, sign-in
waits, doubling up to a cap (15 minutes), and the wait always ends; a
successful sign-in or a password reset clears the account's count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import utcnow
from core.identity.models import SignInThrottle

WINDOW = timedelta(minutes=15)
MAX_WAIT = timedelta(minutes=15)
ACCOUNT_FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 30


def account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


def address_key(ip: str | None) -> str:
    return f"address:{ip or 'unknown'}"


async def blocked_until(*keys: str) -> datetime | None:
    now = utcnow()
    rows = await SignInThrottle.filter(key__in=keys, blocked_until__gt=now)
    return max((row.blocked_until for row in rows if row.blocked_until), default=None)


async def record_failure(key: str, free_failures: int) -> None:
    now = utcnow()
    row = await SignInThrottle.get_or_none(key=key)
    if row is None or now - row.window_started_at > WINDOW:
        await SignInThrottle.update_or_create(
            key=key, defaults={"failures": 1, "window_started_at": now, "blocked_until": None}
        )
        return
    row.failures += 1
    over = row.failures - free_failures
    if over > 0:
        wait = min(timedelta(seconds=30) * (2 ** (over - 1)), MAX_WAIT)
        row.blocked_until = now + wait
    await row.save()


async def record_sign_in_failure(email: str, ip: str | None) -> None:
    await record_failure(account_key(email), ACCOUNT_FREE_FAILURES)
    await record_failure(address_key(ip), ADDRESS_FREE_FAILURES)


async def clear(email: str) -> None:
    await SignInThrottle.filter(key=account_key(email)).delete()
