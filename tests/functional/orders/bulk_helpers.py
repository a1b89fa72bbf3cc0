"""A broker with people who each have a budget, for the bulk scheduling tests."""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta

from core.budgets.allocation import allocate_budget
from core.clock import uk_today
from core.identity.actor import Actor
from core.identity.models import AccessKind, AccessLevel, Membership, PersonAccess, User
from core.orders.bulk import BulkLine
from tenants.models import Tenant
from tests.support.budgets import officer_actor, one_off
from tests.support.members import _PASSWORD_HASH, make_member

TEN, NOON = time(10, 0), time(12, 0)
_batches = itertools.count(1)


def period() -> tuple[date, date]:
    today = uk_today()
    return today - timedelta(days=10), today + timedelta(days=365)


def as_member(member: Membership) -> Actor:
    return Actor(tenant=member.tenant, user=member.user, membership=member)  # type: ignore[attr-defined]


def visit(hours: int = 2, days_ahead: int = 3) -> BulkLine:
    return BulkLine(
        quantity=hours,
        on_date=uk_today() + timedelta(days=days_ahead),
        start_time=TEN,
        end_time=NOON,
    )


async def make_broker(tenant: Tenant, name: str = "Bo Broker") -> Membership:
    broker = await make_member(tenant, ["broker"], name=name)
    broker.tenant = tenant
    return broker


async def people_with_budgets(
    tenant: Tenant,
    broker: Membership | None,
    amounts: list[int],
    *,
    names: list[str] | None = None,
    access: AccessLevel = AccessLevel.MANAGE,
) -> list[Membership]:
    """One person per amount (pence, one-off), made in bulk, each with an allocated
    budget, and managed by ``broker`` (when given)."""
    prefix = f"t{tenant.id}-b{next(_batches)}"
    users = [
        User(
            email=f"{prefix}-person{i:04d}@example.org",
            display_name=names[i] if names else f"Person {i:04d}",
            password_hash=_PASSWORD_HASH,
        )
        for i in range(len(amounts))
    ]
    await User.bulk_create(users)
    users = list(await User.filter(email__in=[u.email for u in users]).order_by("email"))
    by_email = {u.email: u for u in users}
    members = [
        Membership(
            tenant=tenant, user=by_email[f"{prefix}-person{i:04d}@example.org"], roles=["person"]
        )
        for i in range(len(amounts))
    ]
    await Membership.bulk_create(members)
    people = list(
        await Membership.filter(
            tenant_id=tenant.id, user_id__in=[u.id for u in users]
        ).prefetch_related("user", "tenant")
    )
    people.sort(key=lambda m: m.user.email)
    if broker is not None:
        await PersonAccess.bulk_create(
            [
                PersonAccess(
                    tenant=tenant,
                    person=person,
                    grantee=broker,
                    kind=AccessKind.BROKER,
                    access=access,
                )
                for person in people
            ]
        )
    officer = await officer_actor(tenant)
    start, end = period()
    for person, amount in zip(people, amounts, strict=True):
        await allocate_budget(
            officer, person, [one_off(amount)], period_start=start, period_end=end
        )
    return people
