"""Sign-in throttling backs off, caps the wait and never locks anyone out for good."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import utcnow
from core.identity import throttle
from core.identity.models import SignInThrottle

pytestmark = pytest.mark.usefixtures("db")


async def test_first_failures_are_free_then_the_wait_doubles_up_to_a_cap():
    key = throttle.account_key("Someone@Example.org")
    assert key == "account:someone@example.org"
    waits = []
    for _ in range(throttle.ACCOUNT_FREE_FAILURES + 8):
        await throttle.record_failure(key, throttle.ACCOUNT_FREE_FAILURES)
        row = await SignInThrottle.get(key=key)
        waits.append((row.blocked_until - utcnow()).total_seconds() if row.blocked_until else 0)
    assert waits[: throttle.ACCOUNT_FREE_FAILURES] == [0] * throttle.ACCOUNT_FREE_FAILURES
    blocked = waits[throttle.ACCOUNT_FREE_FAILURES :]
    assert blocked[0] == pytest.approx(30, abs=2)
    assert blocked[1] == pytest.approx(60, abs=2)
    assert max(blocked) <= throttle.MAX_WAIT.total_seconds() + 1


async def test_a_new_window_starts_fresh():
    key = throttle.address_key("203.0.113.9")
    await SignInThrottle.create(
        key=key,
        failures=99,
        window_started_at=utcnow() - timedelta(hours=1),
        blocked_until=utcnow() - timedelta(minutes=30),
    )
    await throttle.record_failure(key, throttle.ADDRESS_FREE_FAILURES)
    row = await SignInThrottle.get(key=key)
    assert row.failures == 1 and row.blocked_until is None
    assert await throttle.blocked_until(key) is None


async def test_clearing_an_account_lifts_its_wait():
    await throttle.record_sign_in_failure("a@example.org", "198.51.100.1")
    await throttle.clear("a@example.org")
    assert not await SignInThrottle.filter(key="account:a@example.org").exists()
    assert await SignInThrottle.filter(key="address:198.51.100.1").exists()
