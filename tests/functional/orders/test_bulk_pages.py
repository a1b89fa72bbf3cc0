"""The bulk scheduling pages over HTTP: the broker's form lists only their people, a
submission shows each person's result, a double-submitted form returns the same run, and
other people (and other brokers) cannot see a run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import uk_today
from core.orders.models import BulkRun, Order
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.marketplace.test_catalogue import signed_in
from tests.functional.orders.bulk_helpers import make_broker, people_with_budgets
from tests.support.members import SAME_ORIGIN, make_member

pytestmark = pytest.mark.usefixtures("db")


async def world():
    tenant = await make_tenant()
    broker = await make_broker(tenant)
    people = await people_with_budgets(
        tenant, broker, [100_000, 100_000, 1_000], names=["Ann Able", "Ben Bright", "Cat Short"]
    )
    await people_with_budgets(tenant, None, [100_000], names=["Zed Secret"])
    service = await make_service(await make_store(tenant, "Kind Hands"), "Home care", areas={})
    return tenant, broker, people, service


def form(service, people, key="k1", **changes):
    day = uk_today() + timedelta(days=4)
    values = {
        "run_key": key,
        "service_id": str(service.id),
        "person_ids": [str(p.id) for p in people],
        "quantity": "2",
        "when": "once",
        "start_time": "10:00",
        "end_time": "12:00",
        "on_date-day": str(day.day),
        "on_date-month": str(day.month),
        "on_date-year": str(day.year),
    }
    values.update(changes)
    return values


async def test_the_form_lists_the_brokers_people_and_preselects_the_service(client_for):
    tenant, broker, _people, service = await world()
    client = await signed_in(client_for, tenant, broker)
    page = await client.get(f"/bulk?service_id={service.id}")
    assert page.status_code == 200
    for name in ("Ann Able", "Ben Bright", "Cat Short"):
        assert name in page.text
    assert "Zed Secret" not in page.text
    assert f'<option value="{service.id}" selected>' in page.text


async def test_submitting_shows_each_result_and_a_double_submit_is_one_run(client_for):
    tenant, broker, people, service = await world()
    client = await signed_in(client_for, tenant, broker)
    sent = await client.post("/bulk", data=form(service, people), headers=SAME_ORIGIN)
    assert sent.status_code == 303
    run = await BulkRun.get()
    assert sent.headers["location"] == f"/bulk/{run.id}"
    again = await client.post("/bulk", data=form(service, people), headers=SAME_ORIGIN)
    assert again.headers["location"] == f"/bulk/{run.id}"
    assert await BulkRun.all().count() == 1 and await Order.all().count() == 2
    page = await client.get(f"/bulk/{run.id}")
    assert page.status_code == 200
    assert "2 placed" in page.text and "1 not placed" in page.text
    assert "Cat Short" in page.text and "There is not enough money for Home care" in page.text
    for order in await Order.all():
        assert f'href="/orders/{order.id}"' in page.text
    assert "£40.00" in page.text
    listing = await client.get("/bulk")
    assert f'href="/bulk/{run.id}"' in listing.text


async def test_a_weekly_pattern_from_the_form(client_for):
    tenant, broker, people, service = await world()
    client = await signed_in(client_for, tenant, broker)
    first = uk_today() + timedelta(days=1)
    values = form(
        service,
        people[:1],
        when="weekly",
        days=["mon", "thu"],
        **{
            "first_date-day": str(first.day),
            "first_date-month": str(first.month),
            "first_date-year": str(first.year),
        },
    )
    values["until_date-day"], values["until_date-month"], values["until_date-year"] = (
        str((first + timedelta(days=20)).day),
        str((first + timedelta(days=20)).month),
        str((first + timedelta(days=20)).year),
    )
    sent = await client.post("/bulk", data=values, headers=SAME_ORIGIN)
    assert sent.status_code == 303, sent.text
    run = await BulkRun.get()
    assert run.rule and run.placed_count == 1
    page = await client.get(sent.headers["location"])
    assert "Monday and Thursday" in page.text


async def test_problems_are_shown_next_to_the_fields_and_nothing_runs(client_for):
    tenant, broker, people, service = await world()
    client = await signed_in(client_for, tenant, broker)
    past = uk_today() - timedelta(days=2)
    bad = form(
        service,
        [],
        quantity="lots",
        start_time="25:00",
        **{"on_date-day": str(past.day), "on_date-month": str(past.month)},
    )
    bad["on_date-year"] = str(past.year)
    page = await client.post("/bulk", data=bad, headers=SAME_ORIGIN)
    assert page.status_code == 400
    assert "There is a problem" in page.text
    assert 'href="#person_ids"' in page.text and 'href="#quantity"' in page.text
    assert 'href="#start_time"' in page.text
    page = await client.post(
        "/bulk",
        data=form(
            service,
            people[:1],
            key="k2",
            **{
                "on_date-year": str(past.year),
                "on_date-month": str(past.month),
                "on_date-day": str(past.day),
            },
        ),
        headers=SAME_ORIGIN,
    )
    assert page.status_code == 400 and "The date cannot be in the past" in page.text
    assert await BulkRun.all().count() == 0


async def test_people_without_broker_role_and_other_brokers_are_refused(client_for):
    tenant, broker, people, service = await world()
    owner_client = await signed_in(client_for, tenant, broker)
    await owner_client.post("/bulk", data=form(service, people), headers=SAME_ORIGIN)
    run = await BulkRun.get()
    other = await make_broker(tenant, "Other Broker")
    other_client = await signed_in(client_for, tenant, other)
    assert (await other_client.get(f"/bulk/{run.id}")).status_code == 404
    person = await make_member(tenant, ["person"])
    person_client = await signed_in(client_for, tenant, person)
    assert (await person_client.get("/bulk")).status_code == 403
    refused = await person_client.post(
        "/bulk", data=form(service, people, key="p"), headers=SAME_ORIGIN
    )
    assert refused.status_code == 403
    elsewhere = await make_tenant()
    foreign = await make_broker(elsewhere, "Far Broker")
    foreign_client = await signed_in(client_for, elsewhere, foreign)
    assert (await foreign_client.get(f"/bulk/{run.id}")).status_code == 404
    anonymous = client_for(tenant)
    assert (await anonymous.get("/bulk")).status_code == 303
