"""A provider's application to be accredited by one council, its evidence and decisions."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class AccreditationStatus(StrEnum):
    APPLIED = "applied"
    MORE_INFO = "more_info"
    ACCREDITED = "accredited"
    REFUSED = "refused"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"


class Accreditation(Model):
    id = fields.UUIDField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.RESTRICT
    )
    provider: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Provider", related_name="accreditations", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(
        AccreditationStatus, max_length=16, default=AccreditationStatus.APPLIED
    )
    expires_on = fields.DateField(null=True)
    reason = fields.TextField(null=True)
    decided_by = fields.CharField(max_length=300, null=True)
    decided_at = fields.DatetimeField(null=True)
    expiry_warned_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "accreditation"
        unique_together = (("tenant", "provider"),)


class EvidenceKind(StrEnum):
    DOCUMENT = "document"
    CQC = "cqc"
    DBS = "dbs"
    INSURANCE = "insurance"
    OTHER_REGISTRATION = "other_registration"


class Evidence(Model):
    """An uploaded document (stored under the council's private files) or a declared
    registration (a CQC location id, a DBS certificate, insurance and its expiry)."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    accreditation: fields.ForeignKeyRelation[Accreditation] = fields.ForeignKeyField(
        "carepurse.Accreditation", related_name="evidence", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(EvidenceKind, max_length=24)
    title = fields.CharField(max_length=200)
    reference = fields.CharField(max_length=200, null=True)
    expires_on = fields.DateField(null=True)
    storage_key = fields.CharField(max_length=300, null=True)
    content_type = fields.CharField(max_length=100, null=True)
    size_bytes = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "accreditation_evidence"


class Decision(Model):
    """The history of an accreditation: every step, who took it and why."""

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    accreditation: fields.ForeignKeyRelation[Accreditation] = fields.ForeignKeyField(
        "carepurse.Accreditation", related_name="decisions", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(AccreditationStatus, max_length=16)
    reason = fields.TextField(null=True)
    expires_on = fields.DateField(null=True)
    actor_label = fields.CharField(max_length=300)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "accreditation_decision"
