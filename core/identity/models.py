"""Accounts are platform-wide; memberships, circles and invitations belong to one council."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    """What a member may do in one council. Platform operators are flagged on the account."""

    PERSON = "person"
    BROKER = "broker"
    PROVIDER_OWNER = "provider_owner"
    PROVIDER_MANAGER = "provider_manager"
    PROVIDER_STAFF = "provider_staff"
    COUNCIL_OFFICER = "council_officer"
    COUNCIL_ADMIN = "council_admin"


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    BARRED = "barred"


class AccessLevel(StrEnum):
    REVIEW = "review"
    MANAGE = "manage"


class AccessKind(StrEnum):
    CIRCLE = "circle"
    BROKER = "broker"


class InvitationPurpose(StrEnum):
    CIRCLE = "circle"
    COUNCIL = "council"


class User(Model):
    """One login, usable in every council where it has a membership."""

    id = fields.UUIDField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True, null=True)
    password_hash = fields.CharField(max_length=255, null=True)
    display_name = fields.CharField(max_length=120)
    is_platform_operator = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    last_sign_in_at = fields.DatetimeField(null=True)
    password_changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user_account"

    def __str__(self) -> str:
        return self.display_name


class ExternalIdentity(Model):
    """A council identity provider's user, identified by (issuer, subject), never by email."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "carepurse.User", related_name="external_identities", on_delete=fields.CASCADE
    )
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    issuer = fields.CharField(max_length=500)
    subject = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "external_identity"
        unique_together = (("issuer", "subject"),)


class Membership(Model):
    """A user's place in one council, with roles. Barring is per council."""

    id = fields.UUIDField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "carepurse.User", related_name="memberships", on_delete=fields.CASCADE
    )
    roles: Any = fields.JSONField(default=list)
    status = fields.CharEnumField(MembershipStatus, max_length=16, default=MembershipStatus.ACTIVE)
    barred_reason = fields.TextField(null=True)
    barred_at = fields.DatetimeField(null=True)
    barred_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "carepurse.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "membership"
        unique_together = (("tenant", "user"),)


class PersonAccess(Model):
    """A circle member's or broker's access to one person's pages, optionally expiring."""

    id = fields.UUIDField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "carepurse.Membership", related_name="supporters", on_delete=fields.CASCADE
    )
    grantee: fields.ForeignKeyRelation[Membership] = fields.ForeignKeyField(
        "carepurse.Membership", related_name="supporting", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(AccessKind, max_length=16)
    access = fields.CharEnumField(AccessLevel, max_length=16)
    expires_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "carepurse.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "person_access"


class Invitation(Model):
    """An emailed one-time link to join a person's circle or the council's staff."""

    id = fields.UUIDField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    purpose = fields.CharEnumField(InvitationPurpose, max_length=16)
    roles: Any = fields.JSONField(default=list)
    person: fields.ForeignKeyNullableRelation[Membership] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, null=True, on_delete=fields.CASCADE
    )
    access = fields.CharEnumField(AccessLevel, max_length=16, null=True)
    access_expires_on = fields.DateField(null=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    invited_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "carepurse.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    accepted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "carepurse.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "invitation"


class PasswordResetToken(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "carepurse.User", related_name=False, on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "password_reset_token"


class UserSession(Model):
    """A signed-in browser on one site. The cookie holds a token, and only its hash is stored."""

    id = fields.CharField(max_length=64, primary_key=True)
    tenant: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, null=True, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "carepurse.User", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    ip = fields.CharField(max_length=45, null=True)

    class Meta:
        table = "user_session"


class SessionHandoff(Model):
    """A one-minute, one-use ticket to carry a sign-in to another council's site."""

    id = fields.CharField(max_length=64, primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "carepurse.User", related_name=False, on_delete=fields.CASCADE
    )
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "session_handoff"


class SignInThrottle(Model):
    """Failed sign-ins per account or per address, with a bounded back-off."""

    key = fields.CharField(max_length=300, primary_key=True)
    failures = fields.IntField(default=0)
    window_started_at = fields.DatetimeField()
    blocked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "sign_in_throttle"
