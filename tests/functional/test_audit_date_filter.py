"""The audit log's date filter counts UK calendar days on every database: an event at
00:30 on 1 July (British Summer Time, 23:30 UTC the day before) belongs to 1 July."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.audit import services as audit_services
from core.audit.actions import AuditAction
from core.audit.queries import AuditFilters, filtered
from core.audit.services import SYSTEM, record
from tests.factories import make_tenant


async def test_an_event_just_after_uk_midnight_in_summer_is_on_the_uk_day(app, monkeypatch):
    tenant = await make_tenant("summertime")
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 July
    monkeypatch.setattr(audit_services, "utcnow", lambda: moment)
    event = await record(tenant.id, AuditAction.ROLE_CHANGED, SYSTEM)

    def ids(**days: date) -> list[int]:
        return filtered(tenant.id, AuditFilters(**days)).values_list("id", flat=True)

    assert await ids(date_from=date(2026, 7, 1), date_to=date(2026, 7, 1)) == [event.id]
    assert await ids(date_to=date(2026, 6, 30)) == []
    assert await ids(date_from=date(2026, 7, 2)) == []
