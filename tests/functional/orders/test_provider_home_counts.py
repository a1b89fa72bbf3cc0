"""The provider console's home page says how much work is waiting (new orders to answer,
visits to record, open enquiries) for this store in this council only, each linked to
the page that lists it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.clock import uk_today, utcnow
from core.orders.decisions import decline_order
from core.orders.models import Enquiry, EnquiryStatus, Order
from core.orders.placement import place_order
from core.orders.provider_counts import waiting_work
from tests.factories import make_tenant
from tests.functional.orders.test_deliveries import Visit, move_visit, placed_visit, recorded
from tests.functional.orders.test_placement import as_member, one_visit
from tests.support.members import signed_in_client

pytestmark = pytest.mark.usefixtures("db")


async def another_order(visit: Visit) -> Order:
    placed = await place_order(
        as_member(visit.person), visit.person, [one_visit(visit.service)], idempotency_key=None
    )
    return placed.orders[0]


async def enquiry(visit: Visit, status: EnquiryStatus = EnquiryStatus.OPEN) -> Enquiry:
    return await Enquiry.create(
        tenant_id=visit.tenant.id,
        service_id=visit.service.id,
        store_id=visit.store.id,
        person_id=visit.person.id,
        started_by_id=visit.person.id,
        subject="Can you help on Sundays?",
        status=status,
    )


def links(html: str) -> dict[str, str]:
    """The "Orders and visits" list: each link's words (tags stripped) by where it goes."""
    section = html.split('id="orders-and-visits"', 1)[1].split("</ul>", 1)[0]
    found = re.findall(r'<a class="govuk-link" href="([^"]+)">(.*?)</a>', section, re.S)
    return {href: re.sub(r"<[^>]+>", "", words).strip() for href, words in found}


async def test_the_home_page_counts_what_waits_for_this_store(client_for):
    tenant = await make_tenant()
    visit = await placed_visit(tenant)  # accepted
    await move_visit(visit.session, uk_today() - timedelta(days=1))  # due a timesheet
    await another_order(visit)  # waiting for an answer
    await another_order(visit)
    lapsed = await another_order(visit)  # its time to answer has passed
    await Order.filter(id=lapsed.id).update(respond_by=utcnow() - timedelta(minutes=1))
    declined = await another_order(visit)
    await decline_order(as_member(visit.owner), declined.id, "We are full that week")
    await enquiry(visit)
    await enquiry(visit, EnquiryStatus.CLOSED)

    # Another store here and the same kind of work in another council are not counted.
    await placed_visit(tenant, accept=False)
    elsewhere = await placed_visit(await make_tenant(), accept=False)
    await enquiry(elsewhere)

    work = await waiting_work(visit.store)
    assert (work.new_orders, work.visits_to_record, work.open_enquiries) == (2, 1, 1)

    site = await signed_in_client(client_for(tenant), visit.owner)
    home = await site.get("/provider")
    assert home.status_code == 200
    assert "Orders and visits" in home.text
    assert links(home.text) == {
        "/provider/orders": "2 new orders waiting for your answer",
        "/provider/visits": "1 visit waiting for a timesheet",
        "/provider/enquiries": "1 open enquiry",
    }

    # Once the visit is recorded it no longer waits.
    await recorded(visit)
    home = await site.get("/provider")
    assert links(home.text)["/provider/visits"] == "No visits waiting for a timesheet"


async def test_a_new_store_has_nothing_waiting(client_for):
    tenant = await make_tenant()
    visit = await placed_visit(tenant, accept=False)
    await decline_order(as_member(visit.owner), visit.order.id, "We do not cover that area")
    site = await signed_in_client(client_for(tenant), visit.owner)
    home = await site.get("/provider")
    assert links(home.text) == {
        "/provider/orders": "No new orders waiting for your answer",
        "/provider/visits": "No visits waiting for a timesheet",
        "/provider/enquiries": "No open enquiries",
    }
