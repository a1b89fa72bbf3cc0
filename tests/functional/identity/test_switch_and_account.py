"""A member of two councils switches explicitly; members change their own password."""

from __future__ import annotations

from core.audit.models import AuditEvent
from core.identity.models import SessionHandoff, UserSession
from tests.factories import make_tenant
from tests.support.members import PASSWORD, SAME_ORIGIN, make_member, sign_in


async def test_member_of_two_councils_switches_with_a_one_use_ticket(app, client_for):
    north = await make_tenant("northvale", "Northvale Council")
    south = await make_tenant("southvale", "Southvale Council")
    broker = await make_member(north, ["broker"], name="Bea Broker")
    await make_member(south, ["broker"], user=broker.user)
    north_client = client_for(north)
    await sign_in(north_client, broker.user.email)
    account = await north_client.get("/account")
    assert "Go to Southvale Council" in account.text

    moved = await north_client.post(
        "/account/switch", data={"council": "southvale"}, headers=SAME_ORIGIN
    )
    assert moved.status_code == 303
    target = moved.headers["location"]
    assert target.startswith("http://southvale.localhost/switch/")
    path = "/" + target.split("/", 3)[3]

    south_client = client_for(south)
    landing = await south_client.get(path)
    assert "Continue to Southvale Council" in landing.text
    arrived = await south_client.post(path, headers=SAME_ORIGIN)
    assert arrived.status_code == 303
    assert "Bea Broker" in (await south_client.get("/account")).text
    assert (await client_for(south).post(path, headers=SAME_ORIGIN)).status_code == 404
    assert await AuditEvent.filter(tenant_id=north.id, action="council_switched").exists()


async def test_a_ticket_only_works_on_the_council_it_was_issued_for(app, client_for):
    north, south, west = await make_tenant(), await make_tenant(), await make_tenant()
    member = await make_member(north)
    await make_member(south, user=member.user)
    client = client_for(north)
    await sign_in(client, member.user.email)
    moved = await client.post("/account/switch", data={"council": south.slug}, headers=SAME_ORIGIN)
    path = "/" + moved.headers["location"].split("/", 3)[3]
    assert (await client_for(west).get(path)).status_code == 404
    refused = await client.post("/account/switch", data={"council": west.slug}, headers=SAME_ORIGIN)
    assert refused.status_code == 404
    assert await SessionHandoff.all().count() == 1


async def test_changing_password_signs_out_other_devices(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant)
    phone, laptop = client_for(tenant), client_for(tenant)
    await sign_in(phone, member.user.email)
    await sign_in(laptop, member.user.email)
    wrong = await laptop.post(
        "/account/password",
        headers=SAME_ORIGIN,
        data={
            "current_password": "nope",
            "password": "new long passphrase",
            "confirm": "new long passphrase",
        },
    )
    assert wrong.status_code == 400 and "Enter your current password correctly" in wrong.text
    done = await laptop.post(
        "/account/password",
        headers=SAME_ORIGIN,
        data={
            "current_password": PASSWORD,
            "password": "new long passphrase",
            "confirm": "new long passphrase",
        },
    )
    assert done.status_code == 303
    assert (await laptop.get("/account")).status_code == 200
    assert (await phone.get("/account")).status_code == 303
    assert await UserSession.filter(ended_at__isnull=True).count() == 1
