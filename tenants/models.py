"""A council is a tenant: an isolated slice of Carepurse with its own plugins."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Tenant(Model):
    """One council. ``plugins`` is an ordered list of ``{name, config, secrets}``.

    ``config_version`` is bumped on every save that changes what a request sees,
    so cached plugin managers and stylesheets are rebuilt without a restart.
    """

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=63, unique=True)
    name = fields.CharField(max_length=200)
    status = fields.CharEnumField(TenantStatus, max_length=16, default=TenantStatus.ACTIVE)
    suspended_reason = fields.TextField(null=True)
    plugins: Any = fields.JSONField(default=list)
    config_version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    domains: fields.ReverseRelation[TenantDomain]

    class Meta:
        table = "tenant"
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    @property
    def is_active(self) -> bool:
        return self.status == TenantStatus.ACTIVE


class TenantDomain(Model):
    """A council's own host name (``care.riverbend.gov.uk``), besides ``<slug>.<base>``."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name="domains", on_delete=fields.CASCADE
    )
    domain = fields.CharField(max_length=253, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tenant_domain"
        ordering = ["domain"]
