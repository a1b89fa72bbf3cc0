"""The four ledger accounts of every funding stream."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.ledger.models import AccountKind, LedgerAccount


async def open_accounts(tenant_id: int, stream_id: Any) -> dict[AccountKind, LedgerAccount]:
    accounts = {}
    for kind in AccountKind:
        accounts[kind] = await LedgerAccount.create(
            tenant_id=tenant_id, stream_id=stream_id, kind=kind
        )
    return accounts


async def accounts_for(stream_ids: Iterable[Any]) -> dict[Any, dict[AccountKind, LedgerAccount]]:
    """``{stream id: {kind: account}}`` in one query."""
    found: dict[Any, dict[AccountKind, LedgerAccount]] = {}
    for account in await LedgerAccount.filter(stream_id__in=list(stream_ids)):
        found.setdefault(account.stream_id, {})[account.kind] = account
    return found
