"""Crediting scheduled funding. Safe to run any number of times: each instalment once."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.budgets.models import BudgetStatus, FundingInstalment
from core.clock import utcnow
from core.ledger.accounts import accounts_for
from core.ledger.models import AccountKind, EntryKind
from core.ledger.posting import Leg, record_entry

logger = logging.getLogger(__name__)
SYSTEM_LABEL = "Carepurse (scheduled funding)"


async def credit_due_instalments(tenant_id: int, today: date, *, budget_id: Any = None) -> int:
    """Credit every instalment due on or before ``today`` not yet credited; returns how many."""
    query = FundingInstalment.filter(
        tenant_id=tenant_id,
        due_on__lte=today,
        credited_at__isnull=True,
        cancelled_at__isnull=True,
        stream__budget__status=BudgetStatus.ACTIVE,
    )
    if budget_id is not None:
        query = query.filter(stream__budget_id=budget_id)
    credited = 0
    for instalment in await query.prefetch_related("stream").order_by("due_on", "id"):
        if await _credit(instalment):
            credited += 1
    return credited


async def _credit(instalment: FundingInstalment) -> bool:
    stream = instalment.stream
    accounts = (await accounts_for([stream.id]))[stream.id]
    try:
        async with in_transaction():
            claimed = await FundingInstalment.filter(
                id=instalment.id, credited_at__isnull=True, cancelled_at__isnull=True
            ).update(credited_at=utcnow())
            if not claimed:
                return False
            await record_entry(
                tenant_id=instalment.tenant_id,
                budget_id=stream.budget_id,
                kind=EntryKind.FUNDING,
                description=f"{stream.name} payment",
                effective_on=instalment.due_on,
                legs=[
                    Leg(accounts[AccountKind.AVAILABLE], instalment.amount_pence),
                    Leg(accounts[AccountKind.FUNDING], -instalment.amount_pence),
                ],
                actor_label=SYSTEM_LABEL,
                idempotency_key=f"instalment:{instalment.id}",
            )
    except IntegrityError:
        logger.info("instalment %s was credited by another run", instalment.id)
        return False
    return True
