"""Council user management: adding accounts, roles, barring and brokers; checked in services."""

from __future__ import annotations

import pytest

from core.audit.models import AuditEvent
from core.email.models import EmailMessage
from core.errors import InvalidInput
from core.identity import council_users
from core.identity.actor import Actor
from core.identity.models import Membership, MembershipStatus, PersonAccess, User, UserSession
from core.identity.permissions import PermissionDenied
from tests.factories import make_tenant
from tests.support.members import SAME_ORIGIN, make_member, sign_in


async def admin_client(client_for, tenant, roles=("council_admin",)):
    admin = await make_member(tenant, roles, name="Ada Admin")
    client = client_for(tenant)
    await sign_in(client, admin.user.email)
    return admin, client


async def test_admin_adds_a_person_with_email_who_gets_a_set_up_link(app, client_for):
    tenant = await make_tenant()
    _, client = await admin_client(client_for, tenant)
    response = await client.post(
        "/council/users/new",
        headers=SAME_ORIGIN,
        data={"name": "Peter Person", "email": "peter@example.org", "roles": ["person"]},
    )
    assert response.status_code == 303
    member = await Membership.get(user__email="peter@example.org")
    assert member.roles == ["person"]
    email = await EmailMessage.get(to_address="peter@example.org")
    assert "/invitations/" in email.body_text
    detail = await client.get(response.headers["location"])
    assert "Peter Person" in detail.text and "Account added." in detail.text


async def test_person_without_email_is_added_without_a_sign_in(app, client_for):
    tenant = await make_tenant()
    _, client = await admin_client(client_for, tenant)
    await client.post(
        "/council/users/new", headers=SAME_ORIGIN, data={"name": "Edith Elder", "roles": ["person"]}
    )
    user = await User.get(display_name="Edith Elder")
    assert user.email is None and user.password_hash is None
    listing = await client.get("/council/users?search=edith")
    assert "Edith Elder" in listing.text and "No sign-in" in listing.text


async def test_form_errors_name_the_fields(app, client_for):
    tenant = await make_tenant()
    _, client = await admin_client(client_for, tenant)
    response = await client.post(
        "/council/users/new", headers=SAME_ORIGIN, data={"name": "", "email": "bad"}
    )
    assert response.status_code == 400
    assert "Enter the person" in response.text and "Choose at least one role" in response.text


async def test_officer_cannot_give_staff_roles_and_the_refusal_is_audited(app, client_for):
    tenant = await make_tenant()
    _, client = await admin_client(client_for, tenant, ("council_officer",))
    response = await client.post(
        "/council/users/new",
        headers=SAME_ORIGIN,
        data={"name": "Would Be Admin", "email": "wba@example.org", "roles": ["council_admin"]},
    )
    assert response.status_code == 403
    assert not await User.exists(email="wba@example.org")
    assert await AuditEvent.filter(action="permission_refused", tenant_id=tenant.id).exists()


async def test_admin_changes_roles_and_the_last_admin_is_protected(app, client_for):
    tenant = await make_tenant()
    admin, client = await admin_client(client_for, tenant)
    staff = await make_member(tenant, ["council_officer"])
    done = await client.post(
        f"/council/users/{staff.id}/roles",
        headers=SAME_ORIGIN,
        data={"roles": ["council_officer", "broker"]},
    )
    assert done.status_code == 303
    assert sorted((await Membership.get(id=staff.id)).roles) == ["broker", "council_officer"]
    event = await AuditEvent.get(action="role_changed")
    assert event.details == {"before": ["council_officer"], "after": ["broker", "council_officer"]}

    actor = Actor(tenant=tenant, user=admin.user, membership=admin)
    with pytest.raises(InvalidInput, match="needs an administrator"):
        await council_users.change_roles(actor, admin, ["council_officer"])


async def test_barring_signs_the_member_out_and_lifting_it_lets_them_back(app, client_for):
    tenant = await make_tenant()
    _, admin = await admin_client(client_for, tenant)
    person = await make_member(tenant, ["person"])
    person_client = client_for(tenant)
    await sign_in(person_client, person.user.email)

    empty = await admin.post(
        f"/council/users/{person.id}/bar", headers=SAME_ORIGIN, data={"reason": ""}
    )
    assert empty.status_code == 400 and "Explain why" in empty.text
    barred = await admin.post(
        f"/council/users/{person.id}/bar",
        headers=SAME_ORIGIN,
        data={"reason": "Please call the care team about your account."},
    )
    assert barred.status_code == 303
    assert (await person_client.get("/account")).status_code == 303
    assert await UserSession.filter(user_id=person.user.id, ended_at__isnull=True).count() == 0
    refused = await sign_in(client_for(tenant), person.user.email)
    assert refused.status_code == 403
    assert "Please call the care team about your account." in refused.text

    lifted = await admin.post(f"/council/users/{person.id}/unbar", headers=SAME_ORIGIN)
    assert lifted.status_code == 303
    assert (await sign_in(client_for(tenant), person.user.email)).status_code == 303
    actions = [e.action for e in await AuditEvent.filter(tenant_id=tenant.id).order_by("sequence")]
    assert "barred" in actions and "unbarred" in actions


async def test_officer_cannot_bar_staff_and_nobody_can_bar_themselves(app, client_for):
    tenant = await make_tenant()
    officer = await make_member(tenant, ["council_officer", "council_admin"])
    other_admin = await make_member(tenant, ["council_admin"])
    plain_officer = await make_member(tenant, ["council_officer"])
    officer_actor = Actor(tenant=tenant, user=plain_officer.user, membership=plain_officer)
    with pytest.raises(PermissionDenied):
        await council_users.bar(officer_actor, other_admin, "No reason")
    self_actor = Actor(tenant=tenant, user=officer.user, membership=officer)
    with pytest.raises(PermissionDenied, match="your own account"):
        await council_users.bar(self_actor, officer, "Oops")
    assert (await Membership.get(id=other_admin.id)).status == MembershipStatus.ACTIVE


async def test_broker_appointed_until_a_date_manages_the_person(app, client_for):
    tenant = await make_tenant()
    _, admin = await admin_client(client_for, tenant)
    person = await make_member(tenant, ["person"], name="Ivy Person")
    broker = await make_member(tenant, ["broker"], name="Bea Broker")
    response = await admin.post(
        f"/council/users/{person.id}/brokers",
        headers=SAME_ORIGIN,
        data={
            "broker": str(broker.id),
            "access": "manage",
            "expires_on-day": "31",
            "expires_on-month": "3",
            "expires_on-year": "2099",
        },
    )
    assert response.status_code == 303
    grant = await PersonAccess.get(person_id=person.id)
    assert grant.kind == "broker" and str(grant.expires_on) == "2099-03-31"
    broker_client = client_for(tenant)
    await sign_in(broker_client, broker.user.email)
    page = await broker_client.get(f"/people/{person.id}")
    assert page.status_code == 200 and "Invite someone" in page.text
    not_a_broker = await admin.post(
        f"/council/users/{person.id}/brokers",
        headers=SAME_ORIGIN,
        data={"broker": str(person.id), "access": "manage"},
    )
    assert not_a_broker.status_code == 400


async def test_people_without_staff_roles_cannot_open_the_console(app, client_for):
    tenant = await make_tenant()
    person = await make_member(tenant, ["person"])
    client = client_for(tenant)
    await sign_in(client, person.user.email)
    assert (await client.get("/council")).status_code == 403
    assert (await client.get("/council/users")).status_code == 403
