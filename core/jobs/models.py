"""Record of background job runs, used to make every actor idempotent."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class JobStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobRun(Model):
    """One run of a periodic job for one tenant and period (e.g. a day)."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    job_name = fields.CharField(max_length=100)
    period_key = fields.CharField(max_length=40)
    status = fields.CharEnumField(JobStatus, max_length=16, default=JobStatus.RUNNING)
    attempts = fields.IntField(default=1)
    summary: Any = fields.JSONField(default=dict)
    error = fields.TextField(null=True)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "job_run"
        unique_together = (("tenant", "job_name", "period_key"),)
        ordering = ["-started_at"]
