"""The audit log is append-only and hash-chained: `carepurse audit verify` finds tampering."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import pytest

from core.audit.actions import AuditAction
from core.audit.models import AuditChainHead, AuditEvent
from core.audit.services import SYSTEM, record
from core.audit.verify import verify_all, verify_chain
from core.identity.actor import Actor
from tests.factories import make_tenant
from tests.support.audit import behind_the_applications_back, on_postgres, record_events
from tests.support.cli import carepurse
from tests.support.members import make_member


@pytest.fixture
async def councils(app):
    """Two councils with 5 and 3 events, and 2 platform events."""
    riverbend = await make_tenant("riverbend")
    moorfield = await make_tenant("moorfield")
    await record_events(riverbend, 5)
    await record_events(moorfield, 3, AuditAction.ROLE_CHANGED)
    await record_events(None, 2, AuditAction.COUNCIL_SWITCHED)
    return riverbend, moorfield


async def test_events_of_two_councils_and_the_platform_verify_intact(councils, settings):
    riverbend, _ = councils
    result = await carepurse(settings, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "audit log intact: 10 events in 3 chains" in result.output
    assert f"chain {riverbend.id} (riverbend): 5 events" in result.output

    one = await carepurse(settings, "audit", "verify", "--tenant", "riverbend")
    assert one.exit_code == 0 and "audit log intact: 5 events in 1 chains" in one.output


async def test_each_council_has_its_own_chain_numbered_from_one(councils):
    riverbend, moorfield = councils
    sequences = await AuditEvent.filter(chain=moorfield.id).values_list("sequence", flat=True)
    assert sorted(sequences) == [1, 2, 3]
    first = await AuditEvent.get(chain=riverbend.id, sequence=1)
    second = await AuditEvent.get(chain=riverbend.id, sequence=2)
    assert second.previous_hash == first.hash
    head = await AuditChainHead.get(chain=riverbend.id)
    assert head.sequence == 5


async def test_awkward_values_read_back_from_the_database_hash_the_same(app):
    council = await make_tenant("eastmere")
    member = await make_member(council, ["council_admin"], name="Zoë O’Brien")
    actor = Actor(tenant=council, user=member.user, membership=member, ip="2001:db8::1")
    details = {
        "person": uuid.uuid4(),
        "on": date(2026, 3, 29),  # the day the clocks go forward
        "roles": ("council_officer", "council_admin"),
        "amounts": [1e20, 100.0, 0.1 + 0.2],
        "note": "naïve café ✓",
        "nested": {"b": 1, "a": None},
    }
    await record(
        council.id, AuditAction.ROLE_CHANGED, actor, target_id=uuid.uuid4(), details=details
    )
    assert (await verify_chain(council.id)).problem is None


async def test_the_application_cannot_update_or_delete_audit_rows_on_postgresql(councils):
    if not on_postgres():
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    riverbend, _ = councils
    event = await AuditEvent.get(chain=riverbend.id, sequence=2)
    with pytest.raises(Exception, match="append-only") as updated:
        await AuditEvent.filter(id=event.id).update(actor_label="Someone else")
    assert "UPDATE refused" in str(updated.value)
    with pytest.raises(Exception, match="append-only: DELETE refused"):
        await event.delete()
    event.actor_label = "Someone else"
    with pytest.raises(Exception, match="append-only"):
        await event.save()
    assert (await AuditEvent.get(id=event.id)).actor_label == "Test Person <test@example.org>"


async def test_verify_detects_a_row_changed_behind_the_applications_back(councils, settings):
    riverbend, _ = councils
    await behind_the_applications_back(
        "UPDATE audit_event SET actor_label = 'Nobody at all' "
        f"WHERE chain = {riverbend.id} AND sequence = 2"
    )
    result = await carepurse(settings, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert "audit log BROKEN in 1 of 3 chains" in result.output
    assert f"chain {riverbend.id} (riverbend), sequence 2: event 2 has been changed" in (
        result.output
    )


async def test_verify_detects_a_changed_row_whose_hash_was_recomputed_too(councils):
    riverbend, _ = councils
    await behind_the_applications_back(
        f"UPDATE audit_event SET hash = '{'f' * 64}' WHERE chain = {riverbend.id} AND sequence = 3"
    )
    report = await verify_chain(riverbend.id)
    assert report.problem is not None and report.problem.sequence == 3


async def test_verify_detects_a_removed_row(councils, settings):
    riverbend, _ = councils
    await behind_the_applications_back(
        f"DELETE FROM audit_event WHERE chain = {riverbend.id} AND sequence = 3"
    )
    result = await carepurse(settings, "audit", "verify", "--tenant", "riverbend")
    assert result.exit_code == 1, result.output
    assert "sequence 3: event 3 is missing: removed from the log" in result.output


async def test_verify_detects_events_removed_from_the_end(councils, settings):
    riverbend, _ = councils
    await behind_the_applications_back(
        f"DELETE FROM audit_event WHERE chain = {riverbend.id} AND sequence >= 4"
    )
    result = await carepurse(settings, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert "sequence 4: events 4 to 5 are missing" in result.output


async def test_verify_detects_an_event_added_behind_the_applications_back(councils):
    riverbend, _ = councils
    last = await AuditEvent.get(chain=riverbend.id, sequence=5)
    await behind_the_applications_back(
        "INSERT INTO audit_event (chain, sequence, tenant_id, occurred_at, actor_label, action, "
        "details, previous_hash, hash) "
        f"SELECT chain, 6, tenant_id, occurred_at, actor_label, action, details, hash, hash "
        f"FROM audit_event WHERE id = {last.id}"
    )
    report = await verify_chain(riverbend.id)
    assert report.problem is not None and report.problem.sequence == 6


async def test_verify_detects_an_event_numbered_before_the_first(councils):
    riverbend, _ = councils
    await behind_the_applications_back(
        f"UPDATE audit_event SET sequence = 0 WHERE chain = {riverbend.id} AND sequence = 1"
    )
    report = await verify_chain(riverbend.id)
    assert report.problem is not None and report.problem.sequence == 0


async def test_verify_detects_reordered_events(councils):
    riverbend, _ = councils
    # Swap events 2 and 3 (via a free number: (chain, sequence) is unique).
    await behind_the_applications_back(
        f"UPDATE audit_event SET sequence = 99 WHERE chain = {riverbend.id} AND sequence = 2;"
        f"UPDATE audit_event SET sequence = 2 WHERE chain = {riverbend.id} AND sequence = 3;"
        f"UPDATE audit_event SET sequence = 3 WHERE chain = {riverbend.id} AND sequence = 99;"
    )
    report = await verify_chain(riverbend.id)
    assert report.problem is not None and report.problem.sequence == 2


async def test_a_chain_whose_head_was_removed_is_reported(councils):
    _, moorfield = councils
    await behind_the_applications_back(f"DELETE FROM audit_chain_head WHERE chain = {moorfield.id}")
    result = await verify_all()
    assert [report.chain for report in result.broken] == [moorfield.id]


async def test_concurrent_records_still_make_one_unbroken_chain(app, settings):
    council = await make_tenant("eastmere")
    await asyncio.gather(*(record(council.id, AuditAction.SIGN_IN, SYSTEM) for _ in range(20)))
    sequences = await AuditEvent.filter(chain=council.id).values_list("sequence", flat=True)
    assert sorted(sequences) == list(range(1, 21))
    result = await carepurse(settings, "audit", "verify", "--tenant", "eastmere")
    assert result.exit_code == 0, result.output
    assert "audit log intact: 20 events in 1 chains" in result.output


async def test_verifying_while_events_are_recorded_finds_nothing_wrong(app):
    council = await make_tenant("eastmere")
    await record_events(council, 3)
    outcomes = await asyncio.gather(
        *(record(council.id, AuditAction.SIGN_IN, SYSTEM) for _ in range(10)),
        *(verify_chain(council.id) for _ in range(3)),
    )
    reports = outcomes[10:]
    assert all(report.problem is None for report in reports), reports
    assert (await verify_chain(council.id)).events == 13


async def test_audit_list_shows_a_councils_newest_events(councils, settings):
    listed = await carepurse(settings, "audit", "list", "moorfield", "--limit", "2")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("#3  ") and "Roles changed" in lines[0]
    assert "by Test Person <test@example.org>" in lines[0] and "from 198.51.100.7" in lines[0]

    none = await carepurse(settings, "audit", "list", "moorfield", "--action", "sign_in")
    assert none.exit_code == 0 and "no matching events" in none.output
    unknown = await carepurse(settings, "audit", "list", "nowhere")
    assert unknown.exit_code == 1 and "there is no council called 'nowhere'" in unknown.output
