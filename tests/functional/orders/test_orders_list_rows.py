"""``GET /api/v1/orders`` builds its page from plain rows, not models: every order in it is
written byte for byte as ``GET /api/v1/orders/{order_id}`` (the pydantic ``OrderOut``)
writes it, whoever placed it, whatever was decided, with several bookings in order."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from core.clock import uk_today
from core.orders.placement import place_order
from tests.functional.marketplace.search_helpers import make_service
from tests.functional.orders.test_orders_api import place, visit
from tests.functional.orders.test_orders_api import world as world  # the fixture
from tests.functional.orders.test_placement import as_member, next_weekday, one_visit

pytestmark = pytest.mark.usefixtures("db")


async def _all_pages(client, url: str, headers: dict) -> tuple[list[dict], list[str]]:
    """Every item of every page from ``url`` on, and each page's raw text."""
    items, texts = [], []
    while url:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        texts.append(response.text)
        body = response.json()
        assert list(body) == ["items", "next"]
        items += body["items"]
        url = body["next"]
        if url:
            assert parse_qs(urlsplit(url).query)["cursor"] == [items[-1]["id"]]
    return items, texts


async def test_every_listed_order_is_written_as_the_one_order_answer_writes_it(world):
    client, partner, system = world["client"], world["partner"], world["system"]
    night = await make_service(world["store"], "Night sitting — £ and ü", price=1_500)
    first = next_weekday(uk_today(), 1)
    weekly = {
        "service_id": str(night.id),
        "quantity": 1,
        "weekly": {
            "days": ["tue", "thu"],
            "start_time": "21:00",
            "end_time": "22:00",
            "first_date": first.isoformat(),
            "until": (first + timedelta(days=9)).isoformat(),
        },
    }
    await place(world, visit(world["service"]), weekly)  # by the partner: two bookings
    await place(world, visit(world["service"], days=4))
    person = world["person"]
    await place_order(
        as_member(person), person, [one_visit(world["service"])], idempotency_key=None
    )  # by the person: no client
    declined = await place(world, visit(night, days=5))
    answer = await client.post(
        f"/api/v1/orders/{declined['id']}/decline", headers=system, json={"reason": "No one free"}
    )
    assert answer.status_code == 200, answer.text

    items, texts = await _all_pages(client, "/api/v1/orders?limit=2", partner)
    assert len(items) == 4 and len(texts) == 3  # 2, 2, then an empty last page
    assert [i["id"] for i in items] == sorted(i["id"] for i in items)
    assert {i["placed_by_client"] is None for i in items} == {True, False}
    assert sorted(len(i["bookings"]) for i in items) == [1, 1, 1, 2]
    assert {i["status"] for i in items} == {"placed", "declined"}
    for item in items:
        one = await client.get(f"/api/v1/orders/{item['id']}", headers=partner)
        assert one.status_code == 200
        assert one.json() == item
        assert any(one.text in text for text in texts)  # the same bytes, key order too

    since = (uk_today() - timedelta(days=1)).isoformat() + "T00:00:00Z"
    waiting, texts = await _all_pages(client, f"/api/v1/orders?status=placed&since={since}", system)
    assert len(waiting) == 3 and all(i["status"] == "placed" for i in waiting)
    for item in waiting:
        one = await client.get(f"/api/v1/orders/{item['id']}", headers=system)
        assert one.text in texts[0]
