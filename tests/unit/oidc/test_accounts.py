"""Provisioning: identity is (issuer, subject), never email; an identity stays with its council."""

from __future__ import annotations

import pytest

from core.audit.models import AuditEvent
from core.identity.accounts import AccountBarred
from core.identity.models import ExternalIdentity, Membership, MembershipStatus, Role, User
from core.identity.secrets import hash_password
from core.oidc.accounts import ExternalSignInRefused, display_name_from, sign_in_with_identity
from core.oidc.providers import IdentityProvider
from core.oidc.tokens import IdentityClaims
from tests.factories import make_tenant

ISSUER = "https://login.alphaton.gov.uk"


def provider(**changes):
    values = {
        "name": "council",
        "label": "Sign in",
        "issuer": ISSUER,
        "client_id": "carepurse",
        "client_secret": "s",
    }
    return IdentityProvider(**{**values, **changes})


def claims(subject="sub-1", **changes):
    values = {
        "issuer": ISSUER,
        "subject": subject,
        "email": "jo.bloggs@alphaton.gov.uk",
        "email_verified": True,
        "name": "Jo Bloggs",
    }
    return IdentityClaims(**{**values, **changes})


@pytest.fixture
async def council(db):
    return await make_tenant("alphaton", "Alphaton Council")


async def test_first_sign_in_provisions_user_identity_and_membership(council):
    result = await sign_in_with_identity(council, provider(), claims(), "127.0.0.1")
    user = await User.get(id=result.user.id)
    assert (user.display_name, user.email, user.password_hash) == (
        "Jo Bloggs",
        "jo.bloggs@alphaton.gov.uk",
        None,
    )
    identity = await ExternalIdentity.get(user_id=user.id)
    assert (identity.tenant_id, identity.issuer, identity.subject) == (council.id, ISSUER, "sub-1")
    membership = await Membership.get(user_id=user.id, tenant_id=council.id)
    assert membership.roles == ["council_officer"] and membership.status == MembershipStatus.ACTIVE
    actions = await AuditEvent.filter(tenant_id=council.id).values_list("action", "details")
    assert ("member_added", {"roles": ["council_officer"], "method": "oidc", "issuer": ISSUER}) in [
        tuple(a) for a in actions
    ]
    assert ("sign_in", {"method": "oidc", "issuer": ISSUER}) in [tuple(a) for a in actions]


async def test_the_next_sign_in_reuses_the_identity_even_if_the_email_changed(council):
    first = await sign_in_with_identity(council, provider(), claims(), None)
    again = await sign_in_with_identity(
        council, provider(), claims(email="jo@elsewhere.example", name="Jo B"), None
    )
    assert again.user.id == first.user.id
    assert await User.all().count() == 1 and await ExternalIdentity.all().count() == 1


async def test_an_existing_password_account_with_the_same_email_is_never_linked(council):
    owner = await User.create(
        email="jo.bloggs@alphaton.gov.uk",
        display_name="Real Jo",
        password_hash=hash_password("x" * 12),
    )
    result = await sign_in_with_identity(council, provider(), claims(), None)
    assert result.user.id != owner.id
    assert result.user.email is None  # the address stays with the account that has it
    assert not await ExternalIdentity.exists(user_id=owner.id)
    assert not await Membership.exists(user_id=owner.id)


async def test_an_unverified_email_is_not_stored(council):
    result = await sign_in_with_identity(council, provider(), claims(email_verified=False), None)
    assert result.user.email is None


async def test_a_same_subject_from_another_issuer_is_another_person(council):
    first = await sign_in_with_identity(council, provider(), claims(), None)
    other_issuer = "https://login.partner.example"
    second = await sign_in_with_identity(
        council, provider(issuer=other_issuer), claims(issuer=other_issuer, email=None), None
    )
    assert first.user.id != second.user.id


async def test_an_identity_from_another_council_never_signs_in_here(council):
    beta = await make_tenant("betaville")
    await sign_in_with_identity(beta, provider(), claims(), None)  # shared issuer, first at B
    with pytest.raises(ExternalSignInRefused, match="another council"):
        await sign_in_with_identity(council, provider(), claims(), None)
    assert not await Membership.exists(tenant_id=council.id)
    failure = await AuditEvent.get(tenant_id=council.id, action="sign_in_failed")
    assert failure.details["reason"] == "the identity belongs to another council"


async def test_a_token_whose_issuer_is_not_the_providers_is_refused(council):
    with pytest.raises(ExternalSignInRefused, match="another issuer"):
        await sign_in_with_identity(
            council, provider(), claims(issuer="https://login.betaville.gov.uk"), None
        )
    assert await User.all().count() == 0


async def test_existing_membership_roles_are_kept_and_barred_members_refused(council):
    first = await sign_in_with_identity(council, provider(), claims(), None)
    await Membership.filter(user_id=first.user.id).update(roles=["council_admin"])
    again = await sign_in_with_identity(council, provider(default_roles=["person"]), claims(), None)
    assert again.membership.roles == ["council_admin"]
    await Membership.filter(user_id=first.user.id).update(
        status=MembershipStatus.BARRED, barred_reason="Left the council"
    )
    with pytest.raises(AccountBarred) as barred:
        await sign_in_with_identity(council, provider(), claims(), None)
    assert barred.value.membership.barred_reason == "Left the council"
    failure = await AuditEvent.get(tenant_id=council.id, action="sign_in_failed")
    assert failure.details == {"method": "oidc", "issuer": ISSUER, "reason": "barred"}


async def test_default_roles_come_from_the_provider(council):
    result = await sign_in_with_identity(
        council, provider(default_roles=[Role.COUNCIL_ADMIN, Role.COUNCIL_OFFICER]), claims(), None
    )
    assert result.membership.roles == ["council_admin", "council_officer"]


async def test_email_domains_limit_who_may_sign_in(council):
    limited = provider(email_domains=["alphaton.gov.uk"])
    with pytest.raises(ExternalSignInRefused, match="domains"):
        await sign_in_with_identity(council, limited, claims(email="jo@gmail.example"), None)
    with pytest.raises(ExternalSignInRefused, match="domains"):
        await sign_in_with_identity(council, limited, claims(email_verified=False), None)
    assert (await sign_in_with_identity(council, limited, claims(), None)).user


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, "Jo Bloggs"),
        ({"name": None, "given_name": "Jo", "family_name": "Bloggs"}, "Jo Bloggs"),
        ({"name": None}, "jo.bloggs@alphaton.gov.uk"),
        ({"name": None, "email": None}, "Council staff member"),
        ({"name": "  Jo \n  Bloggs  "}, "Jo Bloggs"),
    ],
)
def test_display_name_falls_back_sensibly(given, expected):
    assert display_name_from(claims(**given)) == expected
