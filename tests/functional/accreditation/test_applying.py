"""A provider applies to a council with documents and declared registrations; bad files
and badly written registration numbers are refused with words the provider can act on."""

from __future__ import annotations

import pytest

from core.accreditation import services
from core.accreditation.evidence import MAX_UPLOAD_BYTES, Registrations, Upload
from core.accreditation.models import (
    Accreditation,
    AccreditationStatus,
    Decision,
    Evidence,
    EvidenceKind,
)
from core.audit.models import AuditEvent
from core.errors import Conflict, InvalidInput
from core.marketplace.models import ProviderRole
from tests.functional.accreditation.conftest import (
    NOT_A_DOCUMENT,
    PDF,
    PNG,
    colleague,
    council,
    date_fields,
    firm,
    in_days,
    post_evidence,
)
from tests.support.members import signed_in_client


async def test_a_provider_applies_with_a_document_and_its_registrations(app, client_for, registry):
    tenant = await council(registry, "kitemark", required_evidence=["document", "insurance"])
    company = await firm(tenant, "Kindly Care Ltd")
    client = await signed_in_client(client_for(tenant), company.owner)

    before = await client.get("/provider/accreditation")
    assert before.status_code == 200
    assert before.text.count("<h1") == 1 and "Not applied yet" in before.text
    assert "lists only the providers it has accredited" in before.text
    assert 'enctype="multipart/form-data"' in before.text

    response = await post_evidence(
        client,
        {
            "document_title": "Safeguarding policy",
            "cqc_location_id": "1-545611283",
            "dbs_certificate_number": "0012 3456 7890",
            "dbs_holder_name": "Pat Assistant",
            "insurance_policy": "Careful Mutual PL-99",
            **date_fields("insurance_expires_on", in_days(200)),
            "note": "We support 40 people at home.",
        },
        {"document": ("policy.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/provider/accreditation?done=applied"

    accreditation = await Accreditation.get(tenant_id=tenant.id, provider_id=company.provider.id)
    assert accreditation.status == AccreditationStatus.APPLIED
    evidence = {e.kind: e for e in await Evidence.filter(accreditation_id=accreditation.id)}
    assert set(evidence) == {
        EvidenceKind.DOCUMENT,
        EvidenceKind.CQC,
        EvidenceKind.DBS,
        EvidenceKind.INSURANCE,
    }
    document = evidence[EvidenceKind.DOCUMENT]
    assert document.title == "Safeguarding policy" and document.content_type == "application/pdf"
    assert document.size_bytes == len(PDF) and document.tenant_id == tenant.id
    # Stored privately under the council's prefix, never under public/ (what /media serves).
    assert document.storage_key.startswith(f"accreditation/{accreditation.id}/")
    assert document.storage_key.endswith(".pdf")
    stored = await app.state.runtime.storage.get(tenant.id, document.storage_key)
    assert stored.data == PDF
    assert evidence[EvidenceKind.CQC].reference == "1-545611283"
    assert evidence[EvidenceKind.DBS].reference == "001234567890"
    assert evidence[EvidenceKind.DBS].title == "DBS certificate for Pat Assistant"
    assert evidence[EvidenceKind.INSURANCE].expires_on == in_days(200)
    assert evidence[EvidenceKind.INSURANCE].reference == "Careful Mutual PL-99"

    decision = await Decision.get(accreditation_id=accreditation.id)
    assert decision.status == AccreditationStatus.APPLIED
    assert decision.reason == "We support 40 people at home."
    event = await AuditEvent.get(tenant_id=tenant.id, action="accreditation_applied")
    assert event.target_id == str(accreditation.id) and event.target_label == "Kindly Care Ltd"

    page = await client.get("/provider/accreditation?done=applied")
    assert "Your application has been sent to the council." in page.text
    assert "Waiting for review" in page.text and "Safeguarding policy" in page.text
    assert f"/provider/accreditation/evidence/{document.id}" in page.text
    assert 'id="history"' in page.text
    # Waiting for review: more evidence may be sent, but not a second application.
    assert 'action="/provider/accreditation/evidence"' in page.text


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (("virus.pdf", NOT_A_DOCUMENT, "application/pdf"), "must be a PDF, PNG or JPEG"),
        (("empty.pdf", b"", "application/pdf"), "The selected file is empty"),
        (
            ("huge.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES - len(PDF) + 1), "application/pdf"),
            "must be smaller than 10MB",
        ),
    ],
    ids=["not-a-document", "empty", "just-over-10MB"],
)
async def test_bad_files_are_refused_and_nothing_is_kept(
    app, client_for, registry, upload, message
):
    tenant = await council(registry)
    company = await firm(tenant)
    client = await signed_in_client(client_for(tenant), company.owner)
    storage = app.state.runtime.storage
    files_before = await storage.list(tenant.id, "accreditation/")  # ids recur across tests
    response = await post_evidence(client, {"cqc_location_id": ""}, {"document": upload})
    assert response.status_code == 400
    assert message in response.text and "There is a problem" in response.text
    assert 'href="#document"' in response.text and 'id="document"' in response.text
    assert not await Accreditation.filter(tenant_id=tenant.id).exists()
    assert await storage.list(tenant.id, "accreditation/") == files_before


async def test_a_request_far_over_the_limit_is_refused_without_reading_it(
    app, client_for, registry
):
    tenant = await council(registry)
    company = await firm(tenant)
    client = await signed_in_client(client_for(tenant), company.owner)
    huge = PDF + b"0" * (12 * 1024 * 1024)
    response = await post_evidence(client, {}, {"document": ("scan.pdf", huge, "application/pdf")})
    assert response.status_code == 400
    assert "The selected file must be smaller than 10MB" in response.text
    assert not await Accreditation.filter(tenant_id=tenant.id).exists()


async def test_an_image_is_accepted_by_its_content_whatever_its_name(app, registry):
    tenant = await council(registry)
    company = await firm(tenant)
    accreditation = await services.apply(
        app.state.runtime,
        company.actor(tenant),
        uploads=[Upload("certificate.pdf", PNG, "Insurance certificate")],
    )
    evidence = await Evidence.get(accreditation_id=accreditation.id)
    assert evidence.content_type == "image/png" and evidence.storage_key.endswith(".png")


async def test_badly_written_registrations_are_refused_by_name_and_the_form_kept(
    client_for, registry
):
    tenant = await council(registry)
    company = await firm(tenant)
    client = await signed_in_client(client_for(tenant), company.owner)
    response = await post_evidence(
        client,
        {
            "cqc_location_id": "CQC-12345",
            "dbs_certificate_number": "1234 5678",
            "insurance_policy": "Careful Mutual",
            **date_fields("insurance_expires_on", in_days(-1)),
            "other_name": "Ofsted",
        },
    )
    assert response.status_code == 400
    text = response.text
    assert "Enter a CQC location ID in the correct format, like 1-545611283" in text
    assert "DBS certificate number must be 12 digits" in text
    assert "Insurance expiry date must be in the future" in text
    assert "Enter the registration number" in text
    assert 'value="CQC-12345"' in text and 'value="Careful Mutual"' in text
    assert not await Accreditation.filter(tenant_id=tenant.id).exists()


async def test_a_half_filled_date_is_refused(client_for, registry):
    tenant = await council(registry)
    company = await firm(tenant)
    client = await signed_in_client(client_for(tenant), company.owner)
    response = await post_evidence(
        client,
        {"insurance_expires_on-day": "31", "insurance_expires_on-month": "2"},
        {"document": ("policy.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 400
    assert "Insurance expiry date must be a real date" in response.text


async def test_the_councils_required_evidence_must_be_included(app, registry):
    tenant = await council(registry, "kitemark", required_evidence=["insurance", "dbs"])
    company = await firm(tenant)
    with pytest.raises(InvalidInput) as refused:
        await services.apply(
            app.state.runtime, company.actor(tenant), uploads=[Upload("policy.pdf", PDF)]
        )
    fields = {p.field: p.message for p in refused.value.problems}
    assert fields == {
        "insurance_expires_on": "Your council needs your insurance and the date it expires",
        "dbs_certificate_number": "Your council needs a DBS certificate number",
    }
    assert not await Accreditation.filter(tenant_id=tenant.id).exists()


async def test_an_application_needs_some_evidence(app, registry):
    tenant = await council(registry)
    company = await firm(tenant)
    with pytest.raises(InvalidInput, match="not complete") as refused:
        await services.apply(app.state.runtime, company.actor(tenant))
    assert refused.value.problems[0].field == "document"


async def test_one_application_at_a_time_then_again_after_a_refusal(app, registry):
    tenant = await council(registry)
    company = await firm(tenant)
    runtime, actor = app.state.runtime, company.actor(tenant)
    first = await services.apply(runtime, actor, registrations=Registrations("1-545611283"))
    with pytest.raises(Conflict, match="already waiting for review"):
        await services.apply(runtime, actor, registrations=Registrations("1-545611284"))

    await Accreditation.filter(id=first.id).update(status=AccreditationStatus.REFUSED)
    again = await services.apply(runtime, actor, uploads=[Upload("better.pdf", PDF)], note="Fixed")
    assert again.id == first.id and again.status == AccreditationStatus.APPLIED
    # The earlier CQC registration still counts; the history shows both applications.
    assert await Evidence.filter(accreditation_id=first.id).count() == 2
    assert await Decision.filter(accreditation_id=first.id, status="applied").count() == 2


async def test_more_evidence_can_be_sent_while_waiting(app, client_for, registry):
    tenant = await council(registry)
    company = await firm(tenant)
    await services.apply(
        app.state.runtime, company.actor(tenant), registrations=Registrations("1-545611283")
    )
    client = await signed_in_client(client_for(tenant), company.owner)
    response = await post_evidence(
        client,
        {"other_name": "Ofsted", "other_reference": "EY123456"},
        path="/provider/accreditation/evidence",
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/provider/accreditation?done=evidence"
    other = await Evidence.get(kind=EvidenceKind.OTHER_REGISTRATION)
    assert (other.title, other.reference) == ("Ofsted", "EY123456")
    assert await AuditEvent.filter(action="accreditation_evidence_added").count() == 1

    empty = await post_evidence(client, {}, path="/provider/accreditation/evidence")
    assert empty.status_code == 400
    assert "Choose a file or fill in a registration" in empty.text


async def test_staff_may_look_but_only_owners_and_managers_may_apply(app, client_for, registry):
    tenant = await council(registry)
    company = await firm(tenant)
    staff = await colleague(tenant, company, ProviderRole.STAFF)
    manager = await colleague(tenant, company, ProviderRole.MANAGER)

    staff_client = await signed_in_client(client_for(tenant), staff)
    page = await staff_client.get("/provider/accreditation")
    assert page.status_code == 200
    assert "Only your provider’s owners and managers can apply" in page.text
    refused = await post_evidence(staff_client, {"cqc_location_id": "1-545611283"})
    assert refused.status_code == 403
    assert not await Accreditation.filter(tenant_id=tenant.id).exists()

    manager_client = await signed_in_client(client_for(tenant), manager)
    applied = await post_evidence(manager_client, {"cqc_location_id": "1-545611283"})
    assert applied.status_code == 303


async def test_someone_who_is_not_a_provider_is_refused(client_for, registry):
    from tests.functional.accreditation.conftest import officer

    tenant = await council(registry)
    member = await officer(tenant)
    client = await signed_in_client(client_for(tenant), member)
    assert (await client.get("/provider/accreditation")).status_code == 403
    assert (await post_evidence(client, {"cqc_location_id": "1-545611283"})).status_code == 403
    assert await AuditEvent.filter(action="permission_refused").count() == 2


async def test_a_visitor_is_sent_to_sign_in(client_for, registry):
    tenant = await council(registry)
    response = await client_for(tenant).get("/provider/accreditation")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")


async def test_files_are_removed_when_the_application_cannot_be_saved(app, registry, monkeypatch):
    tenant = await council(registry)
    company = await firm(tenant)
    storage = app.state.runtime.storage
    files_before = await storage.list(tenant.id, "accreditation/")

    async def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("core.accreditation.services.record", broken)
    with pytest.raises(RuntimeError):
        await services.apply(
            app.state.runtime, company.actor(tenant), uploads=[Upload("policy.pdf", PDF)]
        )
    assert not await Accreditation.filter(tenant_id=tenant.id).exists()
    assert not await Evidence.filter(tenant_id=tenant.id).exists()
    assert await storage.list(tenant.id, "accreditation/") == files_before
