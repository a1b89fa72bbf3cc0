"""Ratings and reviews: only after a confirmed visit, by the person's side and never by
council staff; one per service and author; the provider's owner or manager replies once;
the council hides a review with a reason, audited, and it leaves every rating and count."""

from __future__ import annotations

import pytest

from core.accreditation.policy import AccreditationPolicy
from core.audit.models import AuditEvent
from core.email.models import EmailMessage
from core.errors import Conflict, InvalidInput, NotFound
from core.identity.models import AccessKind, AccessLevel, PersonAccess
from core.identity.permissions import PermissionDenied
from core.marketplace.catalogue import cards_for
from core.marketplace.categories import kinds_for
from core.marketplace.models import Review
from core.marketplace.search import SearchQuery, compare, search, service_ratings
from core.orders.feedback import (
    NotDeliveredYet,
    council_reviews,
    hide_review,
    reply_to_review,
    shown_reviews,
    store_reviews,
    write_review,
)
from core.orders.models import DeliveryStatus, Notification
from tests.factories import make_tenant
from tests.functional.marketplace.search_helpers import make_service, make_store
from tests.functional.marketplace.test_catalogue import team_member
from tests.functional.orders.feedback_helpers import delivered, other_review
from tests.functional.orders.test_placement import as_member, one_visit, setup
from tests.support.members import make_member

pytestmark = pytest.mark.usefixtures("db")

POLICY = AccreditationPolicy()


async def test_the_person_rates_after_a_confirmed_visit_and_the_provider_is_told():
    _tenant, person, _store, service, owner, booking = await delivered()
    review = await write_review(as_member(person), booking.id, rating=4, text=" Kind and on time ")
    stored = await Review.get(id=review.id)
    assert (stored.rating, stored.text, stored.author_id) == (4, "Kind and on time", person.id)  # type: ignore[attr-defined]
    assert stored.delivery_id is not None and stored.service_id == service.id  # type: ignore[attr-defined]
    [event] = await AuditEvent.filter(action="review_written")
    assert event.details["rating"] == 4 and event.details["changed"] is False
    assert await Notification.filter(recipient_id=owner.id, kind="review_written").exists()
    assert await EmailMessage.filter(purpose="review_written", to_address=owner.user.email).exists()


async def test_an_automatically_confirmed_visit_counts_too():
    _, person, _, _, _, booking = await delivered(DeliveryStatus.AUTO_CONFIRMED)
    review = await write_review(as_member(person), booking.id, rating=5)
    assert review.rating == 5


@pytest.mark.parametrize("status", [DeliveryStatus.RECORDED, DeliveryStatus.DISPUTED])
async def test_no_review_before_a_visit_is_confirmed(status):
    _, person, _, _, _, booking = await delivered(status)
    with pytest.raises(NotDeliveredYet):
        await write_review(as_member(person), booking.id, rating=5)
    assert await Review.all().count() == 0


async def test_no_review_of_a_booking_with_no_visit_delivered():
    _tenant, _, person, _, service = await setup()
    from core.orders.placement import place_order

    placed = await place_order(
        as_member(person), person, [one_visit(service)], idempotency_key=None
    )
    with pytest.raises(NotDeliveredYet):
        await write_review(as_member(person), placed.bookings[0].id, rating=3)


@pytest.mark.parametrize("rating", [0, 6, -1, True])
async def test_the_rating_is_one_to_five(rating):
    _, person, _, _, _, booking = await delivered()
    with pytest.raises(InvalidInput) as refused:
        await write_review(as_member(person), booking.id, rating=rating)
    assert [p.field for p in refused.value.problems] == ["rating"]


async def test_the_words_are_at_most_2000_characters():
    _, person, _, _, _, booking = await delivered()
    with pytest.raises(InvalidInput) as refused:
        await write_review(as_member(person), booking.id, rating=3, text="a" * 2_001)
    assert [p.field for p in refused.value.problems] == ["text"]
    assert (await write_review(as_member(person), booking.id, rating=3, text="a" * 2_000)).id


async def test_writing_again_changes_the_one_review():
    _, person, _, service, _, booking = await delivered()
    first = await write_review(as_member(person), booking.id, rating=2, text="Late")
    second = await write_review(as_member(person), booking.id, rating=4, text="Better now")
    assert second.id == first.id
    [stored] = await Review.filter(service_id=service.id)
    assert (stored.rating, stored.text) == (4, "Better now")
    events = await AuditEvent.filter(action="review_written").order_by("sequence")
    assert [e.details["changed"] for e in events] == [False, True]


async def test_a_circle_member_may_review_but_council_staff_and_strangers_may_not():
    tenant, person, _, _, _, booking = await delivered()
    daughter = await make_member(tenant, ["person"], name="Dee Daughter")
    await PersonAccess.create(
        tenant=tenant,
        person=person,
        grantee=daughter,
        kind=AccessKind.CIRCLE,
        access=AccessLevel.REVIEW,
    )
    daughter.tenant = tenant
    assert (await write_review(as_member(daughter), booking.id, rating=5)).author_id == daughter.id  # type: ignore[attr-defined]
    officer = await make_member(tenant, ["council_officer"])
    officer.tenant = tenant
    with pytest.raises(PermissionDenied):
        await write_review(as_member(officer), booking.id, rating=1)
    stranger = await make_member(tenant, ["person"])
    stranger.tenant = tenant
    with pytest.raises(NotFound):
        await write_review(as_member(stranger), booking.id, rating=1)
    assert await Review.all().count() == 1


async def test_another_councils_booking_is_not_found():
    _, _, _, _, _, booking = await delivered()
    elsewhere = await make_tenant()
    someone = await make_member(elsewhere, ["person"])
    someone.tenant = elsewhere
    with pytest.raises(NotFound):
        await write_review(as_member(someone), booking.id, rating=5)


async def test_the_owner_replies_once_and_the_author_is_told():
    _tenant, person, _store, _service, owner, booking = await delivered()
    review = await write_review(as_member(person), booking.id, rating=3, text="OK")
    replied = await reply_to_review(as_member(owner), review.id, "  Thank you, we will do better  ")
    assert replied.provider_reply == "Thank you, we will do better"
    assert replied.replied_at is not None and replied.replied_by_id == owner.id  # type: ignore[attr-defined]
    with pytest.raises(Conflict):
        await reply_to_review(as_member(owner), review.id, "A second answer")
    assert (await Review.get(id=review.id)).provider_reply == "Thank you, we will do better"
    assert await AuditEvent.filter(action="review_replied").count() == 1
    assert await Notification.filter(recipient_id=person.id, kind="review_replied").exists()


async def test_a_manager_may_reply_but_staff_and_other_providers_may_not():
    tenant, person, store, _service, _owner, booking = await delivered()
    review = await write_review(as_member(person), booking.id, rating=3)
    staff = await team_member(tenant, await store.provider, "staff")
    with pytest.raises(PermissionDenied):
        await reply_to_review(as_member(staff), review.id, "Hello")
    rival_store = await make_store(tenant, "Rival Care")
    rival = await team_member(tenant, await rival_store.provider, "owner")
    with pytest.raises(PermissionDenied):
        await reply_to_review(as_member(rival), review.id, "Come to us instead")
    assert (await Review.get(id=review.id)).provider_reply is None
    manager = await team_member(tenant, await store.provider, "manager")
    assert (await reply_to_review(as_member(manager), review.id, "Thanks")).provider_reply


async def test_an_empty_reply_is_refused():
    _, person, _, _, owner, booking = await delivered()
    review = await write_review(as_member(person), booking.id, rating=3)
    with pytest.raises(InvalidInput):
        await reply_to_review(as_member(owner), review.id, "   ")


async def test_hiding_is_audited_told_and_takes_the_review_out_of_every_rating():
    tenant, person, store, service, owner, booking = await delivered()
    # Another service beside it, so compare has two to show.
    other = await make_service(store, "Shopping help", areas={"HA1": None})
    earlier = await make_member(tenant, ["person"])
    kept = await other_review(service, earlier, 5)
    review = await write_review(as_member(person), booking.id, rating=1, text="Rude words")
    viewer = as_member(person)
    kinds = await kinds_for(tenant)

    async def seen() -> tuple:
        [hit] = [
            i
            for i in (await search(viewer, POLICY, SearchQuery(), kinds)).items
            if i.service_id == str(service.id)
        ]
        compared = await compare(viewer, POLICY, [str(service.id), str(other.id)])
        [row] = [c for c in compared.services if c.service_id == str(service.id)]
        [card] = await cards_for(tenant.id, [service], POLICY)
        rated = (await service_ratings([service.id]))[str(service.id)]
        return (
            (hit.rating, hit.reviews),
            (row.rating, row.reviews),
            (card.rating, card.reviews),
            rated,
        )

    assert await seen() == ((3.0, 2), (3.0, 2), (3.0, 2), (3.0, 2))
    officer = await make_member(tenant, ["council_officer"])
    officer.tenant = tenant
    with pytest.raises(InvalidInput):
        await hide_review(as_member(officer), review.id, "  ")
    hidden = await hide_review(as_member(officer), review.id, "It uses offensive words")
    assert hidden.hidden_at is not None and hidden.hidden_by_id == officer.id  # type: ignore[attr-defined]
    assert hidden.hidden_reason == "It uses offensive words"
    assert await seen() == ((5.0, 1), (5.0, 1), (5.0, 1), (5.0, 1))
    assert [r.id for r in await shown_reviews(tenant.id, service.id)] == [kept.id]
    assert review.id not in [r.id for r in (await store_reviews(as_member(owner)))[1]]
    assert review.id in [r.id for r in await council_reviews(as_member(officer))]
    [event] = await AuditEvent.filter(action="review_hidden")
    assert event.details["reason"] == "It uses offensive words"
    [notice] = await Notification.filter(recipient_id=person.id, kind="review_hidden")
    assert "It uses offensive words" in notice.body
    with pytest.raises(Conflict):
        await hide_review(as_member(officer), review.id, "Again")


async def test_only_the_councils_market_officers_hide_and_only_their_own_reviews():
    _tenant, person, _, _, owner, booking = await delivered()
    review = await write_review(as_member(person), booking.id, rating=2)
    with pytest.raises(PermissionDenied):
        await hide_review(as_member(owner), review.id, "I do not like it")
    with pytest.raises(PermissionDenied):
        await council_reviews(as_member(person))
    elsewhere = await make_tenant()
    their_officer = await make_member(elsewhere, ["council_officer"])
    their_officer.tenant = elsewhere
    with pytest.raises(NotFound):
        await hide_review(as_member(their_officer), review.id, "Not ours")
    rival_owner = await make_member(elsewhere, ["provider_owner"])
    rival_owner.tenant = elsewhere
    with pytest.raises(NotFound):
        await reply_to_review(as_member(rival_owner), review.id, "Hello")
    assert (await Review.get(id=review.id)).hidden_at is None
