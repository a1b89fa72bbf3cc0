"""Proposing a change in the provider's pages and answering it on the booking page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.orders.models import BookingSession, ChangeProposal, ProposalStatus
from core.orders.recurrence import LONDON
from tests.functional.marketplace.test_catalogue import signed_in, team_member
from tests.functional.orders.test_cancellations import recurring
from tests.support.members import SAME_ORIGIN

pytestmark = pytest.mark.usefixtures("db")


async def test_the_provider_proposes_new_times_and_the_person_accepts(client_for):
    tenant, _, person, _, owner, booking, sessions = await recurring()
    provider = await signed_in(client_for, tenant, owner)
    form = await provider.get(f"/provider/bookings/{booking.id}/propose")
    assert form.status_code == 200 and "Every visit from now on" in form.text
    bad = await provider.post(
        f"/provider/bookings/{booking.id}/propose",
        data={"session_id": "", "new_start_time": "9 o'clock"},
        headers=SAME_ORIGIN,
    )
    assert bad.status_code == 400 and "Enter the start time like 09:30" in bad.text
    assert "9 o&#39;clock" in bad.text  # what was typed is kept
    sent = await provider.post(
        f"/provider/bookings/{booking.id}/propose",
        data={
            "session_id": "",
            "new_start_time": "13:00",
            "new_end_time": "15:00",
            "message": "<script>x</script>",
        },
        headers=SAME_ORIGIN,
    )
    assert sent.status_code == 303

    client = await signed_in(client_for, tenant, person)
    page = await client.get(f"/bookings/{booking.id}")
    assert "every visit from now on will be 13:00 to 15:00" in page.text.lower()
    assert "<script>x</script>" not in page.text and "&lt;script&gt;" in page.text
    [proposal] = await ChangeProposal.all()
    done = await client.post(f"/proposals/{proposal.id}/accept", headers=SAME_ORIGIN)
    assert done.status_code == 303 and done.headers["location"].endswith("done=accepted")
    moved = await BookingSession.get(id=sessions[0].id)
    assert moved.starts_at.astimezone(LONDON).hour == 13
    again = await client.post(f"/proposals/{proposal.id}/accept", headers=SAME_ORIGIN)
    assert again.status_code == 409


async def test_the_person_turns_down_a_one_visit_move(client_for):
    tenant, _, person, _, owner, booking, sessions = await recurring()
    provider = await signed_in(client_for, tenant, owner)
    day = sessions[1].local_date + timedelta(days=1)
    sent = await provider.post(
        f"/provider/bookings/{booking.id}/propose",
        data={
            "session_id": str(sessions[1].id),
            "new_date-day": str(day.day),
            "new_date-month": str(day.month),
            "new_date-year": str(day.year),
            "new_start_time": "11:00",
        },
        headers=SAME_ORIGIN,
    )
    assert sent.status_code == 303, sent.text
    [proposal] = await ChangeProposal.all()
    client = await signed_in(client_for, tenant, person)
    done = await client.post(
        f"/proposals/{proposal.id}/reject", data={"reason": "No thanks"}, headers=SAME_ORIGIN
    )
    assert done.status_code == 303
    assert (await ChangeProposal.get(id=proposal.id)).status == ProposalStatus.REJECTED
    assert (await BookingSession.get(id=sessions[1].id)).starts_at == sessions[1].starts_at


async def test_staff_and_the_person_cannot_use_the_propose_page(client_for):
    tenant, _, person, store, _, booking, _ = await recurring()
    staff = await team_member(tenant, await store.provider, "staff")
    as_staff = await signed_in(client_for, tenant, staff)
    assert (await as_staff.get(f"/provider/bookings/{booking.id}/propose")).status_code == 403
    as_person = await signed_in(client_for, tenant, person)
    response = await as_person.post(
        f"/provider/bookings/{booking.id}/propose",
        data={"new_start_time": "09:00"},
        headers=SAME_ORIGIN,
    )
    assert response.status_code in (403, 404)
    assert await ChangeProposal.all().count() == 0
