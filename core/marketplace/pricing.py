"""What a service costs where a person lives: the area's own price, or the service's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.marketplace.models import Service, ServiceArea


async def area_prices(services: Iterable[Service], district: str | None) -> dict[Any, int | None]:
    """``{service id: price in pence}`` for ``district`` in one query; ``None`` means the
    service is not offered there. Without a district, each service's own price."""
    services = list(services)
    if district is None:
        return {s.id: s.unit_price_pence for s in services}
    areas = {
        area.service_id: area
        for area in await ServiceArea.filter(
            service_id__in=[s.id for s in services], district=district
        )
    }
    return {
        s.id: (
            None
            if s.id not in areas
            else areas[s.id].price_pence
            if areas[s.id].price_pence is not None
            else s.unit_price_pence
        )
        for s in services
    }
