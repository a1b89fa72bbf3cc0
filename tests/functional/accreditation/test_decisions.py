"""Council officers accredit, ask for more, refuse, suspend, revoke and reinstate; each
decision is a history row, an audit event and an email to the provider's owners, and a
decision cannot be taken twice."""

from __future__ import annotations

import asyncio

import pytest

from core.accreditation import services
from core.accreditation.evidence import Registrations, Upload
from core.accreditation.models import Accreditation, AccreditationStatus, Decision
from core.audit.models import AuditEvent
from core.email.models import EmailMessage
from core.errors import Conflict, InvalidInput
from core.identity.permissions import PermissionDenied
from core.marketplace.models import ProviderRole
from tests.functional.accreditation.conftest import (
    PDF,
    colleague,
    council,
    date_fields,
    firm,
    in_days,
    officer,
    officer_actor,
)
from tests.support.members import SAME_ORIGIN, signed_in_client

Status = AccreditationStatus


async def applied(app, tenant, company) -> Accreditation:
    return await services.apply(
        app.state.runtime,
        company.actor(tenant),
        uploads=[Upload("policy.pdf", PDF, "Safeguarding policy")],
        registrations=Registrations(cqc_location_id="1-545611283"),
    )


async def test_an_officer_accredits_a_provider_with_an_end_date(app, client_for, registry):
    tenant = await council(registry, "open", badge_label="Testshire Approved")
    company = await firm(tenant, "Kindly Care Ltd")
    second_owner = await colleague(tenant, company, ProviderRole.OWNER)
    await colleague(tenant, company, ProviderRole.MANAGER)  # not emailed: owners only
    accreditation = await applied(app, tenant, company)
    member = await officer(tenant)
    client = await signed_in_client(client_for(tenant), member)

    queue = await client.get("/council/accreditation")
    assert queue.status_code == 200 and queue.text.count("<h1") == 1
    assert "Kindly Care Ltd" in queue.text and "Waiting for review: 1" in queue.text
    page = await client.get(f"/council/accreditation/{accreditation.id}")
    assert page.status_code == 200
    assert "Safeguarding policy" in page.text and "1-545611283" in page.text
    assert 'value="accredit"' in page.text and 'value="suspend"' not in page.text

    ends = in_days(365)
    response = await client.post(
        f"/council/accreditation/{accreditation.id}/decisions",
        data={
            "action": "accredit",
            "expected_status": "applied",
            "reason": "",
            **date_fields("expires_on", ends),
        },
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 303, response.text
    await accreditation.refresh_from_db()
    assert accreditation.status == Status.ACCREDITED and accreditation.expires_on == ends
    assert accreditation.decided_by.startswith("Olu Officer") and accreditation.decided_at
    decision = await Decision.get(accreditation_id=accreditation.id, status=Status.ACCREDITED)
    assert decision.expires_on == ends and decision.actor_label.startswith("Olu Officer")

    event = await AuditEvent.get(tenant_id=tenant.id, action="accredited")
    assert event.target_id == str(accreditation.id) and event.target_label == "Kindly Care Ltd"
    assert event.details["from"] == "applied" and event.details["expires_on"] == ends.isoformat()
    assert event.actor_user_id == member.user.id

    emails = await EmailMessage.filter(tenant_id=tenant.id, purpose="accreditation")
    assert sorted(e.to_address for e in emails) == sorted(
        [company.owner.user.email, second_owner.user.email]
    )
    assert "accredited you until" in emails[0].subject
    assert "Testshire Approved" in emails[0].body_text
    assert f"{tenant.slug}.localhost/provider/accreditation" in emails[0].body_text

    after = await client.get(response.headers["location"])
    assert "The provider is accredited." in after.text and 'value="suspend"' in after.text
    provider_page = await (await signed_in_client(client_for(tenant), company.owner)).get(
        "/provider/accreditation"
    )
    assert "Accredited until" in provider_page.text and "Testshire Approved" in provider_page.text
    # The provider sees the council's decision as the council's: no officer's address.
    history = provider_page.text.split('id="history"')[1].split("</table>")[0]
    assert member.user.email not in provider_page.text and tenant.name in history


async def test_accrediting_needs_an_end_date_in_the_future(app, client_for, registry):
    tenant = await council(registry)
    accreditation = await applied(app, tenant, await firm(tenant))
    client = await signed_in_client(client_for(tenant), await officer(tenant))
    url = f"/council/accreditation/{accreditation.id}/decisions"
    missing = await client.post(url, data={"action": "accredit"}, headers=SAME_ORIGIN)
    assert missing.status_code == 400
    assert "Enter the date the accreditation ends" in missing.text
    past = await client.post(
        url,
        data={"action": "accredit", **date_fields("expires_on", in_days(0))},
        headers=SAME_ORIGIN,
    )
    assert "The date the accreditation ends must be in the future" in past.text
    nothing = await client.post(url, data={}, headers=SAME_ORIGIN)
    assert nothing.status_code == 400 and "Choose a decision" in nothing.text
    await accreditation.refresh_from_db()
    assert accreditation.status == Status.APPLIED
    assert not await EmailMessage.filter(tenant_id=tenant.id).exists()


async def test_asking_for_more_then_the_provider_answers_then_a_refusal(app, registry):
    tenant = await council(registry)
    company = await firm(tenant)
    accreditation = await applied(app, tenant, company)
    actor = officer_actor(await officer(tenant))
    runtime = app.state.runtime

    with pytest.raises(InvalidInput) as refused:
        await services.decide(runtime, actor, accreditation.id, "ask_for_more", reason="  ")
    assert refused.value.problems[0].field == "reason"

    more = await services.decide(
        runtime, actor, accreditation.id, "ask_for_more", reason="Send your DBS checks"
    )
    assert more.status == Status.MORE_INFO and more.reason == "Send your DBS checks"
    email = await EmailMessage.get(tenant_id=tenant.id)
    assert "needs more information" in email.subject and "Send your DBS checks" in email.body_text

    answer = await services.apply(
        runtime,
        company.actor(tenant),
        registrations=Registrations(dbs_certificate_number="001234567890"),
        note="Here they are",
    )
    assert answer.status == Status.APPLIED and answer.reason is None

    refused_row = await services.decide(
        runtime, actor, accreditation.id, "refuse", reason="Two staff have no DBS check"
    )
    assert refused_row.status == Status.REFUSED
    history = [
        d.status
        for d in await Decision.filter(accreditation_id=accreditation.id).order_by(
            "created_at", "id"
        )
    ]
    assert history == [Status.APPLIED, Status.MORE_INFO, Status.APPLIED, Status.REFUSED]
    actions = (
        await AuditEvent.filter(tenant_id=tenant.id).order_by("id").values_list("action", flat=True)
    )
    assert [a for a in actions if a.startswith("accreditation")] == [
        "accreditation_applied",
        "accreditation_more_info",
        "accreditation_applied",
        "accreditation_refused",
    ]
    subjects = await EmailMessage.filter(tenant_id=tenant.id).values_list("subject", flat=True)
    assert any("has refused your accreditation" in s for s in subjects)


async def test_suspend_reinstate_and_revoke_each_audited_and_emailed(app, registry):
    tenant = await council(registry, "kitemark")
    company = await firm(tenant)
    accreditation = await applied(app, tenant, company)
    actor = officer_actor(await officer(tenant))
    runtime = app.state.runtime
    ends = in_days(300)
    await services.decide(runtime, actor, accreditation.id, "accredit", expires_on=ends)

    with pytest.raises(InvalidInput):
        await services.decide(runtime, actor, accreditation.id, "suspend")  # no reason
    suspended = await services.decide(
        runtime, actor, accreditation.id, "suspend", reason="A safeguarding concern"
    )
    assert suspended.status == Status.SUSPENDED and suspended.expires_on == ends
    reinstated = await services.decide(
        runtime, actor, accreditation.id, "reinstate", reason="Concern resolved"
    )
    assert reinstated.status == Status.ACCREDITED and reinstated.expires_on == ends
    revoked = await services.decide(
        runtime, actor, accreditation.id, "revoke", reason="Deregistered by CQC"
    )
    assert revoked.status == Status.REVOKED

    actions = (
        await AuditEvent.filter(tenant_id=tenant.id).order_by("id").values_list("action", flat=True)
    )
    assert [a for a in actions if a != "accreditation_applied"] == [
        "accredited",
        "accreditation_suspended",
        "accreditation_reinstated",
        "accreditation_revoked",
    ]
    subjects = (
        await EmailMessage.filter(tenant_id=tenant.id)
        .order_by("created_at")
        .values_list("subject", flat=True)
    )
    assert len(subjects) == 4
    assert any("suspended your accreditation" in s for s in subjects)
    assert any("reinstated your accreditation" in s for s in subjects)
    assert any("revoked your accreditation" in s for s in subjects)
    body = await EmailMessage.filter(subject__contains="suspended").first()
    assert "not listed in the council's marketplace" in body.body_text
    assert await Decision.filter(accreditation_id=accreditation.id).count() == 5


async def test_reinstating_after_the_end_date_needs_a_new_one(app, registry):
    tenant = await council(registry)
    accreditation = await applied(app, tenant, await firm(tenant))
    actor = officer_actor(await officer(tenant))
    runtime = app.state.runtime
    await services.decide(runtime, actor, accreditation.id, "accredit", expires_on=in_days(10))
    await services.decide(runtime, actor, accreditation.id, "suspend", reason="Checks")
    await Accreditation.filter(id=accreditation.id).update(expires_on=in_days(-1))
    with pytest.raises(InvalidInput, match="not complete") as refused:
        await services.decide(runtime, actor, accreditation.id, "reinstate")
    assert "enter a new one" in refused.value.problems[0].message
    back = await services.decide(
        runtime, actor, accreditation.id, "reinstate", expires_on=in_days(90)
    )
    assert back.status == Status.ACCREDITED and back.expires_on == in_days(90)


async def test_a_decision_cannot_be_taken_twice(app, client_for, registry):
    tenant = await council(registry)
    accreditation = await applied(app, tenant, await firm(tenant))
    member = await officer(tenant)
    runtime, actor = app.state.runtime, officer_actor(member)
    await services.decide(runtime, actor, accreditation.id, "accredit", expires_on=in_days(30))
    with pytest.raises(Conflict, match="cannot accredit: the accreditation is accredited"):
        await services.decide(runtime, actor, accreditation.id, "accredit", expires_on=in_days(30))
    with pytest.raises(Conflict):
        await services.decide(runtime, actor, accreditation.id, "refuse", reason="Too late")

    # A page showing an older status: the decision is refused, even one valid from now.
    client = await signed_in_client(client_for(tenant), member)
    stale = await client.post(
        f"/council/accreditation/{accreditation.id}/decisions",
        data={"action": "revoke", "reason": "Stale page", "expected_status": "suspended"},
        headers=SAME_ORIGIN,
    )
    assert stale.status_code == 409
    assert "This accreditation has already been decided: it is now accredited" in stale.text
    twice = await client.post(
        f"/council/accreditation/{accreditation.id}/decisions",
        data={
            "action": "accredit",
            "expected_status": "applied",
            **date_fields("expires_on", in_days(9)),
        },
        headers=SAME_ORIGIN,
    )
    assert twice.status_code == 409 and "already been decided" in twice.text
    await accreditation.refresh_from_db()
    assert accreditation.status == Status.ACCREDITED
    assert await Decision.filter(accreditation_id=accreditation.id).count() == 2
    assert await AuditEvent.filter(action="accredited").count() == 1
    assert await EmailMessage.filter(tenant_id=tenant.id).count() == 1


async def test_two_officers_deciding_at_once_cannot_both_succeed(app, registry):
    tenant = await council(registry)
    accreditation = await applied(app, tenant, await firm(tenant))
    first, second = officer_actor(await officer(tenant)), officer_actor(await officer(tenant))
    runtime = app.state.runtime
    results = await asyncio.gather(
        services.decide(runtime, first, accreditation.id, "accredit", expires_on=in_days(60)),
        services.decide(runtime, second, accreditation.id, "refuse", reason="No"),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Accreditation) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert await Decision.filter(accreditation_id=accreditation.id).count() == 2


async def test_only_officers_decide_and_only_for_their_own_council(app, client_for, registry):
    tenant = await council(registry)
    company = await firm(tenant)
    accreditation = await applied(app, tenant, company)
    runtime = app.state.runtime
    with pytest.raises(PermissionDenied):
        await services.decide(
            runtime, company.actor(tenant), accreditation.id, "accredit", expires_on=in_days(5)
        )
    provider_client = await signed_in_client(client_for(tenant), company.owner)
    assert (await provider_client.get("/council/accreditation")).status_code == 403
    refused = await provider_client.post(
        f"/council/accreditation/{accreditation.id}/decisions",
        data={"action": "accredit", **date_fields("expires_on", in_days(5))},
        headers=SAME_ORIGIN,
    )
    assert refused.status_code == 403

    elsewhere = await council(registry)
    stranger = await signed_in_client(client_for(elsewhere), await officer(elsewhere))
    assert (await stranger.get(f"/council/accreditation/{accreditation.id}")).status_code == 404
    foreign = await stranger.post(
        f"/council/accreditation/{accreditation.id}/decisions",
        data={"action": "accredit", **date_fields("expires_on", in_days(5))},
        headers=SAME_ORIGIN,
    )
    assert foreign.status_code == 404
    await accreditation.refresh_from_db()
    assert accreditation.status == Status.APPLIED


async def test_the_queue_filters_by_status_and_name(app, client_for, registry):
    tenant = await council(registry, "kitemark", required_evidence=["insurance"])
    waiting = await firm(tenant, "Aardvark Homecare")
    other = await firm(tenant, "Zebra Support")
    runtime = app.state.runtime
    for company in (waiting, other):
        await services.apply(
            runtime,
            company.actor(tenant),
            registrations=Registrations(insurance_expires_on=in_days(100)),
        )
    zebra = await Accreditation.get(provider_id=other.provider.id)
    await services.decide(
        runtime, officer_actor(await officer(tenant)), zebra.id, "accredit", expires_on=in_days(50)
    )
    client = await signed_in_client(client_for(tenant), await officer(tenant))
    everything = await client.get("/council/accreditation")
    assert "Aardvark Homecare" in everything.text and "Zebra Support" in everything.text
    assert "lists only the providers it has accredited" in everything.text
    assert "must include insurance with its expiry date." in everything.text
    accredited = await client.get("/council/accreditation?status=accredited")
    assert "Zebra Support" in accredited.text and "Aardvark Homecare" not in accredited.text
    named = await client.get("/council/accreditation?q=aard")
    assert "Aardvark Homecare" in named.text and "Zebra Support" not in named.text
    none = await client.get("/council/accreditation?status=revoked")
    assert 'id="no-providers"' in none.text
