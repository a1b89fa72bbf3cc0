"""Ledger tables. Entries and lines are only ever inserted; balances derive from lines.

Amounts are signed integer pence: a positive line is a debit. Money a budget
can spend sits on asset-like accounts (available, held, spent: never below
zero); where it came from sits on a funding account (never above zero).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class AccountKind(StrEnum):
    FUNDING = "funding"  # the funder's side: credited when money is allocated
    AVAILABLE = "available"  # received and free to commit
    HELD = "held"  # committed to a booked service, not yet paid
    SPENT = "spent"  # paid out for delivered services


ASSET_KINDS = frozenset({AccountKind.AVAILABLE, AccountKind.HELD, AccountKind.SPENT})


class EntryKind(StrEnum):
    FUNDING = "funding"
    TOP_UP = "top_up"
    HOLD = "hold"
    POST = "post"
    VOID = "void"
    INCREASE = "increase"
    REDUCTION = "reduction"


class HoldStatus(StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    VOIDED = "voided"


class LedgerAccount(Model):
    """One of the four accounts of a funding stream. ``balance_pence`` is a cache of the
    sum of its lines, changed only by conditional updates and checked by ``ledger verify``.
    The database refuses an asset account below zero (CHECK on PostgreSQL, trigger on SQLite).
    """

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    stream: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.FundingStream", related_name="accounts", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(AccountKind, max_length=16)
    balance_pence = fields.BigIntField(default=0)
    currency = fields.CharField(max_length=3, default="GBP")

    class Meta:
        table = "ledger_account"
        unique_together = (("stream", "kind"),)


class JournalEntry(Model):
    """A balanced movement of money. Corrections are new entries, never edits."""

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    budget: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Budget", related_name="entries", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(EntryKind, max_length=16)
    description = fields.CharField(max_length=300)
    effective_on = fields.DateField()
    idempotency_key = fields.CharField(max_length=200, null=True)
    hold: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Hold", related_name="entries", null=True, on_delete=fields.RESTRICT
    )
    actor_label = fields.CharField(max_length=300)
    created_at = fields.DatetimeField(auto_now_add=True)

    lines: fields.ReverseRelation[JournalLine]

    class Meta:
        table = "journal_entry"
        unique_together = (("tenant_id", "idempotency_key"),)


class JournalLine(Model):
    id = fields.BigIntField(primary_key=True)
    entry: fields.ForeignKeyRelation[JournalEntry] = fields.ForeignKeyField(
        "carepurse.JournalEntry", related_name="lines", on_delete=fields.RESTRICT
    )
    account: fields.ForeignKeyRelation[LedgerAccount] = fields.ForeignKeyField(
        "carepurse.LedgerAccount", related_name="lines", on_delete=fields.RESTRICT
    )
    amount_pence = fields.BigIntField()

    class Meta:
        table = "journal_line"


class Hold(Model):
    """Money committed to a service: pending until an approved invoice posts it
    (spent) or a cancellation voids it (back to available)."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    budget: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Budget", related_name="holds", on_delete=fields.RESTRICT
    )
    stream: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.FundingStream", related_name="holds", on_delete=fields.RESTRICT
    )
    amount_pence = fields.BigIntField()
    posted_pence = fields.BigIntField(default=0)
    category = fields.CharField(max_length=60)
    description = fields.CharField(max_length=300)
    reference = fields.CharField(max_length=200, null=True)
    status = fields.CharEnumField(HoldStatus, max_length=16, default=HoldStatus.PENDING)
    created_at = fields.DatetimeField(auto_now_add=True)
    settled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "ledger_hold"
