"""Appending to the audit log. Rows are only ever inserted; see chain.py for the hashing."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.chain import GENESIS, event_hash
from core.audit.models import AuditChainHead, AuditEvent
from core.clock import utcnow

logger = logging.getLogger(__name__)

PLATFORM_CHAIN = 0


class Auditable(Protocol):
    """Who did it: a signed-in person, an API client or the system."""

    @property
    def audit_user_id(self) -> UUID | None: ...

    @property
    def audit_label(self) -> str: ...

    @property
    def audit_ip(self) -> str | None: ...


@dataclass(frozen=True)
class SystemActor:
    """Work done by Carepurse itself (a scheduled job, an operator's command)."""

    audit_label: str = "Carepurse (system)"
    audit_user_id: UUID | None = None
    audit_ip: str | None = None


SYSTEM = SystemActor()


async def _head(chain: int) -> AuditChainHead:
    head = await AuditChainHead.filter(chain=chain).select_for_update().first()
    if head is not None:
        return head
    try:
        async with in_transaction():
            await AuditChainHead.create(chain=chain, sequence=0, last_hash=GENESIS)
    except IntegrityError:
        pass  # another writer created it first
    return await AuditChainHead.filter(chain=chain).select_for_update().get()


def _json_number(text: str) -> float | int:
    # PostgreSQL's jsonb hands 1e+20 back as 100000000000000000000: keep whole numbers as ints.
    value = float(text)
    return int(value) if value.is_integer() else value


def plain_details(details: dict[str, Any] | None) -> dict[str, Any]:
    """``details`` as the JSON the database will hand back, so the hash survives a round trip.

    Without this a UUID, date or tuple would be hashed one way (``str``) and
    stored another (the JSON encoder's way, or not at all), a whole-number
    float would come back from jsonb as an int, and NaN would be refused.
    """
    plain: dict[str, Any] = json.loads(
        json.dumps(details or {}, default=str),
        parse_float=_json_number,
        parse_constant=str,
    )
    return plain


async def record(
    tenant_id: int | None,
    action: AuditAction,
    actor: Auditable,
    *,
    target_type: str | None = None,
    target_id: object | None = None,
    target_label: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the tenant's chain (or the platform's), atomically."""
    chain = tenant_id if tenant_id is not None else PLATFORM_CHAIN
    async with in_transaction():
        head = await _head(chain)
        values: dict[str, Any] = {
            "chain": chain,
            "sequence": head.sequence + 1,
            "tenant_id": tenant_id,
            "occurred_at": utcnow().replace(microsecond=0),
            "actor_user_id": actor.audit_user_id,
            "actor_label": actor.audit_label[:300],
            "action": action.value,
            "target_type": target_type,
            "target_id": str(target_id) if target_id is not None else None,
            "target_label": target_label[:300] if target_label else None,
            "ip": actor.audit_ip,
            "details": plain_details(details),
        }
        digest = event_hash(head.last_hash, values)
        event = await AuditEvent.create(**values, previous_hash=head.last_hash, hash=digest)
        await AuditChainHead.filter(chain=chain).update(
            sequence=values["sequence"], last_hash=digest
        )
    logger.info("audit %s %s by %s", tenant_id, action.value, actor.audit_label)
    return event
