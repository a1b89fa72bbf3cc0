"""Exporting a council's audit events as CSV. Exporting is itself audited.

The export is fixed at the council's newest event when it starts, so the row
count written to the audit log is exactly the number of rows sent, however
many events arrive while it streams.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC

from core.audit.actions import AuditAction
from core.audit.display import action_label, uk_time
from core.audit.models import AuditEvent
from core.audit.queries import AuditFilters, each_event, filtered, newest_sequence
from core.audit.services import record
from core.clock import uk_today
from core.identity.actor import Actor
from core.identity.permissions import require_council
from core.identity.roles import Permission

COLUMNS = (
    "Event number",
    "When (UK time)",
    "When (UTC)",
    "Action",
    "Action code",
    "Who",
    "Who (user id)",
    "Target type",
    "Target id",
    "Target",
    "IP address",
    "Details",
    "Hash",
)

# A cell starting with one of these is run as a formula by Excel, LibreOffice and
# Google Sheets (OWASP "CSV injection"); tab and carriage return open the same door.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Prefix an apostrophe so a spreadsheet shows the text instead of running it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_cells(event: AuditEvent) -> list[str]:
    cells = [
        str(event.sequence),
        uk_time(event.occurred_at).isoformat(),
        event.occurred_at.astimezone(UTC).isoformat(),
        action_label(event.action),
        event.action,
        event.actor_label,
        str(event.actor_user_id or ""),
        event.target_type or "",
        event.target_id or "",
        event.target_label or "",
        event.ip or "",
        json.dumps(event.details, ensure_ascii=False, sort_keys=True) if event.details else "",
        event.hash,
    ]
    return [spreadsheet_safe(cell) for cell in cells]


def _line(cells: list[str] | tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


@dataclass(frozen=True)
class AuditExport:
    """An export that has been allowed and audited; ``lines()`` produces the file."""

    tenant_id: int
    filters: AuditFilters
    up_to: int
    rows: int
    filename: str

    async def lines(self) -> AsyncIterator[str]:
        # The byte order mark makes Excel read the file as UTF-8 (names with accents).
        yield "\ufeff" + _line(COLUMNS)
        async for event in each_event(self.tenant_id, self.filters, up_to=self.up_to):
            yield _line(csv_cells(event))


async def start_export(actor: Actor, filters: AuditFilters) -> AuditExport:
    """Check the actor may export, fix the export's extent and audit it.

    Raises PermissionDenied (audited as a refusal) without EXPORT_AUDIT.
    """
    await require_council(actor, Permission.EXPORT_AUDIT)
    assert actor.tenant is not None  # require_council needs a membership of this council
    tenant_id = actor.tenant.id
    up_to = await newest_sequence(tenant_id)
    rows = await filtered(tenant_id, filters).filter(sequence__lte=up_to).count()
    await record(
        tenant_id,
        AuditAction.DATA_EXPORTED,
        actor,
        target_type="audit_log",
        target_label="Audit log",
        details={"format": "csv", "filters": filters.as_params(), "rows": rows},
    )
    filename = f"audit-log-{actor.tenant.slug}-{uk_today().isoformat()}.csv"
    return AuditExport(tenant_id, filters, up_to, rows, filename)
