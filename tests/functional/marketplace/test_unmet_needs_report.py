"""The council's unmet-needs report: grouped and listed for a UK date range, on the console
page, as a CSV download (formula cells defused) and at ``/api/v1/unmet-needs``; officers
only (``market:manage`` or the ``market:read`` scope); another council's needs never.
Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from uuid import uuid4

import pytest

from core.api.scopes import SCOPES
from core.api.v1 import openapi_document
from core.audit.models import AuditEvent
from core.clock import uk_today, utcnow
from core.errors import InvalidInput
from core.identity.actor import Actor
from core.identity.permissions import PermissionDenied, SignInRequired
from core.marketplace.models import ServiceCategory, UnmetNeed
from core.marketplace.needs import (
    Cursor,
    NeedsRange,
    export_unmet_needs,
    needs_range,
    normalise_words,
    parse_query,
    unmet_needs_report,
    year_before,
)
from tests.factories import make_tenant
from tests.functional.marketplace.test_search_queries import counting_queries
from tests.support.api import bearer_headers
from tests.support.members import make_member, signed_in_client

JUNE = NeedsRange(date(2025, 6, 1), date(2025, 6, 30))
WRITE_ONLY = frozenset({"catalogue:read", "catalogue:write"})
MARKET_READ = frozenset({"market:read"})


def at(text: str) -> datetime:
    """A UTC moment: ``at("2025-06-10 09:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def need(tenant, when: datetime, words: str = "", **fields) -> UnmetNeed:
    return await UnmetNeed.create(tenant_id=tenant.id, created_at=when, words=words, **fields)


def officer_actor(tenant, officer) -> Actor:
    return Actor(tenant=tenant, user=officer.user, membership=officer)


def listed(html: str) -> list[str]:
    """The "Searched for" cell of each row in the page's list of needs."""
    table = html.split('id="need-list"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr class="govuk-table__row" id="need-\d+">(.*?)</tr>', table, re.S)
    return [unescape(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1]) for row in rows]


def words_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def officer_client(client_for, tenant, roles=("council_officer",)):
    member = await make_member(tenant, list(roles))
    return await signed_in_client(client_for(tenant), member)


async def june_needs(tenant, person) -> None:
    """Three needs for horse riding in HA1 (written three ways, one by a signed-in person),
    one elsewhere, one with only a kind of service, and two just outside June (UK time)."""
    await ServiceCategory.create(
        tenant=tenant, code="hippotherapy", label="Hippotherapy", parent_code="therapy"
    )
    await need(tenant, at("2025-06-02 10:00"), "Horse riding", district="HA1")
    await need(
        tenant,
        at("2025-06-20 15:30"),
        "horse-riding!!",
        district="HA1",
        membership=person,
        details="Saturdays, with a hoist",
    )
    await need(tenant, at("2025-06-11 08:00"), "  HORSE   riding ", district="HA1")
    await need(tenant, at("2025-06-12 12:00"), "horse riding", district="HA2")
    await need(tenant, at("2025-06-15 12:00"), category="hippotherapy", details="For my son")
    # 31 May 23:30 UTC is 1 June 00:30 in London (BST): inside. 30 June 23:30 UTC is 1 July.
    await need(tenant, at("2025-05-31 23:30"), "canoeing", district="HA3")
    await need(tenant, at("2025-06-30 23:30"), "too late")
    await need(tenant, at("2025-05-31 22:59"), "too early")


# --- dates, words and the query -----------------------------------------------------------


def test_words_are_grouped_by_their_letters_and_digits_in_lower_case():
    assert normalise_words("  Horse-riding!! ") == "horse riding"
    assert normalise_words("HORSE   riding") == "horse riding"
    assert normalise_words("24/7 care_home") == "24 7 care home"
    assert normalise_words("") == ""


def test_the_default_range_is_the_twelve_months_up_to_today_in_the_uk():
    assert year_before(date(2026, 5, 10)) == date(2025, 5, 11)
    assert year_before(date(2028, 2, 29)) == date(2027, 3, 1)
    today = date(2026, 5, 10)
    assert needs_range(today=today) == NeedsRange(date(2025, 5, 11), today)
    assert needs_range(None, date(2026, 1, 31), today=today).date_from == date(2025, 2, 1)
    assert needs_range(date(2026, 1, 1), today=today).date_to == today
    assert needs_range(date(2027, 1, 1), today=today) == NeedsRange(
        date(2027, 1, 1), date(2027, 1, 1)
    )
    # The calendar's very ends are no trouble.
    assert needs_range(None, date(1, 6, 1)).date_from == date.min
    assert needs_range(None, date.max).ends_before.year == date.max.year
    with pytest.raises(InvalidInput) as refused:
        needs_range(date(2026, 2, 1), date(2026, 1, 1))
    assert refused.value.problems[0].field == "to"
    # A range's ends are UK midnights: BST in summer, GMT in winter.
    assert JUNE.starts_at.astimezone(UTC) == at("2025-05-31 23:00")
    assert NeedsRange(date(2025, 1, 1), date(2025, 1, 31)).ends_before.astimezone(UTC) == at(
        "2025-02-01 00:00"
    )


def test_api_queries_are_checked_parameter_by_parameter():
    query = parse_query({"from": "2025-06-01", "to": "2025-06-30", "limit": "10"})
    assert (query.range, query.limit, query.cursor) == (JUNE, 10, None)
    assert parse_query({}, today=date(2026, 5, 10)).range.date_from == date(2025, 5, 11)
    cursor = Cursor("older", at("2025-06-01 10:00:00.123456"), 42)
    assert parse_query({"cursor": cursor.encode()}).cursor == cursor
    with pytest.raises(InvalidInput) as refused:
        parse_query({"from": "2025-02-30", "to": "soon", "limit": "0", "cursor": "abc"})
    assert {p.field for p in refused.value.problems} == {"from", "to", "limit", "cursor"}
    with pytest.raises(InvalidInput) as refused:
        parse_query({"from": "2025-06-30", "to": "2025-06-01", "limit": "101"})
    assert {p.field for p in refused.value.problems} == {"to", "limit"}


# --- the service --------------------------------------------------------------------------


async def test_needs_are_grouped_and_listed_newest_first_for_the_uk_days_asked(app):
    tenant, other = await make_tenant(), await make_tenant()
    person = await make_member(tenant, ["person"], name="Priya Private")
    officer = await make_member(tenant, ["council_officer"])
    await june_needs(tenant, person)
    await need(other, at("2025-06-10 10:00"), "horse riding", district="HA1")

    with counting_queries() as statements:
        report = await unmet_needs_report(officer_actor(tenant, officer), JUNE)
    # The summary, one page of entries and the council's kinds of service: no more.
    assert len(statements) == 3, statements
    assert report.total == 6
    # Most asked for first, then the most recent.
    assert [(g.words, g.district, g.count, g.latest) for g in report.groups] == [
        ("horse riding", "HA1", 3, date(2025, 6, 20)),
        ("", None, 1, date(2025, 6, 15)),
        ("horse riding", "HA2", 1, date(2025, 6, 12)),
        ("canoeing", "HA3", 1, date(2025, 6, 1)),
    ]
    assert [e.words for e in report.entries] == [
        "horse-riding!!",
        "",
        "horse riding",
        "  HORSE   riding ",
        "Horse riding",
        "canoeing",
    ]
    by_words = {e.words: e for e in report.entries}
    signed = by_words["horse-riding!!"]
    assert signed.signed_in and signed.details == "Saturdays, with a hoist"
    assert not by_words["canoeing"].signed_in
    assert by_words["canoeing"].recorded_on == date(2025, 6, 1)
    assert by_words[""].category_label == "Hippotherapy"
    assert not hasattr(signed, "membership") and not hasattr(signed, "membership_id")
    assert report.next_cursor is None and report.previous_cursor is None


async def test_entries_come_a_page_at_a_time_both_ways(app):
    tenant = await make_tenant()
    officer = officer_actor(tenant, await make_member(tenant, ["council_officer"]))
    made = [
        await need(tenant, at(f"2025-06-{day:02d} 12:00"), f"need {day}") for day in range(1, 8)
    ]
    first = await unmet_needs_report(officer, JUNE, limit=3)
    assert [e.words for e in first.entries] == ["need 7", "need 6", "need 5"]
    assert first.previous_cursor is None and first.next_cursor is not None
    second = await unmet_needs_report(
        officer, JUNE, cursor=Cursor.decode(first.next_cursor), limit=3
    )
    assert [e.words for e in second.entries] == ["need 4", "need 3", "need 2"]
    third = await unmet_needs_report(
        officer, JUNE, cursor=Cursor.decode(second.next_cursor), limit=3
    )
    assert [e.words for e in third.entries] == ["need 1"] and third.next_cursor is None
    back = await unmet_needs_report(
        officer, JUNE, cursor=Cursor.decode(third.previous_cursor), limit=3
    )
    assert [e.words for e in back.entries] == ["need 4", "need 3", "need 2"]
    assert back.next_cursor and back.previous_cursor
    top = await unmet_needs_report(
        officer, JUNE, cursor=Cursor.decode(back.previous_cursor), limit=3
    )
    assert [e.words for e in top.entries] == ["need 7", "need 6", "need 5"]
    assert top.previous_cursor is None
    # Needs recorded at the same moment are neither skipped nor repeated.
    same = at("2025-06-20 09:00:00.250000")
    tied = {(await need(tenant, same, f"tied {n}")).id for n in range(3)}
    seen, cursor = [], None
    while True:
        page = await unmet_needs_report(officer, JUNE, cursor=cursor, limit=1)
        seen += [e.id for e in page.entries]
        if page.next_cursor is None:
            break
        cursor = Cursor.decode(page.next_cursor)
    assert len(seen) == len(set(seen)) == 10 and tied <= set(seen)
    assert seen[:3] == sorted(tied, reverse=True)
    back = []
    while page.previous_cursor:
        page = await unmet_needs_report(
            officer, JUNE, cursor=Cursor.decode(page.previous_cursor), limit=1
        )
        back += [e.id for e in page.entries]
    assert back == list(reversed(seen[:-1]))
    # A page costs the same whatever its position.
    with counting_queries() as statements:
        await unmet_needs_report(
            officer, JUNE, cursor=Cursor("older", made[-1].created_at, made[-1].id), limit=3
        )
    assert len(statements) == 2  # no kinds of service on these needs: no labels query


async def test_only_market_officers_and_market_read_clients_may_read(app):
    tenant = await make_tenant()
    for roles in (["person"], ["provider_owner"], ["broker"]):
        member = await make_member(tenant, roles)
        with pytest.raises(PermissionDenied):
            await unmet_needs_report(Actor(tenant, member.user, member), JUNE)
        with pytest.raises(PermissionDenied):
            await export_unmet_needs(Actor(tenant, member.user, member), JUNE)
    with pytest.raises(SignInRequired):
        await unmet_needs_report(Actor(tenant), JUNE)
    writer = Actor(tenant, api_client_name="CRM", api_client_id=uuid4(), scopes=WRITE_ONLY)
    with pytest.raises(PermissionDenied):
        await unmet_needs_report(writer, JUNE)
    reader = Actor(tenant, api_client_name="CRM", api_client_id=uuid4(), scopes=MARKET_READ)
    assert (await unmet_needs_report(reader, JUNE)).total == 0
    assert await AuditEvent.filter(tenant_id=tenant.id, action="permission_refused").count() == 7


# --- the console page ---------------------------------------------------------------------


async def test_an_officer_reads_the_report_in_the_console(app, client_for):
    tenant, other = await make_tenant(), await make_tenant()
    person = await make_member(tenant, ["person"], name="Priya Private", email="priya@example.org")
    await june_needs(tenant, person)
    await need(other, at("2025-06-10 10:00"), "elsewhere riding", district="HA1")
    client = await officer_client(client_for, tenant)

    home = await client.get("/council")
    assert 'href="/council/unmet-needs"' in home.text

    page = await client.get(
        "/council/unmet-needs",
        params={
            "from-day": "1",
            "from-month": "6",
            "from-year": "2025",
            "to-day": "30",
            "to-month": "6",
            "to-year": "2025",
        },
    )
    assert page.status_code == 200
    text = words_of(page.text)
    assert "6 needs recorded from 1 June 2025 to 30 June 2025" in text
    assert "horse riding HA1 3 20 June 2025" in text
    assert "No search words Not given 1 15 June 2025" in text
    assert "Saturdays, with a hoist" in text and "Hippotherapy" in text
    assert "elsewhere" not in text and "too late" not in text and "too early" not in text
    assert "Priya" not in page.text and "priya@example.org" not in page.text
    assert 'aria-current="page"' in page.text
    assert 'href="/council/unmet-needs.csv?from-day=1&amp;from-month=6' in page.text

    # Without dates: the last 12 months, shown in the boxes.
    await need(tenant, utcnow() - timedelta(days=3), "archery", district="HA4")
    await need(tenant, utcnow() - timedelta(days=400), "ancient history")
    default = await client.get("/council/unmet-needs")
    start = year_before(uk_today())
    assert f'name="from-year" type="text" inputmode="numeric" value="{start.year}"' in default.text
    text = words_of(default.text)
    assert "archery HA4 1" in text and "1 need recorded from" in text
    assert "ancient history" not in text and "horse riding" not in text


async def test_bad_dates_are_shown_in_an_error_summary(app, client_for):
    tenant = await make_tenant()
    client = await officer_client(client_for, tenant)
    bad = await client.get(
        "/council/unmet-needs",
        params={"from-day": "31", "from-month": "2", "from-year": "2025", "to-day": "3"},
    )
    assert bad.status_code == 400
    assert "govuk-error-summary" in bad.text
    assert '<a href="#from">The start date must be a real date, like 31 3 2027</a>' in bad.text
    assert '<a href="#to">The end date must be a real date, like 31 3 2027</a>' in bad.text
    assert 'value="31"' in bad.text  # what was typed stays in the boxes
    backwards = await client.get(
        "/council/unmet-needs",
        params={
            "from-day": "2",
            "from-month": "6",
            "from-year": "2025",
            "to-day": "1",
            "to-month": "6",
            "to-year": "2025",
        },
    )
    assert backwards.status_code == 400
    assert "The end date must be the same as or after the start date" in backwards.text
    csv_bad = await client.get("/council/unmet-needs.csv", params={"to-year": "20"})
    assert csv_bad.status_code == 400 and "govuk-error-summary" in csv_bad.text


async def test_the_page_links_to_older_and_newer_entries(app, client_for):
    tenant = await make_tenant()
    for day in range(1, 29):
        await need(tenant, at(f"2025-06-{day:02d} 12:00"), f"need number {day}")
    client = await officer_client(client_for, tenant)
    dates = {"from-day": "1", "from-month": "6", "from-year": "2025", "to-day": "30",
             "to-month": "6", "to-year": "2025"}  # fmt: skip
    first = await client.get("/council/unmet-needs", params=dates)
    assert listed(first.text)[:2] == ["need number 28", "need number 27"]
    assert len(listed(first.text)) == 25 and "need number 3" not in listed(first.text)
    older = unescape(re.search(r'href="([^"]+)"[^>]*rel="next"', first.text).group(1))
    second = await client.get(older)
    assert second.status_code == 200
    assert listed(second.text) == ["need number 3", "need number 2", "need number 1"]
    assert 'rel="next"' not in second.text
    newer = unescape(re.search(r'href="([^"]+)"[^>]*rel="prev"', second.text).group(1))
    assert listed((await client.get(newer)).text) == listed(first.text)
    mangled = await client.get("/council/unmet-needs", params={**dates, "cursor": "nonsense"})
    assert mangled.status_code == 200 and listed(mangled.text) == listed(first.text)


async def test_people_providers_and_visitors_cannot_see_the_report(app, client_for):
    tenant = await make_tenant()
    await need(tenant, at("2025-06-02 10:00"), "secret riding")
    for roles in (["person"], ["provider_owner"], ["broker"]):
        client = await officer_client(client_for, tenant, roles)
        for path in ("/council/unmet-needs", "/council/unmet-needs.csv"):
            refused = await client.get(path)
            assert refused.status_code == 403, (roles, path)
            assert "secret riding" not in refused.text
        assert 'href="/council/unmet-needs"' not in (await client.get("/council")).text
    visitor = client_for(tenant)
    for path in ("/council/unmet-needs", "/council/unmet-needs.csv"):
        away = await visitor.get(path)
        assert away.status_code == 303 and away.headers["location"].startswith("/sign-in?next=")


# --- the CSV download ---------------------------------------------------------------------


async def test_the_csv_has_every_need_with_formulas_defused_and_is_audited(app, client_for):
    tenant, other = await make_tenant(), await make_tenant()
    person = await make_member(tenant, ["person"], name="Priya Private")
    await june_needs(tenant, person)
    await need(tenant, at("2025-06-25 09:00"), '=HYPERLINK("http://x.example")', details="+1")
    await need(tenant, at("2025-06-26 09:00"), "@SUM(A1)", details="-2+3", district="HA1")
    await need(other, at("2025-06-10 10:00"), "elsewhere riding")
    client = await officer_client(client_for, tenant)

    response = await client.get(
        "/council/unmet-needs.csv",
        params={
            "from-day": "1",
            "from-month": "6",
            "from-year": "2025",
            "to-day": "30",
            "to-month": "6",
            "to-year": "2025",
        },
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "no-store" in response.headers["cache-control"]
    assert response.headers["content-disposition"] == (
        f'attachment; filename="unmet-needs-{tenant.slug}-2025-06-01-to-2025-06-30.csv"'
    )
    assert response.text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0] == [
        "Reference", "Recorded (UK time)", "Search words", "Kind of service",
        "Postcode district", "What they told us", "Signed in",
    ]  # fmt: skip
    body = rows[1:]
    assert len(body) == 8
    assert body[0][1:] == ["2025-06-26 10:00", "'@SUM(A1)", "", "HA1", "'-2+3", "No"]
    assert body[1][2] == '\'=HYPERLINK("http://x.example")' and body[1][5] == "'+1"
    assert ["2025-06-20 16:30", "horse-riding!!", "", "HA1", "Saturdays, with a hoist", "Yes"] in [
        row[1:] for row in body
    ]
    assert ["2025-06-01 00:30", "canoeing", "", "HA3", "", "No"] in [row[1:] for row in body]
    assert "Hippotherapy" in {row[3] for row in body}
    assert "elsewhere" not in response.text and "Priya" not in response.text
    (event,) = await AuditEvent.filter(tenant_id=tenant.id, action="data_exported")
    assert event.target_type == "unmet_needs"
    assert event.details == {
        "export": "unmet needs CSV", "from": "2025-06-01", "to": "2025-06-30", "rows": 8,
    }  # fmt: skip


# --- the API ------------------------------------------------------------------------------


async def test_a_market_read_token_lists_needs_a_page_at_a_time(app, client_for):
    tenant, other = await make_tenant(), await make_tenant()
    person = await make_member(tenant, ["person"], name="Priya Private")
    await june_needs(tenant, person)
    await need(other, at("2025-06-10 10:00"), "elsewhere riding")
    client = client_for(tenant)
    client.headers.update(await bearer_headers(client, tenant, ["market:read"]))

    response = await client.get(
        "/api/v1/unmet-needs", params={"from": "2025-06-01", "to": "2025-06-30", "limit": "4"}
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert (body["date_from"], body["date_to"]) == ("2025-06-01", "2025-06-30")
    assert body["previous"] is None and len(body["items"]) == 4
    newest = body["items"][0]
    assert newest == {
        "id": newest["id"],
        "recorded_at": "2025-06-20T15:30:00Z",
        "recorded_on": "2025-06-20",
        "words": "horse-riding!!",
        "grouped_as": "horse riding",
        "category": None,
        "category_label": None,
        "district": "HA1",
        "details": "Saturdays, with a hoist",
        "signed_in": True,
    }
    rest = (await client.get(body["next"])).json()
    assert len(rest["items"]) == 2 and rest["next"] is None and rest["previous"]
    seen = [item["words"] for item in body["items"] + rest["items"]]
    assert len(seen) == 6 and "elsewhere riding" not in seen and "too late" not in seen
    hippo = next(i for i in body["items"] + rest["items"] if i["category"])
    assert (hippo["category"], hippo["category_label"]) == ("hippotherapy", "Hippotherapy")
    assert "Priya" not in response.text and "membership" not in response.text

    # By default: the last 12 months.
    await need(tenant, utcnow() - timedelta(days=2), "archery")
    recent = (await client.get("/api/v1/unmet-needs")).json()
    assert [item["words"] for item in recent["items"]] == ["archery"]
    assert recent["date_to"] == uk_today().isoformat()


async def test_bad_api_parameters_are_a_400_problem_naming_each(app, client_for):
    tenant = await make_tenant()
    client = client_for(tenant)
    client.headers.update(await bearer_headers(client, tenant, ["market:read"]))
    bad = await client.get(
        "/api/v1/unmet-needs",
        params={"from": "2025-13-01", "to": "yesterday", "limit": "500", "cursor": "x"},
    )
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"
    problem = bad.json()
    assert problem["status"] == 400 and problem["type"].endswith("/bad-request")
    assert {e["field"] for e in problem["errors"]} == {"from", "to", "limit", "cursor"}
    backwards = await client.get("/api/v1/unmet-needs?from=2025-06-30&to=2025-06-01")
    assert backwards.status_code == 400
    assert backwards.json()["errors"] == [
        {"field": "to", "message": "The end date must be the same as or after the start date"}
    ]


async def test_the_api_refuses_other_scopes_people_and_visitors(app, client_for):
    tenant, other = await make_tenant(), await make_tenant()
    await need(tenant, at("2025-06-02 10:00"), "secret riding")
    await need(other, at("2025-06-02 10:00"), "other riding")
    anonymous = await client_for(tenant).get("/api/v1/unmet-needs")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"

    wrong = client_for(tenant)
    wrong.headers.update(await bearer_headers(wrong, tenant, ["catalogue:read", "catalogue:write"]))
    refused = await wrong.get("/api/v1/unmet-needs")
    assert refused.status_code == 403 and "market:read" in refused.json()["detail"]

    person = await officer_client(client_for, tenant, ["person"])
    assert (await person.get("/api/v1/unmet-needs")).status_code == 403

    officer = await officer_client(client_for, tenant)
    mine = await officer.get("/api/v1/unmet-needs?from=2025-06-01&to=2025-06-30")
    assert [item["words"] for item in mine.json()["items"]] == ["secret riding"]

    # Another council's token is no good here, and shows nothing of this council.
    theirs = client_for(tenant)
    theirs.headers.update(await bearer_headers(client_for(other), other, ["market:read"]))
    foreign = await theirs.get("/api/v1/unmet-needs?from=2025-06-01&to=2025-06-30")
    assert foreign.status_code == 401 and "riding" not in foreign.text


def test_the_endpoint_and_its_scope_are_documented_in_openapi():
    assert "market:read" in SCOPES
    operation = openapi_document()["paths"]["/unmet-needs"]["get"]
    assert operation["operationId"] == "listUnmetNeeds"
    assert "market:read" in operation["description"]
    assert {p["name"] for p in operation["parameters"]} == {"from", "to", "cursor", "limit"}
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    schemas = openapi_document()["components"]["schemas"]
    assert "membership" not in str(schemas["UnmetNeedOut"])
