"""Council staff read and filter their own council's audit log; admins export it as CSV."""

from __future__ import annotations

import csv
import io
import re

from core.audit.actions import AuditAction
from core.audit.models import AuditEvent
from tests.factories import make_tenant
from tests.support.audit import record_events
from tests.support.members import SAME_ORIGIN, make_member, signed_in_client


def event_rows(page: str) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row" id="event-\d+">(.*?)</tr>', page, re.S)


async def staff_client(client_for, tenant, role: str):
    member = await make_member(tenant, [role], email=f"{role}@{tenant.slug}.example")
    return await signed_in_client(client_for(tenant), member)


async def test_admin_sees_only_their_councils_events_newest_first(app, client_for):
    riverbend, moorfield = await make_tenant("riverbend"), await make_tenant("moorfield")
    await record_events(riverbend, 1, AuditAction.BARRED, target_label="Barry Barred")
    await record_events(moorfield, 1, AuditAction.BARRED, target_label="Moorfield Secret")
    admin = await staff_client(client_for, riverbend, "council_admin")

    page = await admin.get("/council/audit")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1 and "Audit log" in page.text
    rows = event_rows(page.text)
    assert "Signed in" in rows[0] and "council_admin@riverbend.example" in rows[0]
    assert "Account barred" in rows[1] and "Barry Barred" in rows[1] and "198.51.100.7" in rows[1]
    assert "Moorfield Secret" not in page.text


async def test_filters_narrow_the_events(app, client_for):
    council = await make_tenant("riverbend")
    await record_events(council, 2, AuditAction.ROLE_CHANGED, actor_label="Ada <ada@example.org>")
    await record_events(council, 1, AuditAction.SIGN_IN_FAILED, target_label="eve@example.org")
    admin = await staff_client(client_for, council, "council_admin")

    by_action = await admin.get("/council/audit", params={"action": "role_changed"})
    assert len(event_rows(by_action.text)) == 2
    assert '<option value="role_changed" selected>' in by_action.text
    by_actor = await admin.get("/council/audit", params={"actor": "ADA@"})
    assert len(event_rows(by_actor.text)) == 2
    by_target = await admin.get("/council/audit", params={"target": "eve@"})
    assert len(event_rows(by_target.text)) == 1
    by_words = await admin.get("/council/audit", params={"q": "failed sign"})
    assert len(event_rows(by_words.text)) == 1
    nothing = await admin.get("/council/audit", params={"q": "100%"})
    assert "No events match these filters." in nothing.text

    today = {"from-day": "1", "from-month": "1", "from-year": "2000"}
    assert len(event_rows((await admin.get("/council/audit", params=today)).text)) == 4
    future = {"from-day": "1", "from-month": "1", "from-year": "2999"}
    assert event_rows((await admin.get("/council/audit", params=future)).text) == []


async def test_bad_filters_are_shown_as_errors(app, client_for):
    council = await make_tenant("riverbend")
    admin = await staff_client(client_for, council, "council_admin")
    page = await admin.get(
        "/council/audit",
        params={"action": "nonsense", "to-day": "31", "to-month": "2", "to-year": "2026"},
    )
    assert page.status_code == 400
    assert "There is a problem" in page.text
    assert '<a href="#action">Choose an action from the list</a>' in page.text
    assert '<a href="#to">Date to must be a real date' in page.text
    assert event_rows(page.text) == []


async def test_pages_follow_with_next_and_previous_links(app, client_for):
    council = await make_tenant("riverbend")
    await record_events(council, 60, AuditAction.ROLE_CHANGED)
    admin = await staff_client(client_for, council, "council_admin")

    first = await admin.get("/council/audit", params={"action": "role_changed"})
    assert len(event_rows(first.text)) == 50 and "Previous page" not in first.text
    next_href = re.search(r'href="([^"]+)" rel="next"', first.text)[1].replace("&amp;", "&")
    assert "action=role_changed" in next_href

    second = await admin.get(next_href)
    rows = event_rows(second.text)
    assert len(rows) == 10 and "Next page" not in second.text
    previous = re.search(r'href="([^"]+)" rel="prev"', second.text)[1].replace("&amp;", "&")
    back = await admin.get(previous)
    assert event_rows(back.text) == event_rows(first.text)
    mangled = await admin.get("/council/audit", params={"cursor": "not-ours"})
    assert mangled.status_code == 200 and len(event_rows(mangled.text)) == 50


async def test_officer_can_view_but_export_is_refused_and_audited(app, client_for):
    council = await make_tenant("riverbend")
    officer = await staff_client(client_for, council, "council_officer")
    page = await officer.get("/council/audit")
    assert page.status_code == 200 and "Download as CSV" not in page.text

    refused = await officer.post(
        "/council/audit/export", data={"action": "sign_in"}, headers=SAME_ORIGIN
    )
    assert refused.status_code == 403 and "You cannot do that" in refused.text
    refusal = await AuditEvent.get(chain=council.id, action=AuditAction.PERMISSION_REFUSED)
    assert refusal.target_id == "audit:export" and "council_officer@" in refusal.actor_label
    assert not await AuditEvent.filter(action=AuditAction.DATA_EXPORTED).exists()


async def test_people_without_audit_access_are_refused_and_visitors_sent_to_sign_in(
    app, client_for
):
    council = await make_tenant("riverbend")
    visitor = await client_for(council).get("/council/audit")
    assert visitor.status_code == 303 and visitor.headers["location"].startswith("/sign-in")
    person = await staff_client(client_for, council, "person")
    assert (await person.get("/council/audit")).status_code == 403


async def test_admin_exports_csv_with_formulas_neutralised_and_the_export_audited(app, client_for):
    council, other = await make_tenant("riverbend"), await make_tenant("moorfield")
    await record_events(council, 2, AuditAction.ROLE_CHANGED, target_label="=HYPERLINK(1)")
    await record_events(council, 1, AuditAction.BARRED, actor_label="@SUM(A1)")
    await record_events(other, 1, AuditAction.ROLE_CHANGED, target_label="Other council")
    admin = await staff_client(client_for, council, "council_admin")
    page = await admin.get("/council/audit", params={"action": "role_changed"})
    assert '<input type="hidden" name="action" value="role_changed">' in page.text

    export = await admin.post(
        "/council/audit/export", data={"action": "role_changed"}, headers=SAME_ORIGIN
    )
    assert export.status_code == 200
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="audit-log-riverbend-\d{4}-\d{2}-\d{2}\.csv"',
        export.headers["content-disposition"],
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert {row["Target"] for row in rows} == {"'=HYPERLINK(1)"}
    assert rows[0]["Action"] == "Roles changed" and rows[0]["Event number"] == "2"

    everything = await admin.post("/council/audit/export", data={}, headers=SAME_ORIGIN)
    text = everything.content.decode("utf-8-sig")
    assert "'@SUM(A1)" in text and "Other council" not in text

    exported = await AuditEvent.filter(chain=council.id, action=AuditAction.DATA_EXPORTED).order_by(
        "sequence"
    )
    assert [e.details for e in exported] == [
        {"format": "csv", "filters": {"action": "role_changed"}, "rows": 2},
        {"format": "csv", "filters": {}, "rows": 5},  # 3 recorded, sign-in, first export
    ]
    assert "council_admin@riverbend.example" in exported[0].actor_label
    shown = await admin.get("/council/audit", params={"action": "data_exported"})
    assert len(event_rows(shown.text)) == 2
