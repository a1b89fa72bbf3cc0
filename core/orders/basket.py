"""A person's basket: services chosen but not yet ordered, and checking them out.

The basket belongs to the person (``BasketItem.person``), whoever added to it: the person
themselves, or a circle member or broker who may spend for them (``added_by``). Looking at
a basket needs permission to see the person's budget; changing it or checking it out needs
permission to spend it (``core.identity.permissions``), so a review-only circle member can
look but not order.

Quoting the basket runs the same ``core.orders.placement.quote`` that placing does, so the
problems shown before "Place order" are exactly the ones placing would find. Checking out
goes through ``place_order`` with a one-time key from the basket page, so a second click
replays the first order instead of placing another; the items placed are then removed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from core.accreditation.policy import AccreditationPolicy
from core.budgets.models import FundingStream
from core.clock import long_date, uk_today
from core.errors import FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.circles import people_supported_by
from core.identity.models import AccessLevel, Membership, MembershipStatus, Role
from core.identity.permissions import get_person
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.ledger.money import pounds
from core.marketplace.districts import district_or_none
from core.marketplace.models import Service
from core.orders.access import person_side
from core.orders.models import BasketItem
from core.orders.placement import (
    MAX_QUANTITY,
    LineQuote,
    OrderLine,
    PlacedOrders,
    Quote,
    place_order,
    quote,
)
from core.orders.policy import OrderingPolicy
from core.orders.recurrence import (
    DAY_NAMES,
    WEEKDAYS,
    Recurrence,
    UnsupportedRule,
    describe,
    recurrence_from_form,
)
from core.people.models import PersonProfile
from core.postcodes import parse_district

ONCE = "once"
WEEKLY = "weekly"


# --- whose basket ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """Someone the actor may order for: themselves or a person they help."""

    person_id: str
    name: str
    is_self: bool


async def people_to_order_for(actor: Actor) -> list[Choice]:
    """The actor first (if they are a person), then everyone they may spend for through
    live circle or broker access with "manage". Council officers give ``person_id``."""
    member = actor.membership
    if member is None or member.status != MembershipStatus.ACTIVE or actor.user is None:
        return []
    choices = []
    if Role.PERSON.value in member.roles:
        choices.append(Choice(str(member.id), actor.user.display_name, True))
    for access in await people_supported_by(member):
        if access.access != AccessLevel.MANAGE:
            continue
        person = access.person
        if person.status != MembershipStatus.ACTIVE or Role.PERSON.value not in person.roles:
            continue
        if all(c.person_id != str(person.id) for c in choices):
            choices.append(Choice(str(person.id), person.user.display_name, False))
    return choices


async def whose(actor: Actor, person_id: str | None) -> bool:
    """True when a person is named, or the actor is a person: else the page asks whose."""
    member = actor.membership
    return bool(person_id) or (member is not None and Role.PERSON.value in member.roles)


async def people_supported(actor: Actor) -> list[Any]:
    """Everyone the actor supports (circle or broker, live access), to choose from."""
    if actor.membership is None:
        return []
    return await people_supported_by(actor.membership)


async def person_for(actor: Actor, person_id: str | None, permission: Permission) -> Membership:
    """Whose basket or orders: ``person_id`` if given (someone the actor may act for), else
    the actor themselves. NotFound for anyone the actor may not see."""
    if person_id:
        person = await get_person(actor, person_id)
    else:
        member = actor.membership
        if member is None or Role.PERSON.value not in member.roles:
            raise NotFound("choose whose basket to see")
        person = member
    return await person_side(actor, person, permission)


async def home_district(person: Membership) -> str | None:
    """The postcode district the person lives in, if we know it (for area prices)."""
    profile = await PersonProfile.get_or_none(membership_id=person.id)
    if profile is None or not profile.postcode:
        return None
    return district_or_none(profile.postcode) or parse_district(profile.postcode)


@dataclass
class AddForm:
    """What the service page needs to offer "Add to basket"."""

    choices: list[Choice]
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    sign_in: bool = False  # not signed in: offer to sign in instead

    @property
    def days(self) -> list[tuple[str, str]]:
        """The weekday checkboxes: (form value, name)."""
        return list(zip(WEEKDAYS, DAY_NAMES, strict=True))

    @property
    def ticked(self) -> list[str]:
        return [d for d in self.values.get("days", "").split(",") if d]


async def add_form_for(
    actor: Actor, service: Service, postcode: str = "", person_id: str | None = None
) -> AddForm | None:
    """The add-to-basket form for a service page, or None when it takes no bookings or the
    visitor cannot order for anyone."""
    if not service.takes_bookings:
        return None
    if not actor.is_signed_in:
        return AddForm([], {}, sign_in=True)
    choices = await people_to_order_for(actor)
    if not choices:
        return None
    chosen = next((c for c in choices if c.person_id == person_id), choices[0])
    if not postcode:
        member = await Membership.get_or_none(id=parse_uuid(chosen.person_id))
        postcode = (await home_district(member) or "") if member else ""
    values = {
        "person_id": chosen.person_id,
        "quantity": str(max(service.minimum_units, 1)),
        "when": ONCE,
        "area_postcode": postcode,
    }
    return AddForm(choices, values)


# --- reading the form -----------------------------------------------------------------------


_TIME_FORMAT = "%H:%M"


def _clock(value: str) -> time | None:
    parts = value.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def quantity_from(text: str, problems: list[FieldProblem]) -> int:
    value = text.strip() or "1"
    if not value.isdigit() or not 1 <= int(value) <= MAX_QUANTITY:
        problems.append(
            FieldProblem("quantity", f"Enter how many, a whole number from 1 to {MAX_QUANTITY}")
        )
        return 1
    return int(value)


def line_from_form(service_id: Any, values: Mapping[str, str]) -> OrderLine:
    """The order line the add-to-basket form describes: once (``on_date`` with times) or a
    weekly pattern (``recurrence_from_form``). Raises InvalidInput naming each field."""
    problems: list[FieldProblem] = []
    quantity = quantity_from(values.get("quantity", ""), problems)
    postcode = (values.get("area_postcode") or "").strip()
    district = None
    if postcode:
        district = district_or_none(postcode)
        if district is None:
            problems.append(FieldProblem("area_postcode", "Enter a postcode like HA1 2AB, or HA1"))
    stream_id = (values.get("stream_id") or "").strip() or None
    when = values.get("when") or ONCE
    if when == WEEKLY:
        try:
            recurrence: Recurrence | None = recurrence_from_form(values)
        except InvalidInput as refused:
            problems += refused.problems
            recurrence = None
        if recurrence is not None and recurrence.first_date < uk_today():
            problems.append(FieldProblem("first_date", "The first visit cannot be in the past"))
        if problems:
            raise InvalidInput("some details need changing", problems)
        return OrderLine(
            service_id, quantity, district=district, recurrence=recurrence, stream_id=stream_id
        )
    if when != ONCE:
        problems.append(FieldProblem("when", "Choose once, or every week"))
    on_date = None
    text = (values.get("on_date") or "").strip()
    if not text:
        problems.append(FieldProblem("on_date", "Enter the date of the visit, like 2026-03-03"))
    else:
        try:
            on_date = date.fromisoformat(text)
        except ValueError:
            problems.append(FieldProblem("on_date", "Enter a real date, like 2026-03-03"))
        if on_date is not None and on_date < uk_today():
            problems.append(FieldProblem("on_date", "The date cannot be in the past"))
    start = _clock(values.get("once_start", ""))
    end = _clock(values.get("once_end", ""))
    if start is None:
        problems.append(FieldProblem("once_start", "Enter a starting time, like 09:30"))
    if end is None:
        problems.append(FieldProblem("once_end", "Enter a finishing time, like 11:30"))
    if start is not None and end is not None and end <= start:
        problems.append(
            FieldProblem("once_end", "The finishing time must be later than the starting time")
        )
    if problems:
        raise InvalidInput("some details need changing", problems)
    return OrderLine(
        service_id,
        quantity,
        district=district,
        on_date=on_date,
        start_time=start,
        end_time=end,
        stream_id=stream_id,
    )


# --- changing the basket --------------------------------------------------------------------


async def add_item(
    actor: Actor,
    person: Membership,
    service_id: Any,
    values: Mapping[str, str],
    *,
    policy: AccreditationPolicy | None = None,
) -> BasketItem:
    """Put a service in the person's basket at the price it has now (for their district).

    A service that cannot be ordered at all (not bookable, not offered in the district) is
    refused here; money problems are shown on the basket page, where they can be fixed."""
    person = await person_side(actor, person, Permission.SPEND_BUDGET)
    line = line_from_form(service_id, values)
    priced = await quote(actor, person, [line], policy=policy)
    [result] = priced.lines
    blocking = [p for p in result.problems if p.kind in {"unavailable", "not-offered-here"}]
    if blocking or result.service is None:
        field_name = (
            "area_postcode" if any(p.kind == "not-offered-here" for p in blocking) else "when"
        )
        reason = blocking[0].reason if blocking else "This service cannot be ordered here."
        raise InvalidInput(reason, [FieldProblem(field_name, reason)])
    rule = line.recurrence.to_rfc5545() if line.recurrence is not None else None
    assert actor.membership is not None
    return await BasketItem.create(
        id=uuid.uuid4(),
        tenant_id=person.tenant_id,  # type: ignore[attr-defined]
        person=person,
        added_by=actor.membership,
        service=result.service,
        quantity=line.quantity,
        on_date=line.on_date,
        start_time=line.start_time.strftime(_TIME_FORMAT) if line.start_time else None,
        end_time=line.end_time.strftime(_TIME_FORMAT) if line.end_time else None,
        rule=rule,
        district=result.district,
        unit_price_pence=result.unit_price_pence,
        stream_id=result.stream.id if line.stream_id and result.stream else None,
    )


async def item_of(actor: Actor, person: Membership, item_id: Any) -> BasketItem:
    """One item of this person's basket; anything else is NotFound."""
    uid = parse_uuid(item_id)
    item = None
    if uid is not None and actor.tenant is not None:
        item = await BasketItem.get_or_none(
            id=uid, tenant_id=actor.tenant.id, person_id=person.id
        ).prefetch_related("service__store")
    if item is None:
        raise NotFound("no such item in the basket")
    return item


async def change_item(
    actor: Actor, person: Membership, item_id: Any, values: Mapping[str, str]
) -> BasketItem:
    """Change how many, and which money pays ("" for automatic)."""
    person = await person_side(actor, person, Permission.SPEND_BUDGET)
    item = await item_of(actor, person, item_id)
    problems: list[FieldProblem] = []
    quantity = quantity_from(values.get("quantity", str(item.quantity)), problems)
    stream_text = (values.get("stream_id") or "").strip()
    stream_id = None
    if stream_text:
        stream_id = parse_uuid(stream_text)
        stream = (
            await FundingStream.get_or_none(id=stream_id).prefetch_related("budget")
            if stream_id
            else None
        )
        if stream is None or stream.budget.person_id != person.id:  # type: ignore[attr-defined]
            problems.append(FieldProblem("stream_id", "Choose who pays from the list"))
    if problems:
        raise InvalidInput("some details need changing", problems)
    item.quantity = quantity
    item.stream_id = stream_id  # type: ignore[attr-defined]
    await item.save(update_fields=["quantity", "stream_id"])
    return item


async def remove_item(actor: Actor, person: Membership, item_id: Any) -> None:
    person = await person_side(actor, person, Permission.SPEND_BUDGET)
    item = await item_of(actor, person, item_id)
    await item.delete()


# --- the basket page ------------------------------------------------------------------------


@dataclass
class ItemView:
    """One basket item as the page shows it, with its quote."""

    item: BasketItem
    when: str  # the date and time, or the weekly pattern, in words
    quote: LineQuote | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def price_now_pence(self) -> int:
        return self.quote.committed_pence if self.quote else 0


@dataclass
class BasketView:
    person: Membership
    items: list[ItemView]
    quote: Quote | None
    streams: list[FundingStream]

    @property
    def problems(self) -> list[str]:
        return [problem for view in self.items for problem in view.problems]

    @property
    def ok(self) -> bool:
        return bool(self.items) and not self.problems

    @property
    def total_pence(self) -> int:
        return self.quote.total_pence if self.quote else 0

    @property
    def available_pence(self) -> int:
        return self.quote.available_pence if self.quote else 0

    @property
    def left_after_pence(self) -> int:
        return self.available_pence - self.total_pence


def _recurrence_of(item: BasketItem) -> Recurrence | None:
    if not item.rule:
        return None
    try:
        return Recurrence.from_rfc5545(item.rule)
    except UnsupportedRule:
        return None


def when_words(item: BasketItem) -> str:
    recurrence = _recurrence_of(item)
    if recurrence is not None:
        return describe(recurrence)
    if item.on_date is None:
        return "No date chosen"
    return f"{long_date(item.on_date)}, {item.start_time} to {item.end_time}"


def line_of(item: BasketItem) -> OrderLine | None:
    """The order line a stored item stands for (None if it cannot be read any more)."""
    stream_id = item.stream_id  # type: ignore[attr-defined]
    if item.rule:
        recurrence = _recurrence_of(item)
        if recurrence is None:
            return None
        return OrderLine(
            item.service_id,  # type: ignore[attr-defined]
            item.quantity,
            district=item.district,
            recurrence=recurrence,
            stream_id=stream_id,
        )
    start, end = _clock(item.start_time or ""), _clock(item.end_time or "")
    if item.on_date is None or start is None or end is None:
        return None
    return OrderLine(
        item.service_id,  # type: ignore[attr-defined]
        item.quantity,
        district=item.district,
        on_date=item.on_date,
        start_time=start,
        end_time=end,
        stream_id=stream_id,
    )


def _first_day(line: OrderLine) -> date | None:
    return line.recurrence.first_date if line.recurrence is not None else line.on_date


async def basket_items(person: Membership) -> list[BasketItem]:
    return list(
        await BasketItem.filter(tenant_id=person.tenant_id, person_id=person.id)  # type: ignore[attr-defined]
        .order_by("created_at", "id")
        .prefetch_related("service__store", "stream")
    )


async def basket_view(
    actor: Actor,
    person: Membership,
    *,
    policy: AccreditationPolicy | None = None,
) -> BasketView:
    """The basket with its quote: each item's price now, who pays, and every problem in
    plain words, before anything is ordered. Writes nothing."""
    person = await person_side(actor, person, Permission.VIEW_BUDGET)
    items = await basket_items(person)
    views = [ItemView(item, when_words(item)) for item in items]
    today = uk_today()
    quoted: list[tuple[ItemView, OrderLine]] = []
    for view in views:
        line = line_of(view.item)
        first = _first_day(line) if line is not None else None
        if line is None or first is None:
            view.problems.append("This item cannot be read any more. Please remove it.")
        elif first < today:
            view.problems.append(
                f"The first visit, {long_date(first)}, has passed. "
                "Please remove this and add it again with new dates."
            )
        else:
            quoted.append((view, line))
    priced = None
    if quoted:
        priced = await quote(actor, person, [line for _, line in quoted], policy=policy)
        for (view, _), result in zip(quoted, priced.lines, strict=True):
            view.quote = result
            view.problems += [p.reason for p in result.problems]
            if result.note:
                view.notes.append(result.note)
            if result.unit_price_pence != view.item.unit_price_pence and not result.problems:
                view.notes.append(
                    f"The price has changed from {pounds(view.item.unit_price_pence)} to "
                    f"{pounds(result.unit_price_pence)} since this was added."
                )
            view.notes += result.skipped
    streams: list[FundingStream] = []
    if priced is not None and priced.budget is not None:
        streams = list(await priced.budget.streams.all().order_by("position", "created_at"))
    return BasketView(person, views, priced, streams)


# --- checking out ---------------------------------------------------------------------------


async def check_out(
    actor: Actor,
    person: Membership,
    key: str,
    item_ids: Sequence[Any],
    *,
    policy: AccreditationPolicy | None = None,
    ordering: OrderingPolicy | None = None,
) -> PlacedOrders:
    """Order the basket items the page showed (``item_ids``), in one go, and take them out
    of the basket. ``key`` comes from the basket page: the same key again (a double click,
    a refresh) answers with the orders already placed and places nothing new.

    Raises OrderRefused (nothing held), InvalidInput, NotFound or PermissionDenied."""
    person = await person_side(actor, person, Permission.SPEND_BUDGET)
    wanted = {parse_uuid(i) for i in item_ids} - {None}
    items = [item for item in await basket_items(person) if item.id in wanted]
    lines = []
    for item in items:
        line = line_of(item)
        if line is None:
            raise InvalidInput(
                "an item cannot be read any more",
                [FieldProblem("basket", "Remove the item that cannot be read, then try again")],
            )
        lines.append(line)
    placed = await place_order(
        actor, person, lines, idempotency_key=key, policy=policy, ordering=ordering
    )
    if items:
        await BasketItem.filter(id__in=[item.id for item in items], person_id=person.id).delete()
    return placed
