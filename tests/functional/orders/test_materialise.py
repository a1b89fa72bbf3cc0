"""The daily job turns recurring bookings into sessions a horizon ahead, on the London wall
clock across clock changes, skipping bank holidays when asked, in batches, and never makes a
session twice."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.clock import uk_today
from core.identity.models import Membership
from core.jobs.models import JobRun, JobStatus
from core.marketplace.models import Service, Unit
from core.orders.jobs import run_materialisation, schedule_materialisation
from core.orders.materialise import materialise_sessions
from core.orders.models import (
    Booking,
    BookingKind,
    BookingSession,
    BookingStatus,
    Order,
    OrderStatus,
    SessionStatus,
)
from core.orders.recurrence import LONDON, Recurrence
from core.settings import Settings
from tenants.models import Tenant
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.support.budgets import funded_budget, one_off
from tests.support.jobs import run_queued_jobs
from workers.scheduler import build_scheduler

pytestmark = pytest.mark.usefixtures("db")

TEN, NOON = time(10, 0), time(12, 0)
FIRST_TUESDAY = date(2026, 10, 6)  # eight weeks on crosses 25 October 2026 (BST ends)
PERIOD = (date(2026, 4, 1), date(2027, 6, 30))


async def council_with_service() -> tuple[Tenant, Service]:
    tenant = await make_tenant()
    service = await make_service(await make_store(tenant), "Home care", price=2_000)
    return tenant, service


async def book(
    tenant: Tenant,
    service: Service,
    recurrence: Recurrence | None = None,
    *,
    on: date | None = None,
    ends_on: date | None = date(2027, 3, 31),
    quantity: int = 2,
    status: BookingStatus = BookingStatus.ACTIVE,
    order_status: OrderStatus = OrderStatus.ACCEPTED,
    period: tuple[date, date] = PERIOD,
) -> Booking:
    """An order with one booking, made directly (placement is not what is tested here).

    Recurring when ``recurrence`` is given (10:00-12:00 by default), else one-off ``on``.
    """
    budget = await funded_budget(tenant, one_off(500_000), period=period)
    person = await Membership.get(id=budget.person_id)  # type: ignore[attr-defined]
    order = await Order.create(
        tenant_id=tenant.id,
        person=person,
        placed_by=person,
        budget=budget,
        store_id=service.store_id,  # type: ignore[attr-defined]
        status=order_status,
        respond_by=datetime(2026, 10, 1, tzinfo=UTC),
        total_pence=0,
    )
    first = recurrence.first_date if recurrence is not None else on
    assert first is not None
    return await Booking.create(
        tenant_id=tenant.id,
        order=order,
        service=service,
        kind=BookingKind.RECURRING if recurrence is not None else BookingKind.ONE_OFF,
        quantity=quantity,
        unit=Unit.HOUR,
        unit_price_pence=service.unit_price_pence,
        rule=recurrence.to_rfc5545() if recurrence is not None else None,
        starts_on=first,
        ends_on=ends_on if recurrence is not None else first,
        start_time="10:00",
        end_time="12:00",
        status=status,
    )


def tue_thu(first: date = FIRST_TUESDAY, **extra) -> Recurrence:
    return Recurrence(
        weekdays=frozenset({"tue", "thu"}), start_time=TEN, end_time=NOON, first_date=first, **extra
    )


def tue_thu_dates(start: date, end: date) -> list[date]:
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in days if day.weekday() in (1, 3)]


async def sessions_of(booking: Booking) -> list[BookingSession]:
    return await BookingSession.filter(booking_id=booking.id).order_by("starts_at")


async def test_the_first_run_makes_the_horizon_of_sessions_in_utc_across_the_autumn_change():
    tenant, service = await council_with_service()
    booking = await book(tenant, service, tue_thu())

    summary = await materialise_sessions(tenant.id, FIRST_TUESDAY)

    horizon = FIRST_TUESDAY + timedelta(days=56)  # Tuesday 1 December 2026
    expected = tue_thu_dates(FIRST_TUESDAY, horizon)
    assert len(expected) == 17
    assert summary == {
        "bookings": 1,
        "sessions_created": 17,
        "skipped": 0,
        "batches": 1,
        "unreadable": 0,
    }
    sessions = await sessions_of(booking)
    assert [s.local_date for s in sessions] == expected
    for session in sessions:
        local_start = session.starts_at.astimezone(LONDON)
        local_end = session.ends_at.astimezone(LONDON)
        assert (local_start.date(), local_start.time()) == (session.local_date, TEN)
        assert (local_end.date(), local_end.time()) == (session.local_date, NOON)
        assert session.amount_pence == 2 * 2_000 and session.status == SessionStatus.SCHEDULED
        assert session.tenant_id == tenant.id
    by_day = {s.local_date: s.starts_at.astimezone(UTC) for s in sessions}
    assert by_day[date(2026, 10, 22)] == datetime(2026, 10, 22, 9, 0, tzinfo=UTC)  # BST
    assert by_day[date(2026, 10, 27)] == datetime(2026, 10, 27, 10, 0, tzinfo=UTC)  # GMT
    await booking.refresh_from_db()
    assert booking.materialised_until == horizon


async def test_a_second_run_creates_nothing_and_a_later_one_extends_without_duplicates():
    tenant, service = await council_with_service()
    booking = await book(tenant, service, tue_thu())
    await materialise_sessions(tenant.id, FIRST_TUESDAY)

    again = await materialise_sessions(tenant.id, FIRST_TUESDAY)
    assert again["sessions_created"] == 0 and again["bookings"] == 0
    # A crash after the sessions but before materialised_until moved: the retry adds none.
    await Booking.filter(id=booking.id).update(materialised_until=None)
    retried = await materialise_sessions(tenant.id, FIRST_TUESDAY)
    assert retried["bookings"] == 1 and retried["sessions_created"] == 0

    later = await materialise_sessions(tenant.id, date(2027, 3, 9))  # to the booking's end
    sessions = await sessions_of(booking)
    expected = tue_thu_dates(FIRST_TUESDAY, date(2027, 3, 31))
    assert [s.local_date for s in sessions] == expected
    assert later["sessions_created"] == len(expected) - 17
    assert max(Counter(s.starts_at for s in sessions).values()) == 1
    by_day = {s.local_date: s.starts_at.astimezone(UTC) for s in sessions}
    assert by_day[date(2027, 3, 25)] == datetime(2027, 3, 25, 10, 0, tzinfo=UTC)  # GMT
    assert by_day[date(2027, 3, 30)] == datetime(2027, 3, 30, 9, 0, tzinfo=UTC)  # BST again
    await booking.refresh_from_db()
    assert booking.materialised_until == date(2027, 3, 31)

    # Materialised to its end, the booking is no longer even read (its rule is not parsed).
    await Booking.filter(id=booking.id).update(rule="not a rule")
    ended = await materialise_sessions(tenant.id, date(2027, 3, 10))
    assert ended == {
        "bookings": 0,
        "sessions_created": 0,
        "skipped": 0,
        "batches": 0,
        "unreadable": 0,
    }


async def test_a_visit_in_the_spring_forward_gap_is_skipped_not_moved():
    tenant, service = await council_with_service()
    first = date(2027, 3, 21)  # a Sunday; 01:30 does not exist on 28 March 2027
    night = Recurrence(
        weekdays=frozenset({"sun"}), start_time=time(1, 30), end_time=time(2, 30), first_date=first
    )
    booking = await book(tenant, service, night, ends_on=date(2027, 6, 30))

    summary = await materialise_sessions(tenant.id, first, horizon_days=14)

    assert (summary["sessions_created"], summary["skipped"]) == (2, 1)
    assert [s.local_date for s in await sessions_of(booking)] == [
        date(2027, 3, 21),
        date(2027, 4, 4),
    ]


async def test_bank_holidays_are_skipped_when_the_rule_says_so():
    tenant, service = await council_with_service()
    mondays = dict(weekdays=frozenset({"mon"}), start_time=TEN, end_time=NOON)
    first = date(2027, 3, 15)
    until = date(2027, 6, 30)
    skipping = await book(
        tenant,
        service,
        Recurrence(first_date=first, skip_bank_holidays=True, **mondays),
        ends_on=until,
    )
    keeping = await book(tenant, service, Recurrence(first_date=first, **mondays), ends_on=until)

    summary = await materialise_sessions(tenant.id, first, horizon_days=28)

    easter_monday = date(2027, 3, 29)
    assert easter_monday not in [s.local_date for s in await sessions_of(skipping)]
    assert easter_monday in [s.local_date for s in await sessions_of(keeping)]
    assert len(await sessions_of(skipping)) == 4 and len(await sessions_of(keeping)) == 5
    assert summary["skipped"] == 1 and summary["sessions_created"] == 9


async def test_cancelled_bookings_and_declined_orders_get_no_sessions():
    tenant, service = await council_with_service()
    cancelled = await book(tenant, service, tue_thu(), status=BookingStatus.CANCELLED)
    declined = await book(tenant, service, tue_thu(), order_status=OrderStatus.DECLINED)
    placed = await book(tenant, service, tue_thu(), order_status=OrderStatus.PLACED)

    summary = await materialise_sessions(tenant.id, FIRST_TUESDAY)

    assert summary["bookings"] == 1
    assert await sessions_of(cancelled) == [] and await sessions_of(declined) == []
    assert len(await sessions_of(placed)) == 17
    await cancelled.refresh_from_db()
    assert cancelled.materialised_until is None


async def test_another_councils_bookings_are_untouched():
    tenant, service = await council_with_service()
    other, other_service = await council_with_service()
    mine = await book(tenant, service, tue_thu())
    theirs = await book(other, other_service, tue_thu())

    await materialise_sessions(tenant.id, FIRST_TUESDAY)

    assert len(await sessions_of(mine)) == 17
    assert await sessions_of(theirs) == []
    await theirs.refresh_from_db()
    assert theirs.materialised_until is None


async def test_a_one_off_booking_gets_its_single_session_once():
    tenant, service = await council_with_service()
    once = await book(tenant, service, on=date(2026, 11, 3), quantity=3)

    first = await materialise_sessions(tenant.id, FIRST_TUESDAY)
    second = await materialise_sessions(tenant.id, FIRST_TUESDAY)

    assert (first["sessions_created"], second["sessions_created"]) == (1, 0)
    [session] = await sessions_of(once)
    assert session.local_date == date(2026, 11, 3) and session.amount_pence == 6_000
    assert session.starts_at.astimezone(UTC) == datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


async def test_without_an_end_date_sessions_stop_at_the_budget_periods_end():
    tenant, service = await council_with_service()
    booking = await book(
        tenant, service, tue_thu(), ends_on=None, period=(date(2026, 4, 1), date(2026, 10, 31))
    )

    await materialise_sessions(tenant.id, FIRST_TUESDAY)

    sessions = await sessions_of(booking)
    assert [s.local_date for s in sessions] == tue_thu_dates(FIRST_TUESDAY, date(2026, 10, 31))
    await booking.refresh_from_db()
    assert booking.materialised_until == date(2026, 10, 31)


async def test_batches_of_one_give_the_same_sessions_as_one_batch():
    results = []
    for batch_size in (1, 200):
        tenant, service = await council_with_service()
        bookings = [
            await book(tenant, service, tue_thu()),
            await book(tenant, service, tue_thu(date(2026, 10, 8), skip_bank_holidays=True)),
            await book(tenant, service, on=date(2026, 10, 20)),
        ]
        summary = await materialise_sessions(tenant.id, FIRST_TUESDAY, batch_size=batch_size)
        sessions = []
        for booking in sorted(bookings, key=lambda b: b.starts_on):
            sessions.append([(s.local_date, s.starts_at) for s in await sessions_of(booking)])
        results.append((summary, sessions))
    (by_one, one_each), (at_once, all_together) = results
    assert by_one["batches"] == 3 and at_once["batches"] == 1
    assert {k: v for k, v in by_one.items() if k != "batches"} == {
        k: v for k, v in at_once.items() if k != "batches"
    }
    assert one_each == all_together
    assert by_one["sessions_created"] == 17 + 16 + 1


async def test_the_daily_job_runs_through_the_outbox_once_per_council_and_day(app):
    tenant, service = await council_with_service()
    today = uk_today()
    first = today + timedelta(days=(1 - today.weekday()) % 7)  # the next Tuesday, or today
    booking = await book(tenant, service, tue_thu(first), ends_on=first + timedelta(days=365))

    assert await schedule_materialisation(today) == 1
    assert await schedule_materialisation(today) == 0
    await run_queued_jobs(app)

    run = await JobRun.get(tenant_id=tenant.id, job_name="materialise-sessions")
    assert run.status == JobStatus.SUCCEEDED and run.period_key == today.isoformat()
    assert run.summary["bookings"] == 1 and run.summary["sessions_created"] > 0
    made = len(await sessions_of(booking))
    assert made == run.summary["sessions_created"]

    assert await run_materialisation(tenant.id, today) is None  # already done today
    assert await JobRun.filter(tenant_id=tenant.id, job_name="materialise-sessions").count() == 1
    assert len(await sessions_of(booking)) == made


def test_the_scheduler_queues_materialisation_every_morning_uk_time():
    scheduler = build_scheduler(Settings(), relay=None)
    job = scheduler.get_job("materialise-sessions")
    assert str(job.trigger.timezone) == "Europe/London"
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("4", "30")
    assert job.coalesce and job.max_instances == 1
