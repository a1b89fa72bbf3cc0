"""A person's booking with a visit delivered, for the feedback tests."""

from __future__ import annotations

import uuid
from datetime import timedelta

from core.clock import utcnow
from core.marketplace.models import Review
from core.orders.models import BookingSession, Delivery, DeliveryStatus, SessionStatus
from core.orders.placement import place_order
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.test_placement import as_member, one_visit, setup


async def delivered(status: DeliveryStatus = DeliveryStatus.CONFIRMED):
    """tenant, person, store, service, the store's owner, and the booking, whose one visit
    has a delivery of ``status``."""
    tenant, _, person, store, service = await setup()
    owner = await team_member(tenant, await store.provider, "owner")
    placed = await place_order(
        as_member(person), person, [one_visit(service)], idempotency_key=None
    )
    [booking] = placed.bookings
    await record_delivery(booking, owner, status)
    return tenant, person, store, service, owner, booking


async def record_delivery(booking, recorder, status: DeliveryStatus) -> Delivery:
    [session] = await BookingSession.filter(booking_id=booking.id)
    session.status = (
        SessionStatus.CONFIRMED
        if status in (DeliveryStatus.CONFIRMED, DeliveryStatus.AUTO_CONFIRMED)
        else SessionStatus.DELIVERED
    )
    await session.save()
    return await Delivery.create(
        id=uuid.uuid4(),
        tenant_id=booking.tenant_id,
        session=session,
        worker_name="Wendy Worker",
        started_at=session.starts_at,
        ended_at=session.ends_at,
        recorded_by=recorder,
        status=status,
        confirmed_at=utcnow() if status != DeliveryStatus.RECORDED else None,
    )


async def other_review(service, author, rating: int) -> Review:
    """A review written before ordering existed (no delivery), to make an average."""
    return await Review.create(
        tenant_id=service.tenant_id,
        service=service,
        author=author,
        rating=rating,
        text="",
        created_at=utcnow() - timedelta(days=3),
    )
