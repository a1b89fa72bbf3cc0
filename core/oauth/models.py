"""An API client is a partner system a council admin allowed in, with scopes."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class ApiClient(Model):
    id = fields.UUIDField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=120)
    client_id = fields.CharField(max_length=64, unique=True)
    secret_hash = fields.CharField(max_length=128)
    scopes: Any = fields.JSONField(default=list)
    created_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    # Set for a provider's own system: it acts for that provider's stores in this council
    # (pulls their orders, pushes deliveries) and for nobody else.
    provider: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Provider", related_name=False, null=True, on_delete=fields.CASCADE
    )

    class Meta:
        table = "api_client"
        ordering = ["name"]
