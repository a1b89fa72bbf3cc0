"""Two people acting on one visit at once: exactly one record, and exactly one of a
confirm and a dispute wins. Runs on SQLite (one transaction at a time) and, with
CAREPURSE_TEST_DATABASE_URL set to PostgreSQL, truly at once."""

from __future__ import annotations

import asyncio

import pytest

from core.audit.models import AuditEvent
from core.errors import Conflict
from core.orders.deliveries import confirm_delivery, dispute_delivery, record_delivery
from core.orders.models import BookingSession, Delivery, DeliveryStatus, SessionStatus
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_deliveries import as_member, recorded, uk, visit_yesterday

pytestmark = pytest.mark.usefixtures("db")


async def test_five_team_members_recording_one_visit_at_once_make_one_delivery():
    visit = await visit_yesterday()
    provider = await visit.store.provider
    team = [visit.owner, *[await team_member(visit.tenant, provider, "staff") for _ in range(4)]]
    day = visit.session.local_date

    async def attempt(member):
        try:
            return await record_delivery(
                as_member(member),
                visit.session.id,
                worker_name=member.user.display_name,
                started_at=uk(day, 10),
                ended_at=uk(day, 12),
            )
        except Conflict as refused:
            return refused

    outcomes = await asyncio.gather(*(attempt(m) for m in team))
    made = [o for o in outcomes if isinstance(o, Delivery)]
    assert len(made) == 1 and sum(isinstance(o, Conflict) for o in outcomes) == 4
    assert await Delivery.filter(session_id=visit.session.id).count() == 1
    assert await AuditEvent.filter(action="delivery_recorded").count() == 1
    assert (await BookingSession.get(id=visit.session.id)).status == SessionStatus.DELIVERED


async def test_a_confirm_and_a_dispute_at_once_leave_one_answer():
    visit = await visit_yesterday()
    delivery = await recorded(visit)
    actor = as_member(visit.person)

    async def attempt(action):
        try:
            return await action()
        except Conflict as refused:
            return refused

    outcomes = await asyncio.gather(
        attempt(lambda: dispute_delivery(actor, delivery.id, "never came")),
        attempt(lambda: confirm_delivery(actor, delivery.id)),
    )
    stored = await Delivery.get(id=delivery.id)
    session = await BookingSession.get(id=visit.session.id)
    if isinstance(outcomes[1], Conflict):  # the confirm lost: the dispute stands
        assert stored.status == DeliveryStatus.DISPUTED
        assert session.status == SessionStatus.DISPUTED
    else:  # the confirm won, perhaps after the dispute (a dispute may still be confirmed)
        assert stored.status == DeliveryStatus.CONFIRMED
        assert session.status == SessionStatus.CONFIRMED
    assert await AuditEvent.filter(action="delivery_confirmed").count() <= 1
