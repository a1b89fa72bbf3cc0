"""A person's budget for a period, made of funding streams that arrive on schedules."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class BudgetStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class Schedule(StrEnum):
    ONE_OFF = "one_off"
    WEEKLY = "weekly"
    FOUR_WEEKLY = "four_weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class Budget(Model):
    id = fields.UUIDField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.RESTRICT
    )
    person: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name="budgets", on_delete=fields.RESTRICT
    )
    period_start = fields.DateField()
    period_end = fields.DateField()
    status = fields.CharEnumField(BudgetStatus, max_length=16, default=BudgetStatus.ACTIVE)
    ended_on = fields.DateField(null=True)
    created_by = fields.CharField(max_length=300)
    created_at = fields.DatetimeField(auto_now_add=True)

    streams: fields.ReverseRelation[FundingStream]

    class Meta:
        table = "budget"


class FundingStream(Model):
    """One source of money in a budget, e.g. a 4-weekly direct payment or NHS funding."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    budget: fields.ForeignKeyRelation[Budget] = fields.ForeignKeyField(
        "carepurse.Budget", related_name="streams", on_delete=fields.RESTRICT
    )
    funding_type = fields.CharField(max_length=60)
    name = fields.CharField(max_length=120)
    instalment_pence = fields.BigIntField()
    currency = fields.CharField(max_length=3, default="GBP")
    schedule = fields.CharEnumField(Schedule, max_length=16)
    first_payment_on = fields.DateField()
    allowed_categories: Any = fields.JSONField(null=True)
    top_ups_allowed = fields.BooleanField(default=False)
    position = fields.IntField(default=0)
    ends_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "funding_stream"
        ordering = ["position", "created_at"]


class FundingInstalment(Model):
    """One scheduled payment into a stream. Unique per stream and day: never credited twice."""

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    stream: fields.ForeignKeyRelation[FundingStream] = fields.ForeignKeyField(
        "carepurse.FundingStream", related_name="instalments", on_delete=fields.RESTRICT
    )
    due_on = fields.DateField()
    amount_pence = fields.BigIntField()
    credited_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "funding_instalment"
        unique_together = (("stream", "due_on"),)
        ordering = ["due_on"]


class RecurringCommitment(Model):
    """Planned regular spending (e.g. weekly home care), used to forecast the budget."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    budget: fields.ForeignKeyRelation[Budget] = fields.ForeignKeyField(
        "carepurse.Budget", related_name="commitments", on_delete=fields.RESTRICT
    )
    description = fields.CharField(max_length=200)
    amount_pence = fields.BigIntField()
    schedule = fields.CharEnumField(Schedule, max_length=16)
    starts_on = fields.DateField()
    ends_on = fields.DateField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "recurring_commitment"


class FundingTypeDefinition(Model):
    """A funding type a council defines beyond the standard ones."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=60)
    label = fields.CharField(max_length=120)
    allowed_categories: Any = fields.JSONField(null=True)

    class Meta:
        table = "funding_type"
        unique_together = (("tenant", "code"),)


class ExceptionKind(StrEnum):
    OVERSPEND = "overspend"
    UNDERSPEND = "underspend"


class BudgetException(Model):
    """A budget forecast to overspend or underspend beyond the council's thresholds."""

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    budget: fields.ForeignKeyRelation[Budget] = fields.ForeignKeyField(
        "carepurse.Budget", related_name="exceptions", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(ExceptionKind, max_length=16)
    detected_on = fields.DateField()
    detail = fields.CharField(max_length=300)
    amount_pence = fields.BigIntField()
    runs_out_on = fields.DateField(null=True)
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "budget_exception"
        unique_together = (("budget", "kind", "detected_on"),)
