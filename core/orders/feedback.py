"""Feedback: ratings and reviews of services, the provider's one reply, and the council
hiding a review that breaks its rules.

Only someone on the person's side (the person, or a circle member or broker with access to
them) may rate a service, and only after a visit of that booking was confirmed (by them or
automatically). Council staff cannot write reviews: they look after the market, and hide
reviews instead. One review per service and author: writing again changes it.

A hidden review stays in the database (with who hid it and why) but leaves every rating,
count and list people see (``core.marketplace.search`` and ``core.marketplace.catalogue``
count only reviews whose ``hidden_at`` is null).
"""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import utcnow
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound, RuleRefused
from core.identity.actor import Actor
from core.identity.models import Membership
from core.identity.permissions import active_access, refuse, require_council, require_member
from core.identity.roles import Permission
from core.marketplace.catalogue import provider_role
from core.marketplace.models import ProviderRole, Review, Store
from core.marketplace.providers import stores_of
from core.orders.access import booking_for_person_side, require_store
from core.orders.models import Booking, Delivery, DeliveryStatus
from core.orders.notices import tell_member, tell_provider

MAX_TEXT = 2_000
MAX_REASON = 1_000
CONFIRMED = (DeliveryStatus.CONFIRMED, DeliveryStatus.AUTO_CONFIRMED)
REPLIERS = (ProviderRole.OWNER, ProviderRole.MANAGER)

RATING_WORDS = {
    5: "Excellent",
    4: "Good",
    3: "All right",
    2: "Poor",
    1: "Very poor",
}


class NotDeliveredYet(RuleRefused):
    """A service can be rated only after a visit was confirmed."""


# --- writing a review -----------------------------------------------------------------------


async def booking_to_review(actor: Actor, booking_id: Any) -> tuple[Booking, Review | None]:
    """The booking the actor may rate, and their review of its service if they wrote one."""
    booking = await booking_for_person_side(actor, booking_id, Permission.VIEW_BUDGET)
    member = await _reviewer(actor, booking)
    review = await Review.get_or_none(
        tenant_id=booking.tenant_id, service_id=booking.service.id, author_id=member.id
    )
    return booking, review


async def confirmed_delivery(booking: Booking) -> Delivery | None:
    """The latest confirmed (or automatically confirmed) visit of the booking."""
    return (
        await Delivery.filter(
            tenant_id=booking.tenant_id, session__booking_id=booking.id, status__in=CONFIRMED
        )
        .order_by("-started_at")
        .first()
    )


async def write_review(actor: Actor, booking_id: Any, *, rating: int, text: str = "") -> Review:
    """Rate the booking's service 1 to 5, with optional words. Writing again changes the
    author's earlier review of that service. Raises NotFound, PermissionDenied, InvalidInput
    or NotDeliveredYet (no confirmed visit yet)."""
    booking = await booking_for_person_side(actor, booking_id, Permission.VIEW_BUDGET)
    member = await _reviewer(actor, booking)
    text = (text or "").strip()
    problems = []
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        problems.append(FieldProblem("rating", "Choose a rating from 1 to 5"))
    if len(text) > MAX_TEXT:
        problems.append(FieldProblem("text", f"Write {MAX_TEXT:,} characters or fewer"))
    if problems:
        raise InvalidInput("check the review", problems)
    delivery = await confirmed_delivery(booking)
    if delivery is None:
        raise NotDeliveredYet(
            "You can rate this service once a visit has happened and been confirmed."
        )
    service = booking.service
    tenant_id = booking.tenant_id
    review = await Review.get_or_none(
        tenant_id=tenant_id, service_id=service.id, author_id=member.id
    )
    changed = review is not None
    if review is None:
        try:
            review = await Review.create(
                tenant_id=tenant_id,
                service=service,
                author=member,
                rating=rating,
                text=text,
                delivery=delivery,
            )
        except IntegrityError:
            review = await Review.get(
                tenant_id=tenant_id, service_id=service.id, author_id=member.id
            )
            changed = True
    if changed:
        review.rating, review.text, review.delivery = rating, text, delivery
        await review.save(update_fields=["rating", "text", "delivery_id"])
    await record(
        tenant_id,
        AuditAction.REVIEW_WRITTEN,
        actor,
        target_type="review",
        target_id=review.id,
        target_label=service.title,
        details={
            "service_id": service.id,
            "booking_id": booking.id,
            "delivery_id": delivery.id,
            "rating": rating,
            "changed": changed,
        },
    )
    store = booking.order.store
    await tell_provider(
        tenant_id,
        store,
        "review_written",
        f"{'A review was changed' if changed else 'New review'}: {service.title}",
        f"Someone rated {service.title} {rating} out of 5"
        + (f" and wrote: {text}" if text else ".")
        + " You can reply once.",
        "/provider/reviews",
    )
    return review


async def _reviewer(actor: Actor, booking: Booking) -> Membership:
    """The person themselves, or a circle member or broker with access to them. Council
    staff, who may see everyone, cannot review."""
    member = require_member(actor)
    person = booking.order.person
    if member.id == person.id or await active_access(person, member) is not None:
        return member
    raise await refuse(actor, Permission.VIEW_BUDGET, f"review of booking {booking.id}")


# --- the provider's reply ---------------------------------------------------------------


async def reply_to_review(actor: Actor, review_id: Any, text: str) -> Review:
    """The store's owner or manager answers a review, once. Raises NotFound,
    PermissionDenied, InvalidInput or Conflict (already answered)."""
    review = await _review(actor, review_id)
    store = review.service.store
    await require_store(actor, store, REPLIERS)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("write a reply", [FieldProblem("reply", "Write your reply")])
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "the reply is too long",
            [FieldProblem("reply", f"Write {MAX_TEXT:,} characters or fewer")],
        )
    now = utcnow()
    updated = await Review.filter(
        id=review.id, tenant_id=review.tenant_id, provider_reply__isnull=True
    ).update(
        provider_reply=text,
        replied_at=now,
        replied_by_id=actor.membership.id if actor.membership else None,
    )
    if not updated:
        raise Conflict("This review already has a reply. A review can be answered once.")
    await record(
        review.tenant_id,
        AuditAction.REVIEW_REPLIED,
        actor,
        target_type="review",
        target_id=review.id,
        target_label=review.service.title,
        details={"service_id": review.service.id, "store_id": store.id},
    )
    await tell_member(
        review.tenant_id,
        review.author,
        "review_replied",
        f"{store.name} replied to your review",
        f"{store.name} replied to your review of {review.service.title}: {text}",
        f"/services/{review.service.id}#reviews",
    )
    await review.refresh_from_db()
    return review


# --- the council hiding a review --------------------------------------------------------


async def hide_review(actor: Actor, review_id: Any, reason: str) -> Review:
    """Hide a review that breaks the council's rules, with the reason (told to its author).
    Raises PermissionDenied, NotFound, InvalidInput or Conflict (already hidden)."""
    await require_council(actor, Permission.MANAGE_MARKET)
    review = await _review(actor, review_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "give a reason", [FieldProblem("reason", "Say which rule the review breaks")]
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            "the reason is too long",
            [FieldProblem("reason", f"Write {MAX_REASON:,} characters or fewer")],
        )
    updated = await Review.filter(
        id=review.id, tenant_id=review.tenant_id, hidden_at__isnull=True
    ).update(
        hidden_at=utcnow(),
        hidden_reason=reason,
        hidden_by_id=actor.membership.id if actor.membership else None,
    )
    if not updated:
        raise Conflict("This review is already hidden.")
    await record(
        review.tenant_id,
        AuditAction.REVIEW_HIDDEN,
        actor,
        target_type="review",
        target_id=review.id,
        target_label=review.service.title,
        details={"service_id": review.service.id, "reason": reason, "rating": review.rating},
    )
    await tell_member(
        review.tenant_id,
        review.author,
        "review_hidden",
        "Your review has been hidden",
        f"The council has hidden your review of {review.service.title}, so people no longer "
        f"see it and it does not count in the rating. The reason: {reason}",
        None,
    )
    await review.refresh_from_db()
    return review


# --- lists ----------------------------------------------------------------------------------


async def shown_reviews(tenant_id: int, service_id: Any, limit: int = 20) -> list[Review]:
    """The reviews people see on a service page: not hidden, newest first."""
    return list(
        await Review.filter(tenant_id=tenant_id, service_id=service_id, hidden_at__isnull=True)
        .order_by("-created_at", "-id")
        .limit(limit)
    )


async def store_reviews(actor: Actor, limit: int = 100) -> tuple[list[Store], list[Review]]:
    """The reviews of the services of the stores the actor works for, newest first."""
    require_member(actor)
    stores = await stores_of(actor)
    if not stores:
        return [], []
    reviews = (
        await Review.filter(
            tenant_id=stores[0].tenant_id,
            service__store_id__in=[s.id for s in stores],
            hidden_at__isnull=True,
        )
        .order_by("-created_at", "-id")
        .limit(limit)
        .prefetch_related("service__store")
    )
    return stores, list(reviews)


async def may_reply(actor: Actor, store: Store) -> bool:
    """Whether to offer the reply form (the service still checks when it is sent)."""
    return await provider_role(actor, store) in REPLIERS


async def council_reviews(actor: Actor, limit: int = 100) -> list[Review]:
    """The council's most recent reviews, hidden ones too, for its market officers."""
    await require_council(actor, Permission.MANAGE_MARKET)
    assert actor.tenant is not None
    return list(
        await Review.filter(tenant_id=actor.tenant.id)
        .order_by("-created_at", "-id")
        .limit(limit)
        .prefetch_related("service__store", "author__user", "hidden_by__user")
    )


async def _review(actor: Actor, review_id: Any) -> Review:
    try:
        key = int(str(review_id))
    except ValueError:
        key = None
    if actor.tenant is None or key is None or not 0 < key < 2**63:
        raise NotFound("no such review")
    review = await Review.get_or_none(id=key, tenant_id=actor.tenant.id).prefetch_related(
        "service__store", "author__user"
    )
    if review is None:
        raise NotFound("no such review")
    return review
