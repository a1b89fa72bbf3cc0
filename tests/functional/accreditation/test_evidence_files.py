"""Evidence files reach the council's officers and the provider that sent them, as
downloads, and nobody else: not another provider, not a person, not another council,
and never through /media."""

from __future__ import annotations

from core.accreditation import services
from core.accreditation.evidence import Registrations, Upload
from core.accreditation.models import Evidence, EvidenceKind
from core.audit.models import AuditEvent
from tests.functional.accreditation.conftest import PDF, council, firm, officer
from tests.support.members import make_member, signed_in_client


async def setup(app, registry):
    tenant = await council(registry)
    company = await firm(tenant, "Kindly Care Ltd")
    accreditation = await services.apply(
        app.state.runtime,
        company.actor(tenant),
        uploads=[Upload("scan.pdf", PDF, "Public liability certificate")],
        registrations=Registrations(cqc_location_id="1-545611283"),
    )
    document = await Evidence.get(accreditation_id=accreditation.id, kind=EvidenceKind.DOCUMENT)
    declared = await Evidence.get(accreditation_id=accreditation.id, kind=EvidenceKind.CQC)
    return tenant, company, accreditation, document, declared


def assert_download(response) -> None:
    assert response.status_code == 200, response.text
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="Public-liability-certificate.pdf"'
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    assert "no-store" in response.headers["cache-control"]


async def test_an_officer_and_the_provider_can_download_and_it_is_audited(
    app, client_for, registry
):
    tenant, company, accreditation, document, _ = await setup(app, registry)
    officer_client = await signed_in_client(client_for(tenant), await officer(tenant))
    page = await officer_client.get(f"/council/accreditation/{accreditation.id}")
    url = f"/council/accreditation/{accreditation.id}/evidence/{document.id}"
    assert f'href="{url}"' in page.text
    assert_download(await officer_client.get(url))

    provider_client = await signed_in_client(client_for(tenant), company.owner)
    assert_download(await provider_client.get(f"/provider/accreditation/evidence/{document.id}"))
    events = await AuditEvent.filter(tenant_id=tenant.id, action="data_exported")
    assert len(events) == 2
    assert {e.target_id for e in events} == {str(document.id)}
    assert events[0].details == {"export": "accreditation evidence"}


async def test_nobody_else_can_download_it(app, client_for, registry):
    tenant, _, accreditation, document, declared = await setup(app, registry)
    council_url = f"/council/accreditation/{accreditation.id}/evidence/{document.id}"
    provider_url = f"/provider/accreditation/evidence/{document.id}"

    rival = await firm(tenant, "Rival Care Ltd")
    rival_client = await signed_in_client(client_for(tenant), rival.owner)
    assert (await rival_client.get(provider_url)).status_code == 404
    assert (await rival_client.get(council_url)).status_code == 403

    person = await make_member(tenant, ["person"])
    person_client = await signed_in_client(client_for(tenant), person)
    assert (await person_client.get(provider_url)).status_code == 404
    assert (await person_client.get(council_url)).status_code == 403

    elsewhere = await council(registry)
    stranger = await signed_in_client(client_for(elsewhere), await officer(elsewhere))
    assert (await stranger.get(council_url)).status_code == 404
    assert (await stranger.get(provider_url)).status_code == 404

    # Another of the council's accreditations in the URL: not this one's evidence.
    other_accreditation = await services.apply(
        app.state.runtime, rival.actor(tenant), registrations=Registrations("1-545611284")
    )
    officer_client = await signed_in_client(client_for(tenant), await officer(tenant))
    crossed = f"/council/accreditation/{other_accreditation.id}/evidence/{document.id}"
    assert (await officer_client.get(crossed)).status_code == 404
    # A declared registration has no file.
    declared_url = f"/council/accreditation/{accreditation.id}/evidence/{declared.id}"
    assert (await officer_client.get(declared_url)).status_code == 404

    # The file is private: /media serves only public/ files, whatever the key.
    for path in (document.storage_key, f"../{document.storage_key}"):
        response = await officer_client.get(f"/media/{path}")
        assert response.status_code == 404 and response.content != PDF

    visitor = client_for(tenant)
    assert (await visitor.get(provider_url)).status_code == 303  # to sign in
    assert not await AuditEvent.filter(action="data_exported").exists()
