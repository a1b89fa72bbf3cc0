"""What each role may do across a council."""

from __future__ import annotations

from core.identity.models import AccessLevel, Role
from core.identity.roles import COUNCIL_WIDE, PERSON_LEVEL, Permission, council_permissions


def test_every_role_has_an_entry():
    assert set(COUNCIL_WIDE) == set(Role)


def test_admin_can_do_everything_officer_cannot_manage_users_or_export():
    admin = council_permissions(["council_admin"])
    officer = council_permissions(["council_officer"])
    assert admin == frozenset(Permission)
    assert Permission.MANAGE_USERS not in officer
    assert Permission.EXPORT_AUDIT not in officer
    assert Permission.VIEW_AUDIT in officer


def test_people_brokers_and_providers_have_no_council_wide_powers():
    for role in ("person", "broker", "provider_owner", "provider_manager", "provider_staff"):
        assert council_permissions([role]) == frozenset()


def test_review_is_read_only_manage_can_change_the_circle():
    assert PERSON_LEVEL[AccessLevel.REVIEW] == {Permission.VIEW_PERSON, Permission.VIEW_BUDGET}
    assert Permission.SPEND_BUDGET in PERSON_LEVEL[AccessLevel.MANAGE]
    assert Permission.MANAGE_CIRCLE in PERSON_LEVEL[AccessLevel.MANAGE]
