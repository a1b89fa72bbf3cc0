"""The provider proposes a new date or time; it applies only when the person accepts, on
the London wall clock (across a clock change), and the money set aside does not change."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest

from core.audit.models import AuditEvent
from core.clock import uk_today
from core.errors import Conflict, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.permissions import PermissionDenied
from core.ledger.verify import verify_ledger
from core.orders.changes import (
    accept_proposal,
    cancel_session,
    propose_change,
    reject_proposal,
)
from core.orders.materialise import materialise_sessions
from core.orders.models import (
    Booking,
    BookingSession,
    ChangeProposal,
    Notification,
    ProposalStatus,
)
from core.orders.policy import OrderingPolicy
from core.orders.recurrence import LONDON, Recurrence
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_store
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_cancellations import VISIT, available, recurring
from tests.functional.orders.test_placement import as_member

pytestmark = pytest.mark.usefixtures("db")


def london(moment: datetime) -> tuple[int, int]:
    local = moment.astimezone(LONDON)
    return local.hour, local.minute


async def test_a_one_visit_move_applies_when_the_person_accepts():
    tenant, budget, person, _store, owner, booking, sessions = await recurring()
    target = sessions[1]
    new_day = target.local_date + timedelta(days=1)
    proposal = await propose_change(
        as_member(owner),
        booking.id,
        session_id=target.id,
        new_date=new_day,
        new_start_time="14:00",
        new_end_time="16:00",
        message="Our carer is away that morning",
    )
    assert proposal.status == ProposalStatus.PROPOSED
    unchanged = await BookingSession.get(id=target.id)
    assert unchanged.local_date == target.local_date  # nothing moves before the answer
    [notice] = await Notification.filter(recipient_id=person.id, kind="change_proposed")
    assert notice.link == f"/bookings/{booking.id}" and "carer is away" in notice.body
    assert await AuditEvent.filter(action="change_proposed").count() == 1

    accepted = await accept_proposal(as_member(person), proposal.id)
    assert accepted.status == ProposalStatus.ACCEPTED and accepted.decided_at is not None
    moved = await BookingSession.get(id=target.id)
    assert moved.local_date == new_day
    assert london(moved.starts_at) == (14, 0) and london(moved.ends_at) == (16, 0)
    assert moved.amount_pence == VISIT
    assert (await Booking.get(id=booking.id)).committed_pence == booking.committed_pence
    assert await available(budget) == 100_000 - 6 * VISIT
    assert await Notification.filter(recipient_id=owner.id, kind="change_accepted").exists()
    [event] = await AuditEvent.filter(action="change_accepted")
    assert event.details["proposal_id"] == str(proposal.id)
    with pytest.raises(Conflict):
        await accept_proposal(as_member(person), proposal.id)
    assert await verify_ledger(tenant.id) == []


async def test_new_times_for_every_visit_keep_to_the_london_clock_across_a_clock_change():
    tenant, _, person, _, owner, booking, _ = await recurring(weeks=45, hours=1)
    # Make the visits up to well past the next clock change (at most about 7 months on).
    await materialise_sessions(tenant.id, uk_today() + timedelta(days=240))
    sessions = list(await BookingSession.filter(booking_id=booking.id).order_by("starts_at"))
    offsets = {s.starts_at.astimezone(LONDON).utcoffset() for s in sessions}
    assert len(offsets) == 2, "the visits should span a clock change"

    proposal = await propose_change(
        as_member(owner), booking.id, new_start_time="14:00", new_end_time="15:30"
    )
    await accept_proposal(as_member(person), proposal.id)
    for session in await BookingSession.filter(booking_id=booking.id):
        assert london(session.starts_at) == (14, 0)
        assert london(session.ends_at) == (15, 30)
        local = session.starts_at.astimezone(LONDON)
        assert local.date() == session.local_date
        assert session.starts_at.astimezone(UTC).hour == (13 if local.utcoffset() else 14)
    stored = await Booking.get(id=booking.id)
    assert (stored.start_time, stored.end_time) == ("14:00", "15:30")
    rule = Recurrence.from_rfc5545(stored.rule or "")
    assert (rule.start_time, rule.end_time) == (time(14, 0), time(15, 30))
    assert rule.first_date == booking.starts_on and rule.until_date == booking.ends_on
    assert stored.committed_pence == booking.committed_pence


async def test_the_person_may_turn_a_change_down_and_nothing_moves():
    _, _, person, _, owner, booking, sessions = await recurring()
    proposal = await propose_change(
        as_member(owner), booking.id, session_id=sessions[0].id, new_start_time="11:00"
    )
    turned = await reject_proposal(as_member(person), proposal.id, "11 is too late for me")
    assert turned.status == ProposalStatus.REJECTED
    assert (await BookingSession.get(id=sessions[0].id)).starts_at == sessions[0].starts_at
    [notice] = await Notification.filter(recipient_id=owner.id, kind="change_rejected")
    assert "too late for me" in notice.body
    [event] = await AuditEvent.filter(action="change_rejected")
    assert event.details["reason"] == "11 is too late for me"
    with pytest.raises(Conflict):
        await accept_proposal(as_member(person), proposal.id)
    # Once answered, a new change may be proposed.
    await propose_change(
        as_member(owner), booking.id, session_id=sessions[0].id, new_start_time="10:30"
    )


async def test_only_one_open_change_per_visit_or_booking():
    _, _, _, _, owner, booking, sessions = await recurring()
    await propose_change(as_member(owner), booking.id, new_start_time="09:00")
    with pytest.raises(Conflict):
        await propose_change(as_member(owner), booking.id, new_end_time="13:00")
    await propose_change(
        as_member(owner), booking.id, session_id=sessions[0].id, new_start_time="11:00"
    )
    with pytest.raises(Conflict):
        await propose_change(
            as_member(owner), booking.id, session_id=sessions[0].id, new_start_time="10:30"
        )
    assert await ChangeProposal.filter(status=ProposalStatus.PROPOSED).count() == 2


async def test_a_proposal_must_change_something_sensible():
    _, _, _, _, owner, booking, sessions = await recurring()
    actor = as_member(owner)
    cases = [
        ({}, "new_start_time"),
        ({"new_start_time": "9.30"}, "new_start_time"),
        ({"new_start_time": "13:00"}, "new_end_time"),  # finishes at 12:00, before 13:00
        ({"new_date": uk_today()}, "session_id"),  # a new date needs a visit
        ({"session_id": sessions[0].id, "new_date": uk_today() - timedelta(days=1)}, "new_date"),
        ({"session_id": sessions[0].id, "new_date": uk_today() + timedelta(days=900)}, "new_date"),
    ]
    for values, field in cases:
        with pytest.raises(InvalidInput) as refused:
            await propose_change(actor, booking.id, **values)
        assert field in [p.field for p in refused.value.problems], values
    assert await ChangeProposal.all().count() == 0


async def test_who_may_propose_and_who_may_answer():
    tenant, _, person, store, owner, booking, _ = await recurring()
    staff = await team_member(tenant, await store.provider, "staff")
    with pytest.raises(PermissionDenied):
        await propose_change(as_member(staff), booking.id, new_start_time="09:00")
    with pytest.raises((PermissionDenied, NotFound)):
        await propose_change(as_member(person), booking.id, new_start_time="09:00")
    other = await make_tenant()
    elsewhere = await team_member(other, await (await make_store(other)).provider, "owner")
    with pytest.raises(NotFound):
        await propose_change(as_member(elsewhere), booking.id, new_start_time="09:00")
    proposal = await propose_change(as_member(owner), booking.id, new_start_time="09:00")
    with pytest.raises(NotFound):
        await accept_proposal(as_member(owner), proposal.id)
    with pytest.raises(NotFound):
        await reject_proposal(as_member(elsewhere), proposal.id)
    assert (await ChangeProposal.get(id=proposal.id)).status == ProposalStatus.PROPOSED


async def test_the_providers_own_system_may_propose_in_the_name_of_its_team():
    tenant, _, person, store, owner, booking, _ = await recurring()
    system = Actor(
        tenant=tenant,
        api_client_name="Rota system",
        api_client_id=uuid.uuid4(),
        api_provider_id=store.provider_id,  # type: ignore[attr-defined]
        scopes=frozenset({"orders:write"}),
    )
    proposal = await propose_change(system, booking.id, new_start_time="09:00")
    assert proposal.proposed_by_id == owner.id  # type: ignore[attr-defined]
    other_system = Actor(
        tenant=tenant,
        api_client_name="Someone else",
        api_client_id=uuid.uuid4(),
        api_provider_id=(await make_store(tenant)).provider_id,  # type: ignore[attr-defined]
        scopes=frozenset({"orders:write"}),
    )
    with pytest.raises(NotFound):
        await propose_change(other_system, booking.id, new_end_time="13:00")
    assert await Notification.filter(recipient_id=person.id, kind="change_proposed").count() == 1


async def test_cancelling_a_visit_withdraws_the_change_proposed_for_it():
    _, _, person, _, owner, booking, sessions = await recurring()
    proposal = await propose_change(
        as_member(owner), booking.id, session_id=sessions[0].id, new_start_time="11:00"
    )
    await cancel_session(as_member(person), sessions[0].id, "", ordering=OrderingPolicy())
    assert (await ChangeProposal.get(id=proposal.id)).status == ProposalStatus.WITHDRAWN
    with pytest.raises(Conflict):
        await accept_proposal(as_member(person), proposal.id)
