"""Deliveries: the provider's timesheet for a visit, and the person's confirm or dispute.

A provider's team member (any role: a personal assistant records on their phone) or the
provider's own system records what was delivered for one visit of an accepted order,
once the visit's day has come. The person, or someone allowed to spend their budget for
them (a circle member with manage access, their broker, council staff), confirms it or
disputes it with a reason. Nobody disputing within the council's ``auto_confirm_days``
confirms it automatically (a daily job). A confirmed visit is what invoicing bills.

Every change is a conditional update on the status it was read in, so of two people
acting at once exactly one wins (the other gets a :class:`Conflict`), and a repeated job
changes nothing twice.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import SYSTEM, record
from core.clock import long_date, uk_today, utcnow
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.models import AccessLevel, Membership, MembershipStatus, PersonAccess
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.marketplace.models import ProviderRole, ProviderUser
from core.orders.access import person_side, session_for_provider
from core.orders.models import (
    BookingSession,
    Delivery,
    DeliveryStatus,
    OrderStatus,
    SessionStatus,
)
from core.orders.notices import tell_member, tell_provider
from core.settings import UK_TIMEZONE

logger = logging.getLogger(__name__)

MAX_WORKER_NAME = 120
MAX_REASON = 1_000
# A visit is recorded near its own day, and lasts at most a day.
DAY_TOLERANCE = timedelta(days=1)
LONGEST_VISIT = timedelta(hours=24)
# Clocks on phones drift: a finish a few minutes ahead of ours is still believed.
CLOCK_SLACK = timedelta(minutes=15)
# Orders whose visits may be recorded and billed.
BILLABLE_ORDERS = (OrderStatus.ACCEPTED, OrderStatus.COMPLETED)
CONFIRMED_DELIVERIES = (DeliveryStatus.CONFIRMED, DeliveryStatus.AUTO_CONFIRMED)


def visit_words(session: BookingSession) -> str:
    """ "Home care on 3 March 2027, 10:00 to 12:00": which visit, in the person's words."""
    start = session.starts_at.astimezone(UK_TIMEZONE)
    end = session.ends_at.astimezone(UK_TIMEZONE)
    title = session.booking.service.title  # type: ignore[attr-defined]
    return f"{title} on {long_date(session.local_date)}, {start:%H:%M} to {end:%H:%M}"


def may_record_now(session: BookingSession, now: datetime | None = None) -> bool:
    """The visit's day has come (or its start has passed): it can be recorded."""
    now = now or utcnow()
    return session.starts_at <= now or session.local_date <= uk_today(now)


async def record_delivery(
    actor: Actor,
    session_id: Any,
    *,
    worker_name: str,
    started_at: datetime,
    ended_at: datetime,
) -> Delivery:
    """Record what was delivered for one visit: who worked, from when to when."""
    session = await session_for_provider(actor, session_id)
    booking = session.booking
    order = booking.order
    now = utcnow()
    if order.status not in BILLABLE_ORDERS:
        raise Conflict("only visits of an accepted order can be recorded")
    if session.status != SessionStatus.SCHEDULED:
        if session.status == SessionStatus.CANCELLED:
            raise Conflict("this visit was cancelled, so it cannot be recorded")
        raise Conflict("what was delivered for this visit has already been recorded")
    if not may_record_now(session, now):
        raise Conflict("this visit has not happened yet, so it cannot be recorded")
    worker = _check_times_and_worker(session, worker_name, started_at, ended_at, now)
    recorder = await _recorder(actor, order.store)
    person = order.person
    delivery_id = uuid.uuid4()
    try:
        async with in_transaction():
            changed = await BookingSession.filter(
                id=session.id, status=SessionStatus.SCHEDULED
            ).update(status=SessionStatus.DELIVERED)
            if not changed:
                raise Conflict("what was delivered for this visit has already been recorded")
            delivery = await Delivery.create(
                id=delivery_id,
                tenant_id=session.tenant_id,
                session_id=session.id,
                worker_name=worker,
                started_at=started_at,
                ended_at=ended_at,
                recorded_by=recorder,
            )
            session.status = SessionStatus.DELIVERED
            words = visit_words(session)
            store_name = order.store.name
            title = f"{store_name} has recorded a visit: please check it"
            body = (
                f"{store_name} says {worker} came for {words}. Please check this is right "
                "and confirm it, or tell us what was wrong."
            )
            for member in await _people_to_tell(person):
                await tell_member(
                    session.tenant_id,
                    member,
                    "delivery_recorded",
                    title,
                    body,
                    f"/deliveries/{delivery.id}",
                )
            await record(
                session.tenant_id,
                AuditAction.DELIVERY_RECORDED,
                actor,
                target_type="delivery",
                target_id=delivery.id,
                target_label=f"{store_name} for {person.user.display_name}: {words}",
                details={
                    "session_id": str(session.id),
                    "booking_id": str(booking.id),
                    "person_id": str(person.id),
                    "worker_name": worker,
                    "started_at": started_at.isoformat(),
                    "ended_at": ended_at.isoformat(),
                },
            )
    except IntegrityError:
        raise Conflict("what was delivered for this visit has already been recorded") from None
    delivery.session = session
    return delivery


async def delivery_for_person_side(
    actor: Actor, delivery_id: Any, permission: Permission = Permission.VIEW_BUDGET
) -> Delivery:
    """The delivery (with its visit, booking, order, store, person and service) if the
    actor has ``permission`` for its person; anything unseen is NotFound."""
    uid = parse_uuid(delivery_id)
    if actor.tenant is None or uid is None:
        raise NotFound("no such delivery")
    delivery = await Delivery.get_or_none(id=uid, tenant_id=actor.tenant.id).prefetch_related(
        "session__booking__order__store",
        "session__booking__order__person__user",
        "session__booking__service",
    )
    if delivery is None:
        raise NotFound("no such delivery")
    await person_side(actor, delivery.session.booking.order.person, permission)
    return delivery


async def confirm_delivery(actor: Actor, delivery_id: Any) -> Delivery:
    """The person's side says the visit happened as recorded: it is ready for invoicing.

    A disputed delivery may still be confirmed once the two sides have sorted it out."""
    delivery = await delivery_for_person_side(actor, delivery_id, Permission.SPEND_BUDGET)
    session = delivery.session
    order = session.booking.order
    now = utcnow()
    async with in_transaction():
        changed = await Delivery.filter(
            id=delivery.id, status__in=(DeliveryStatus.RECORDED, DeliveryStatus.DISPUTED)
        ).update(
            status=DeliveryStatus.CONFIRMED,
            confirmed_by_id=actor.membership.id if actor.membership else None,
            confirmed_at=now,
        )
        if not changed:
            raise Conflict("this visit has already been confirmed")
        await BookingSession.filter(
            id=session.id, status__in=(SessionStatus.DELIVERED, SessionStatus.DISPUTED)
        ).update(status=SessionStatus.CONFIRMED)
        delivery.status, delivery.confirmed_at = DeliveryStatus.CONFIRMED, now
        session.status = SessionStatus.CONFIRMED
        words = visit_words(session)
        person_name = order.person.user.display_name
        await tell_provider(
            delivery.tenant_id,
            order.store,
            "delivery_confirmed",
            f"{person_name} has confirmed a visit",
            f"{person_name} has confirmed {words}. It is ready to be invoiced.",
            f"/provider/bookings/{session.booking.id}",
        )
        await record(
            delivery.tenant_id,
            AuditAction.DELIVERY_CONFIRMED,
            actor,
            target_type="delivery",
            target_id=delivery.id,
            target_label=f"{order.store.name} for {person_name}: {words}",
            details={"session_id": str(session.id), "person_id": str(order.person.id)},
        )
    return delivery


async def dispute_delivery(actor: Actor, delivery_id: Any, reason: str) -> Delivery:
    """The person's side says the visit did not happen as recorded, and why."""
    reason = (reason or "").strip()
    delivery = await delivery_for_person_side(actor, delivery_id, Permission.SPEND_BUDGET)
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(
            "say what was wrong with the visit",
            [FieldProblem("reason", f"Say what was wrong, in 1 to {MAX_REASON} characters")],
        )
    session = delivery.session
    order = session.booking.order
    now = utcnow()
    async with in_transaction():
        changed = await Delivery.filter(id=delivery.id, status=DeliveryStatus.RECORDED).update(
            status=DeliveryStatus.DISPUTED, dispute_reason=reason
        )
        if not changed:
            current = await Delivery.get(id=delivery.id)
            if current.status == DeliveryStatus.DISPUTED:
                raise Conflict("this visit has already been disputed")
            raise Conflict("this visit has already been confirmed")
        await BookingSession.filter(id=session.id, status=SessionStatus.DELIVERED).update(
            status=SessionStatus.DISPUTED
        )
        delivery.status, delivery.dispute_reason = DeliveryStatus.DISPUTED, reason
        session.status = SessionStatus.DISPUTED
        words = visit_words(session)
        person_name = order.person.user.display_name
        await tell_provider(
            delivery.tenant_id,
            order.store,
            "delivery_disputed",
            f"{person_name} says a visit was not right",
            f"{person_name} has disputed {words}: {reason}. Please get in touch with them.",
            f"/provider/bookings/{session.booking.id}",
        )
        await record(
            delivery.tenant_id,
            AuditAction.DELIVERY_DISPUTED,
            actor,
            target_type="delivery",
            target_id=delivery.id,
            target_label=f"{order.store.name} for {person_name}: {words}",
            details={
                "session_id": str(session.id),
                "person_id": str(order.person.id),
                "reason": reason,
                "disputed_at": now.isoformat(),
            },
        )
    return delivery


async def auto_confirm_deliveries(tenant_id: int, *, days: int, now: datetime) -> dict[str, Any]:
    """Every delivery of the council recorded ``days`` or more before ``now`` that nobody
    confirmed or disputed counts as confirmed. Each is its own transaction; a summary."""
    summary = {"confirmed": 0, "already_done": 0, "failed": 0}
    cutoff = now - timedelta(days=days)
    due = (
        await Delivery.filter(
            tenant_id=tenant_id, status=DeliveryStatus.RECORDED, created_at__lte=cutoff
        )
        .order_by("created_at", "id")
        .prefetch_related(
            "session__booking__order__store",
            "session__booking__order__person__user",
            "session__booking__service",
        )
    )
    for delivery in due:
        try:
            async with in_transaction():
                changed = await Delivery.filter(
                    id=delivery.id, status=DeliveryStatus.RECORDED, created_at__lte=cutoff
                ).update(status=DeliveryStatus.AUTO_CONFIRMED, confirmed_at=now)
                if not changed:
                    summary["already_done"] += 1
                    continue
                session = delivery.session
                await BookingSession.filter(id=session.id, status=SessionStatus.DELIVERED).update(
                    status=SessionStatus.CONFIRMED
                )
                order = session.booking.order
                await record(
                    tenant_id,
                    AuditAction.DELIVERY_AUTO_CONFIRMED,
                    SYSTEM,
                    target_type="delivery",
                    target_id=delivery.id,
                    target_label=(
                        f"{order.store.name} for {order.person.user.display_name}: "
                        f"{visit_words(session)}"
                    ),
                    details={"session_id": str(session.id), "days": days},
                )
        except Exception:  # one broken delivery must not hold up the others
            logger.exception("delivery %s could not be confirmed automatically", delivery.id)
            summary["failed"] += 1
            continue
        summary["confirmed"] += 1
    return summary


async def ready_for_invoicing(tenant_id: int, *, store_id: Any = None) -> list[BookingSession]:
    """Confirmed visits (by the person or automatically) of accepted orders: what
    invoicing bills. Each with its booking, order, store, service and delivery."""
    deliveries = Delivery.filter(tenant_id=tenant_id, status__in=CONFIRMED_DELIVERIES)
    session_ids = await deliveries.values_list("session_id", flat=True)
    query = BookingSession.filter(
        tenant_id=tenant_id,
        id__in=list(session_ids) or [None],
        status=SessionStatus.CONFIRMED,
        booking__order__status__in=BILLABLE_ORDERS,
    )
    if store_id is not None:
        query = query.filter(booking__order__store_id=store_id)
    return list(
        await query.order_by("starts_at", "id").prefetch_related(
            "booking__order__store", "booking__service", "delivery"
        )
    )


# --- helpers ----------------------------------------------------------------------------------


def _check_times_and_worker(
    session: BookingSession,
    worker_name: str,
    started_at: datetime,
    ended_at: datetime,
    now: datetime,
) -> str:
    """The worker's name, tidied, once the name and times make sense; else InvalidInput."""
    problems: list[FieldProblem] = []
    worker = " ".join((worker_name or "").split())
    if not worker or len(worker) > MAX_WORKER_NAME:
        problems.append(
            FieldProblem(
                "worker_name", f"Enter who did the visit, in 1 to {MAX_WORKER_NAME} characters"
            )
        )
    aware = all(
        isinstance(moment, datetime) and moment.tzinfo is not None
        for moment in (started_at, ended_at)
    )
    if not aware:
        problems.append(FieldProblem("started_at", "Enter when the visit started and finished"))
        raise InvalidInput("the visit's times are not right", problems)
    local_start = started_at.astimezone(UK_TIMEZONE).date()
    if abs(local_start - session.local_date) > DAY_TOLERANCE:
        problems.append(
            FieldProblem(
                "started_at",
                f"The visit was due on {long_date(session.local_date)}: "
                "enter the day it really happened, within a day of that",
            )
        )
    elif started_at > now + CLOCK_SLACK:
        problems.append(FieldProblem("started_at", "The start time must not be in the future"))
    if ended_at <= started_at:
        problems.append(FieldProblem("ended_at", "The finish time must be after the start time"))
    elif ended_at - started_at > LONGEST_VISIT:
        problems.append(FieldProblem("ended_at", "A visit cannot last more than a day"))
    elif ended_at > now + CLOCK_SLACK:
        problems.append(FieldProblem("ended_at", "The finish time must not be in the future"))
    if problems:
        raise InvalidInput("what was delivered is not right", problems)
    return worker


async def _recorder(actor: Actor, store: Any) -> Membership:
    """Who the timesheet is recorded by: the team member, or for the provider's own system
    the first owner of the provider who is a member of this council."""
    if actor.membership is not None:
        return actor.membership
    owners = await ProviderUser.filter(
        provider_id=store.provider_id, role=ProviderRole.OWNER
    ).order_by("created_at", "id")
    for link in owners:
        member = await Membership.get_or_none(
            tenant_id=store.tenant_id,
            user_id=link.user_id,  # type: ignore[attr-defined]
            status=MembershipStatus.ACTIVE,
        )
        if member is not None:
            return member
    raise Conflict("the provider has no owner on this council's site to record this under")


async def _people_to_tell(person: Membership) -> list[Membership]:
    """The person, and the circle members and broker who may confirm for them."""
    today = uk_today()
    grants = await PersonAccess.filter(
        tenant_id=person.tenant_id,  # type: ignore[attr-defined]
        person_id=person.id,
        access=AccessLevel.MANAGE,
        revoked_at__isnull=True,
    ).prefetch_related("grantee__user")
    helpers = {
        grant.grantee.id: grant.grantee
        for grant in grants
        if (grant.expires_on is None or grant.expires_on >= today)
        and grant.grantee.status == MembershipStatus.ACTIVE
        and grant.grantee.id != person.id
    }
    return [person, *helpers.values()]
