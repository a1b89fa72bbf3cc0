"""The Riverbend demo has orders to look at: accepted weekly care, a visit to confirm, an
order waiting for the provider, a question answered, and a caseload to bulk-schedule."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from core.accreditation.services import policy_for
from core.budgets.figures import budget_figures
from core.budgets.models import Budget
from core.clock import uk_today
from core.identity.actor import Actor
from core.identity.models import Membership
from core.ledger.verify import verify_ledger
from core.marketplace.models import Service
from core.orders.bulk import BulkLine, bulk_schedule
from core.orders.models import (
    ActingAs,
    BookingKind,
    BulkOutcome,
    Delivery,
    DeliveryStatus,
    Enquiry,
    EnquiryMessage,
    Notification,
    Order,
    OrderStatus,
)
from core.orders.policy import ordering_policy_for
from core.runtime import Runtime
from tenants.demo import seed_demo
from tenants.models import Tenant


@pytest.fixture
async def demo(app, settings, registry) -> tuple[Runtime, dict[str, Tenant]]:
    runtime = Runtime.build(settings, registry)
    created = await seed_demo(runtime)
    return runtime, {tenant.slug: tenant for tenant in created}


async def member(tenant: Tenant, email: str) -> Membership:
    found = await Membership.get(tenant_id=tenant.id, user__email=email)
    await found.fetch_related("user")
    return found


async def test_dora_has_accepted_weekly_care_a_visit_to_confirm_and_one_waiting(demo):
    _, councils = demo
    riverbend = councils["riverbend"]
    dora = await member(riverbend, "dora@riverbend.example")
    orders = await Order.filter(person_id=dora.id).prefetch_related("bookings")
    assert sorted(o.status for o in orders) == sorted(
        [OrderStatus.ACCEPTED, OrderStatus.ACCEPTED, OrderStatus.PLACED]
    )
    waiting = next(o for o in orders if o.status == OrderStatus.PLACED)
    assert waiting.acting_as == ActingAs.BROKER  # Ben placed it for her
    weekly = [b for o in orders for b in o.bookings if b.kind == BookingKind.RECURRING]
    assert len(weekly) == 1 and weekly[0].committed_pence > 0

    [delivery] = await Delivery.filter(tenant_id=riverbend.id)
    assert delivery.status == DeliveryStatus.RECORDED and delivery.worker_name == "Aisha Khan"
    assert await Notification.filter(recipient_id=dora.id, link=f"/deliveries/{delivery.id}")

    # Everything ordered is held on her budget, and the ledger adds up.
    budget = await Budget.get(person_id=dora.id)
    held = sum(o.total_pence for o in orders)
    assert (await budget_figures(budget)).total.held_pence >= held
    assert await verify_ledger(riverbend.id) == []

    [enquiry] = await Enquiry.filter(person_id=dora.id)
    assert await EnquiryMessage.filter(enquiry_id=enquiry.id).count() == 2
    assert not await Order.filter(tenant_id=councils["moorfield"].id).exists()


async def test_ben_can_bulk_schedule_his_caseload_and_joan_is_refused_for_money(demo):
    runtime, councils = demo
    riverbend = councils["riverbend"]
    ben = await member(riverbend, "broker@riverbend.example")
    caseload = [
        await member(riverbend, email)
        for email in (
            "arthur@riverbend.example",
            "mary@riverbend.example",
            "tom.reilly@riverbend.example",
            "joan@riverbend.example",
        )
    ]
    service = await Service.get(tenant_id=riverbend.id, title="Home care visits")
    run = await bulk_schedule(
        Actor(tenant=riverbend, user=ben.user, membership=ben),
        service.id,
        [person.id for person in caseload],
        BulkLine(
            district="HA1",
            on_date=uk_today() + timedelta(days=7),
            start_time=time(10),
            end_time=time(11),
        ),
        idempotency_key="demo-test",
        ordering=ordering_policy_for(runtime, riverbend),
        policy=policy_for(runtime, riverbend),
    )
    assert (run.placed_count, run.refused_count) == (3, 1)
    results = await run.results.all().prefetch_related("person__user")
    [refused] = [r for r in results if r.outcome == BulkOutcome.REFUSED]
    assert refused.person.user.display_name == "Joan Price"
    assert "not enough money" in refused.reason
