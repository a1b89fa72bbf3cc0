"""Enquiries: a person (or their circle member or broker) asks a provider about a service
before ordering, and the two sides write to each other until one of them closes it.

Who may take part: on the person's side anyone with ``SPEND_BUDGET`` for the person (the
person, a circle member who manages, a broker, a council officer) may write, and anyone
who may view the person's budget may read; on the provider's side anyone in the store's
team. Anything else is NotFound, so an enquiry's id tells nobody anything.

Each new message tells the other side with an in-app notice and an email (through the
outbox), in the message's transaction. Bodies are stored as typed; pages escape them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.accreditation.policy import AccreditationPolicy
from core.clock import utcnow
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.models import Membership, Role
from core.identity.permissions import (
    PermissionDenied,
    people_permissions,
    person_permissions,
    require_member,
)
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.marketplace.models import Service, Store
from core.marketplace.providers import stores_of
from core.marketplace.visibility import visible_services
from core.orders.access import person_side, require_store
from core.orders.models import Enquiry, EnquiryMessage, EnquiryStatus
from core.orders.notices import tell_member, tell_provider

MAX_SUBJECT = 200
MAX_BODY = 5_000


class Side(StrEnum):
    PERSON = "person"
    PROVIDER = "provider"


@dataclass
class Thread:
    """An enquiry as one side sees it: its messages, and whether they may write."""

    enquiry: Enquiry
    messages: list[EnquiryMessage]
    side: Side
    may_write: bool


async def start_enquiry(
    actor: Actor,
    service_id: Any,
    *,
    person: Membership | None = None,
    subject: str,
    body: str,
    policy: AccreditationPolicy | None = None,
) -> Enquiry:
    """Open a conversation with the service's provider, for ``person`` (default: the
    actor). The service must be one the actor or the person may see."""
    member = require_member(actor)
    if person is None:
        if Role.PERSON.value not in member.roles:
            raise InvalidInput(
                "choose who the question is for",
                [FieldProblem("person", "Choose the person you are asking for")],
            )
        person = member
    person = await person_side(actor, person, Permission.SPEND_BUDGET)
    problems: list[FieldProblem] = []
    subject = _text(subject, "subject", "a subject", MAX_SUBJECT, problems)
    body = _text(body, "body", "your message", MAX_BODY, problems)
    service = await visible_service(actor, person, service_id, policy)
    if problems:
        raise InvalidInput("some details of the message need looking at", problems)
    store: Store = service.store
    async with in_transaction():
        enquiry = await Enquiry.create(
            tenant_id=person.tenant_id,  # type: ignore[attr-defined]
            service=service,
            store=store,
            person=person,
            started_by=member,
            subject=subject,
        )
        await EnquiryMessage.create(
            tenant_id=enquiry.tenant_id, enquiry=enquiry, author=member, body=body
        )
        name = person.user.display_name
        by = "" if member.id == person.id else f" (sent by {actor.user.display_name} for them)"  # type: ignore[union-attr]
        await tell_provider(
            enquiry.tenant_id,
            store,
            "enquiry_received",
            f"A question from {name} about {service.title}",
            f"{name} asks about {service.title}{by}: {subject}\n\n{body}",
            f"/provider/enquiries/{enquiry.id}",
        )
    return enquiry


async def reply(actor: Actor, enquiry_id: Any, body: str) -> EnquiryMessage:
    """Add a message to the conversation, from whichever side the actor is on."""
    member = require_member(actor)
    thread = await open_thread(actor, enquiry_id)
    if not thread.may_write:
        raise PermissionDenied("you may read this conversation but not write in it")
    enquiry = thread.enquiry
    if enquiry.status != EnquiryStatus.OPEN:
        raise Conflict("This conversation has been closed.")
    problems: list[FieldProblem] = []
    body = _text(body, "body", "your message", MAX_BODY, problems)
    if problems:
        raise InvalidInput("the message needs looking at", problems)
    from_provider = thread.side == Side.PROVIDER
    async with in_transaction():
        message = await EnquiryMessage.create(
            tenant_id=enquiry.tenant_id,
            enquiry=enquiry,
            author=member,
            from_provider=from_provider,
            body=body,
        )
        await Enquiry.filter(id=enquiry.id).update(updated_at=utcnow())
        store, person = enquiry.store, enquiry.person
        if from_provider:
            for someone in await _person_side_members(enquiry):
                await tell_member(
                    enquiry.tenant_id,
                    someone,
                    "enquiry_reply",
                    f"{store.name} has replied about {enquiry.service.title}",
                    f"{store.name} writes: {body}",
                    f"/enquiries/{enquiry.id}",
                )
        else:
            await tell_provider(
                enquiry.tenant_id,
                store,
                "enquiry_message",
                f"{person.user.display_name} has written about {enquiry.service.title}",
                f"{actor.user.display_name} writes: {body}",  # type: ignore[union-attr]
                f"/provider/enquiries/{enquiry.id}",
            )
    return message


async def close_enquiry(actor: Actor, enquiry_id: Any) -> Enquiry:
    """Either side ends the conversation; nobody can write in it after that."""
    thread = await open_thread(actor, enquiry_id)
    if not thread.may_write:
        raise PermissionDenied("you may read this conversation but not close it")
    changed = await Enquiry.filter(id=thread.enquiry.id, status=EnquiryStatus.OPEN).update(
        status=EnquiryStatus.CLOSED, updated_at=utcnow()
    )
    if not changed:
        raise Conflict("This conversation is already closed.")
    thread.enquiry.status = EnquiryStatus.CLOSED
    return thread.enquiry


async def open_thread(actor: Actor, enquiry_id: Any, side: Side | None = None) -> Thread:
    """The enquiry and its messages for the actor; ``side`` forces one side (pages under
    ``/provider`` show only the provider's side). NotFound for anyone not taking part."""
    uid = parse_uuid(enquiry_id)
    if actor.tenant is None or uid is None:
        raise NotFound("no such conversation")
    enquiry = await Enquiry.get_or_none(id=uid, tenant_id=actor.tenant.id).prefetch_related(
        "store", "service", "person__user", "started_by__user"
    )
    if enquiry is None:
        raise NotFound("no such conversation")
    found: tuple[Side, bool] | None = None
    is_person = actor.membership is not None and actor.membership.id == enquiry.person.id
    if side in (None, Side.PROVIDER) and not (side is None and is_person):
        found = await _provider_access(actor, enquiry.store)
    if found is None and side in (None, Side.PERSON):
        found = await _person_access(actor, enquiry.person)
    if found is None:
        raise NotFound("no such conversation")
    messages = list(
        await EnquiryMessage.filter(enquiry_id=enquiry.id)
        .order_by("created_at", "id")
        .prefetch_related("author__user")
    )
    return Thread(enquiry, messages, found[0], found[1])


async def enquiries_for_person(actor: Actor, person: Membership | None = None) -> list[Enquiry]:
    """Conversations for ``person`` (default: the actor's own and those they started for
    people they still act for), newest first."""
    member = require_member(actor)
    query = Enquiry.filter(tenant_id=member.tenant_id)  # type: ignore[attr-defined]
    if person is not None:
        await person_side(actor, person, Permission.VIEW_BUDGET)
        query = query.filter(person_id=person.id)
    else:
        query = query.filter(Q(person_id=member.id) | Q(started_by_id=member.id))
    found = list(
        await query.order_by("-updated_at").prefetch_related("store", "service", "person__user")
    )
    seen = await _people_access(actor, [enquiry.person for enquiry in found])
    return [enquiry for enquiry in found if seen[enquiry.person.id] is not None]


async def enquiries_for_store(actor: Actor, store: Store | None = None) -> list[Enquiry]:
    """Conversations with the actor's stores (or one of them), open ones first."""
    stores = [store] if store is not None else await stores_of(actor)
    if store is not None:
        await require_store(actor, store)
    if not stores:
        return []
    found = await (
        Enquiry.filter(
            tenant_id=actor.tenant.id,  # type: ignore[union-attr]
            store_id__in=[s.id for s in stores],
        )
        .order_by("status", "-updated_at")
        .prefetch_related("store", "service", "person__user")
    )
    return list(found)


async def visible_service(
    actor: Actor, person: Membership, service_id: Any, policy: AccreditationPolicy | None = None
) -> Service:
    """The live service, if the actor or the person may see it (NotFound otherwise)."""
    uid = parse_uuid(service_id)
    if actor.tenant is None or uid is None:
        raise NotFound("no such service")
    policy = policy or AccreditationPolicy()
    viewers = [actor]
    if actor.membership is None or actor.membership.id != person.id:
        viewers.append(Actor(tenant=actor.tenant, user=person.user, membership=person))
    for viewer in viewers:
        service = (
            await (await visible_services(viewer, policy))
            .filter(id=uid)
            .prefetch_related("store")
            .first()
        )
        if service is not None:
            return service
    raise NotFound("no such service")


# --- helpers ---------------------------------------------------------------------------------


async def _provider_access(actor: Actor, store: Store) -> tuple[Side, bool] | None:
    """Checked without auditing a refusal: not being in the team just means "not this side"."""
    if actor.is_provider_system:
        same = actor.api_provider_id == store.provider_id  # type: ignore[attr-defined]
        return (Side.PROVIDER, True) if same else None
    if actor.is_api_client:
        return None
    if any(mine.id == store.id for mine in await stores_of(actor)):
        return Side.PROVIDER, True
    return None


async def _person_access(actor: Actor, person: Membership) -> tuple[Side, bool] | None:
    return _person_side_of(await person_permissions(actor, person))


def _person_side_of(allowed: frozenset[Permission]) -> tuple[Side, bool] | None:
    if Permission.SPEND_BUDGET in allowed:
        return Side.PERSON, True
    if Permission.VIEW_BUDGET in allowed:
        return Side.PERSON, False
    return None


async def _people_access(
    actor: Actor, people: list[Membership]
) -> dict[Any, tuple[Side, bool] | None]:
    """``_person_access`` for many people, by person id, in one query."""
    allowed = await people_permissions(actor, people)
    return {key: _person_side_of(permissions) for key, permissions in allowed.items()}


async def _person_side_members(enquiry: Enquiry) -> list[Membership]:
    """Who hears the provider's reply: the person, and whoever started it for them."""
    members = [enquiry.person]
    if enquiry.started_by.id != enquiry.person.id:
        members.append(enquiry.started_by)
    return members


def _text(
    value: str | None, field: str, what: str, limit: int, problems: list[FieldProblem]
) -> str:
    text = (value or "").strip()
    if not text:
        problems.append(FieldProblem(field, f"Enter {what}"))
    elif len(text) > limit:
        problems.append(FieldProblem(field, f"Keep {what} to {limit} characters or fewer"))
    return text
