"""Audit log test helpers: events to look at, and tampering as someone with database access."""

from __future__ import annotations

from tortoise import connections
from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.models import AuditEvent
from core.audit.services import SystemActor, record
from tenants.models import Tenant


async def record_events(
    tenant: Tenant | None,
    count: int,
    action: AuditAction = AuditAction.SIGN_IN,
    *,
    actor_label: str = "Test Person <test@example.org>",
    ip: str | None = "198.51.100.7",
    target_label: str | None = None,
) -> list[AuditEvent]:
    """``count`` events in the council's chain (the platform's for ``None``), one at a time."""
    actor = SystemActor(audit_label=actor_label, audit_ip=ip)
    tenant_id = tenant.id if tenant else None
    return [
        await record(tenant_id, action, actor, target_type="user", target_label=target_label)
        for _ in range(count)
    ]


async def behind_the_applications_back(sql: str) -> None:
    """Run ``sql`` as the database's owner could, outside Carepurse.

    On PostgreSQL the append-only trigger is bypassed for this transaction only
    (``SET LOCAL session_replication_role = replica`` needs a superuser), as an
    attacker with superuser access would; SQLite has no trigger to bypass.
    """
    connection = connections.get("default")
    if connection.capabilities.dialect == "sqlite":
        await connection.execute_script(sql)
        return
    async with in_transaction() as transaction:
        await transaction.execute_script("SET LOCAL session_replication_role = replica")
        await transaction.execute_script(sql)


def on_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"
