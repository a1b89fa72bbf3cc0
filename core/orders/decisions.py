"""A provider's answer to an order: accept it, decline it with a reason, or let it lapse.

Only the owner or a manager of the order's provider team, in the order's council, may
decide, and only while the order is ``placed`` and its ``respond_by`` has not passed. The
decision is a conditional update (``... WHERE status = 'placed'``), so of two people
deciding at once exactly one wins; the other gets a :class:`Conflict`.

Declining, and lapsing (``expire_orders``, run hourly per council), release the money at
once: every booking's hold is voided, the bookings and their sessions are cancelled, and
the person is told in the app and by email, with an audit event, all in one transaction
per order. A repeat changes nothing, because the status no longer matches.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import SYSTEM, record
from core.clock import uk_time_words, utcnow
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.ids import parse_uuid
from core.ledger.holds import void_hold
from core.ledger.models import Hold
from core.ledger.money import pounds
from core.marketplace.models import Store
from core.marketplace.providers import EDITORS
from core.orders.access import require_store
from core.orders.models import (
    Booking,
    BookingSession,
    BookingStatus,
    Order,
    OrderStatus,
    SessionStatus,
)
from core.orders.notices import tell_member

logger = logging.getLogger(__name__)

MAX_REASON = 1_000


async def accept_order(actor: Actor, order_id: Any) -> Order:
    """The provider takes the order on; the money stays held for the bookings."""
    order = await _order_to_decide(actor, order_id)
    store, person = order.store, order.person
    now = utcnow()
    async with in_transaction():
        await _claim(order, OrderStatus.ACCEPTED, now)
        await _tell_person(
            order,
            "order_accepted",
            f"{store.name} has accepted your order",
            f"{store.name} has accepted your order ({pounds(order.total_pence)}). The money "
            "stays set aside from your budget to pay for it.",
        )
        await record(
            order.tenant_id,
            AuditAction.ORDER_ACCEPTED,
            actor,
            target_type="order",
            target_id=order.id,
            target_label=f"{store.name} for {person.user.display_name}",
            details={"person_id": person.id, "total_pence": order.total_pence},
        )
    return order


async def decline_order(actor: Actor, order_id: Any, reason: str) -> Order:
    """The provider turns the order down, saying why; every hold is released at once."""
    order = await _order_to_decide(actor, order_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(
            "say why the order is declined",
            [FieldProblem("reason", f"Give a reason of 1 to {MAX_REASON} characters")],
        )
    store, person = order.store, order.person
    now = utcnow()
    async with in_transaction():
        await _claim(order, OrderStatus.DECLINED, now, reason)
        released = await _release(order, f"declined: {reason}", actor.audit_label, now)
        await _tell_person(
            order,
            "order_declined",
            f"{store.name} cannot take your order",
            f"{store.name} has declined your order: {reason}. The "
            f"{pounds(released)} set aside has been returned to your budget.",
        )
        await record(
            order.tenant_id,
            AuditAction.ORDER_DECLINED,
            actor,
            target_type="order",
            target_id=order.id,
            target_label=f"{store.name} for {person.user.display_name}",
            details={"person_id": person.id, "reason": reason, "released_pence": released},
        )
    return order


async def expire_orders(tenant_id: int, now: datetime) -> dict[str, Any]:
    """Every ``placed`` order of the council whose ``respond_by`` is at or before ``now``
    lapses, its holds released; each order is its own transaction. A summary."""
    summary = {"expired": 0, "released_pence": 0, "already_decided": 0, "failed": 0}
    due = (
        await Order.filter(tenant_id=tenant_id, status=OrderStatus.PLACED, respond_by__lte=now)
        .order_by("respond_by", "id")
        .prefetch_related("store", "person__user")
    )
    for order in due:
        try:
            async with in_transaction():
                changed = await Order.filter(
                    id=order.id, status=OrderStatus.PLACED, respond_by__lte=now
                ).update(status=OrderStatus.EXPIRED, decided_at=now, updated_at=now)
                if not changed:
                    summary["already_decided"] += 1
                    continue
                order.status, order.decided_at = OrderStatus.EXPIRED, now
                released = await _release(order, "not answered in time", SYSTEM.audit_label, now)
                await _tell_person(
                    order,
                    "order_expired",
                    f"Your order from {order.store.name} has lapsed",
                    f"{order.store.name} did not answer your order by "
                    f"{uk_time_words(order.respond_by)}, so it has lapsed. The "
                    f"{pounds(released)} set aside has been returned to your budget.",
                )
                await record(
                    tenant_id,
                    AuditAction.ORDER_EXPIRED,
                    SYSTEM,
                    target_type="order",
                    target_id=order.id,
                    target_label=f"{order.store.name} for {order.person.user.display_name}",
                    details={"person_id": order.person.id, "released_pence": released},
                )
        except Exception:  # one broken order must not keep the others' money held
            logger.exception("order %s could not be expired", order.id)
            summary["failed"] += 1
            continue
        summary["expired"] += 1
        summary["released_pence"] += released
    return summary


# --- helpers ----------------------------------------------------------------------------------


async def _order_to_decide(actor: Actor, order_id: Any) -> Order:
    """The order, if the actor is an owner or manager of its provider's team here, or
    that provider's own system (an API client tied to it)."""
    uid = parse_uuid(order_id)
    if actor.tenant is None or uid is None:
        raise NotFound("no such order")
    order = await Order.get_or_none(id=uid, tenant_id=actor.tenant.id).prefetch_related(
        "store", "person__user"
    )
    if order is None:
        raise NotFound("no such order")
    store: Store = order.store
    await require_store(actor, store, EDITORS)
    return order


async def _claim(
    order: Order, status: OrderStatus, now: datetime, reason: str | None = None
) -> None:
    """Move the order from ``placed`` to ``status``, exactly once and only in time."""
    changed = await Order.filter(id=order.id, status=OrderStatus.PLACED, respond_by__gt=now).update(
        status=status, decided_at=now, decline_reason=reason, updated_at=now
    )
    if not changed:
        current = await Order.get(id=order.id)
        if current.status != OrderStatus.PLACED:
            raise Conflict(f"this order has already been {current.status.value}")
        raise Conflict("the time to answer this order has passed")
    order.status, order.decided_at, order.decline_reason = status, now, reason


async def _release(order: Order, reason: str, actor_label: str, now: datetime) -> int:
    """Void every booking's pending hold and cancel the bookings and their sessions; the
    pence released. Holds go in (stream, booking) order, like placement's, so concurrent
    work on one budget does not deadlock."""
    bookings = sorted(
        await Booking.filter(order_id=order.id),
        key=lambda b: (str(b.stream_id or ""), str(b.id)),  # type: ignore[attr-defined]
    )
    hold_ids = [b.hold_id for b in bookings if b.hold_id is not None]  # type: ignore[attr-defined]
    amounts = dict(await Hold.filter(id__in=hold_ids or [None]).values_list("id", "amount_pence"))
    for hold_id in hold_ids:
        await void_hold(hold_id, order.tenant_id, reason, actor_label)
    released = sum(amounts.values())
    ids = [b.id for b in bookings]
    await Booking.filter(id__in=ids or [None], status=BookingStatus.ACTIVE).update(
        status=BookingStatus.CANCELLED,
        cancelled_at=now,
        cancel_reason=reason[:1000],
        updated_at=now,
    )
    await BookingSession.filter(
        booking_id__in=ids or [None], status=SessionStatus.SCHEDULED
    ).update(status=SessionStatus.CANCELLED, cancelled_at=now, cancel_reason=reason[:1000])
    return released


async def _tell_person(order: Order, kind: str, title: str, body: str) -> None:
    """An in-app notice and an email (through the outbox) for the person, in the caller's
    transaction."""
    await tell_member(order.tenant_id, order.person, kind, title, body, f"/orders/{order.id}")
