"""A person's registration details, kept with their membership in one council."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class ContactPreference(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    TEXT = "text"
    LETTER = "letter"


class BudgetManager(StrEnum):
    PERSON = "person"
    CIRCLE = "circle"
    BROKER = "broker"
    COUNCIL = "council"


class PersonProfile(Model):
    id = fields.IntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    membership: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "carepurse.Membership", related_name="profile", on_delete=fields.CASCADE
    )
    date_of_birth = fields.DateField(null=True)
    address = fields.CharField(max_length=300, null=True)
    postcode = fields.CharField(max_length=8, null=True)
    phone = fields.CharField(max_length=40, null=True)
    contact_preference = fields.CharEnumField(
        ContactPreference, max_length=16, default=ContactPreference.EMAIL
    )
    budget_manager = fields.CharEnumField(
        BudgetManager, max_length=16, default=BudgetManager.PERSON
    )
    manager: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    self_funder = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "person_profile"
