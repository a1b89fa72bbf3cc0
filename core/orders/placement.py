"""Placing orders: the one service every order goes through (basket, API, bulk scheduling).

``quote`` works out, writing nothing, what each line would cost, how many visits are
committed now, which funding stream pays and what is left, with a plain reason for every
line that cannot be ordered. ``place_order`` checks the actor may spend the person's money,
runs the same quote, and then in ONE transaction writes one order per provider store, a
booking and a ledger hold per line, the provider's emails (through the outbox), in-app
notices and an audit event. A refusal holds nothing.

Money that is committed now (issue 6): a one-off visit, or every visit of a recurring
booking from its first date to the earlier of its own end and the end of the budget period.

Holds are placed in a fixed order (by budget, then stream) so two orders on the same
budget never deadlock, and each hold is the ledger's own guarded update
(``core.ledger.holds.place_hold``), so concurrent orders can never overspend.

Idempotency: the first order of a placement (stores sorted by id) carries the caller's key
exactly, any further ones ``"<key>/<store id>"``. ``Order.idempotency_key`` is unique per
council, so a concurrent duplicate fails on insert, rolls back whole, and is answered with
the orders the winner placed.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.accreditation.policy import AccreditationPolicy
from core.audit.actions import AuditAction
from core.audit.services import record
from core.budgets.models import Budget, BudgetStatus, FundingStream
from core.budgets.restrictions import may_pay_for
from core.clock import long_date, uk_time_words, uk_today, utcnow
from core.email.services import queue_email
from core.errors import Conflict, FieldProblem, InvalidInput
from core.identity.actor import Actor
from core.identity.models import AccessKind, Membership
from core.identity.permissions import active_access
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.ledger.accounts import accounts_for
from core.ledger.errors import FundingRestricted, NotEnoughMoney
from core.ledger.holds import place_hold
from core.ledger.models import AccountKind
from core.ledger.money import pounds
from core.marketplace.categories import Kind, kind_of_service
from core.marketplace.districts import district_or_none
from core.marketplace.models import Service, Store
from core.marketplace.pricing import area_prices
from core.marketplace.visibility import visible_services
from core.orders.access import person_side
from core.orders.errors import LineProblem, OrderRefused, ProblemKind
from core.orders.materialise import materialise_new_bookings
from core.orders.models import (
    ActingAs,
    Booking,
    BookingKind,
    Order,
)
from core.orders.notices import notify, provider_addresses, provider_team
from core.orders.policy import OrderingPolicy
from core.orders.recurrence import Recurrence, describe, expand, last_date

MAX_QUANTITY = 1_000
MAX_KEY_LENGTH = 150  # leaves room for "/<store id>" within the column's 200


# --- what is asked for and what it would cost ----------------------------------------------


@dataclass(frozen=True)
class OrderLine:
    """One service the person wants: once (``on_date`` with start and end times) or on a
    weekly ``recurrence``. ``district``: a postcode or district as typed (None: the
    service's own price). ``stream_id``: the funding stream the person chose (None: choose
    automatically)."""

    service_id: Any
    quantity: int = 1
    district: str | None = None
    on_date: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    recurrence: Recurrence | None = None
    stream_id: Any = None


@dataclass
class LineQuote:
    line: int
    service: Service | None
    kind: BookingKind
    quantity: int
    district: str | None
    unit_price_pence: int = 0
    sessions: int = 0
    committed_pence: int = 0
    stream: FundingStream | None = None
    starts_on: date | None = None
    ends_on: date | None = None  # None: until the budget period ends
    start_time: str | None = None
    end_time: str | None = None
    rule: str | None = None
    category: str | None = None
    category_label: str | None = None
    pattern: str | None = None  # the recurring pattern in plain English
    skipped: list[str] = field(default_factory=list)  # visits left out, and why
    note: str | None = None  # e.g. the chosen stream could not pay, so another does
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.service.title if self.service is not None else "This service"

    @property
    def store(self) -> Store | None:
        return self.service.store if self.service is not None else None

    @property
    def stream_name(self) -> str | None:
        return self.stream.name if self.stream is not None else None


@dataclass
class Quote:
    person: Membership
    budget: Budget | None
    lines: list[LineQuote]
    available_pence: int  # in the budget now, all streams

    @property
    def total_pence(self) -> int:
        return sum(line.committed_pence for line in self.lines)

    @property
    def left_after_pence(self) -> int:
        return self.available_pence - self.total_pence

    @property
    def problems(self) -> list[LineProblem]:
        return [problem for line in self.lines for problem in line.problems]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class PlacedOrders:
    orders: list[Order]
    bookings: list[Booking]
    replayed: bool = False  # True: the idempotency key was seen before; nothing new placed
    quote: Quote | None = None

    @property
    def total_pence(self) -> int:
        return sum(order.total_pence for order in self.orders)


# --- the services ---------------------------------------------------------------------------


async def quote(
    actor: Actor,
    person_membership: Membership,
    lines: Sequence[OrderLine],
    *,
    policy: AccreditationPolicy | None = None,
) -> Quote:
    """What ``lines`` would cost and who pays, with a reason for each line that cannot be
    ordered. Writes nothing (apart from auditing a refused permission)."""
    person = await person_side(actor, person_membership, Permission.VIEW_BUDGET)
    return await _quote(actor, person, lines, policy or AccreditationPolicy())


async def place_order(
    actor: Actor,
    person_membership: Membership,
    lines: Sequence[OrderLine],
    *,
    idempotency_key: str | None,
    policy: AccreditationPolicy | None = None,
    ordering: OrderingPolicy | None = None,
) -> PlacedOrders:
    """Place ``lines`` for the person: orders, bookings and holds in one transaction.
    ``ordering``: the council's rules (how long the provider has to answer).

    Raises OrderRefused (reasons per line, nothing held), InvalidInput, NotFound (a person
    the actor may not see) or PermissionDenied (may see, may not spend).
    """
    person = await person_side(actor, person_membership, Permission.SPEND_BUDGET)
    key = clean_key(idempotency_key)
    tenant_id = person.tenant_id
    if key is not None and (done := await _already_placed(tenant_id, key, person)) is not None:
        return done
    priced = await _quote(actor, person, lines, policy or AccreditationPolicy())
    if priced.problems:
        raise OrderRefused(priced.problems)
    assert priced.budget is not None or priced.total_pence == 0
    acting_as = await _acting_as(actor, person)
    try:
        async with in_transaction():
            placed = await _write(
                actor, person, priced, acting_as, key, ordering or OrderingPolicy()
            )
    except _LineFailed as failed:
        raise OrderRefused([failed.problem]) from failed.error
    except IntegrityError:
        if key is not None and (done := await _already_placed(tenant_id, key, person)):
            return done
        raise
    placed.quote = priced
    return placed


# --- permission -----------------------------------------------------------------------------


async def _acting_as(actor: Actor, person: Membership) -> ActingAs:
    """Self, a circle member or a broker. A council officer counts as a broker (someone
    managing the budget for the person). A partner API client has no membership: it is
    recorded as the person's own order, and the audit event names the client."""
    member = actor.membership
    if member is None or member.id == person.id:
        return ActingAs.SELF
    access = await active_access(person, member)
    if access is not None:
        return ActingAs.BROKER if access.kind == AccessKind.BROKER else ActingAs.CIRCLE
    return ActingAs.BROKER


# --- quoting --------------------------------------------------------------------------------


async def _quote(
    actor: Actor, person: Membership, lines: Sequence[OrderLine], policy: AccreditationPolicy
) -> Quote:
    today = uk_today()
    check_shape(lines, today)
    tenant_id = person.tenant_id  # type: ignore[attr-defined]
    budget = await _current_budget(tenant_id, person, today)
    streams: list[FundingStream] = (
        list(await budget.streams.all().order_by("position", "created_at")) if budget else []
    )
    accounts = await accounts_for(s.id for s in streams) if streams else {}
    remaining = {s.id: accounts[s.id][AccountKind.AVAILABLE].balance_pence for s in streams}
    available = sum(remaining.values())
    services = await _visible(actor, person, policy, [line.service_id for line in lines])

    quoted: list[LineQuote] = []
    for index, line in enumerate(lines):
        district = district_or_none(line.district) if line.district else None
        result = LineQuote(
            line=index,
            service=services.get(parse_uuid(line.service_id)),
            kind=BookingKind.RECURRING if line.recurrence else BookingKind.ONE_OFF,
            quantity=line.quantity,
            district=district,
        )
        quoted.append(result)
        service = result.service
        if service is None or not service.takes_bookings:
            result.problems.append(
                LineProblem(
                    index,
                    ProblemKind.UNAVAILABLE,
                    f"{service.title if service else 'This service'} cannot be ordered here "
                    "at the moment.",
                )
            )
            continue
        kind = await kind_of_service(tenant_id, service.category)
        result.category, result.category_label = service.category, kind.label
        price = (await area_prices([service], district))[service.id]
        if price is None:
            result.problems.append(
                LineProblem(
                    index,
                    ProblemKind.NOT_OFFERED_HERE,
                    f"{service.store.name} does not offer {service.title} in {district}.",
                )
            )
            continue
        result.unit_price_pence = price
        if not _count_sessions(result, line, budget, today):
            continue
        result.committed_pence = result.sessions * line.quantity * price
        if result.committed_pence:
            _choose_stream(result, line, kind, streams, remaining)
    return Quote(person=person, budget=budget, lines=quoted, available_pence=available)


def check_shape(lines: Sequence[OrderLine], today: date) -> None:
    """Refuse malformed requests (a form or program error), naming every bad field."""
    problems: list[FieldProblem] = []
    if not lines:
        raise InvalidInput("there is nothing to order", [FieldProblem("lines", "Add a service")])
    for i, line in enumerate(lines):
        at = f"lines.{i}"
        if parse_uuid(line.service_id) is None:
            problems.append(FieldProblem(f"{at}.service_id", "Choose a service"))
        if (
            not isinstance(line.quantity, int)
            or isinstance(line.quantity, bool)
            or not 1 <= line.quantity <= MAX_QUANTITY
        ):
            problems.append(
                FieldProblem(f"{at}.quantity", f"Enter a whole number from 1 to {MAX_QUANTITY}")
            )
        if line.district and district_or_none(line.district) is None:
            problems.append(FieldProblem(f"{at}.district", "Enter a postcode like HA1 2AB, or HA1"))
        if line.stream_id is not None and parse_uuid(line.stream_id) is None:
            problems.append(FieldProblem(f"{at}.stream_id", "Choose who pays from the list"))
        if (line.recurrence is None) == (line.on_date is None):
            problems.append(FieldProblem(f"{at}.on_date", "Choose a date, or a weekly pattern"))
            continue
        if line.recurrence is not None:
            if line.recurrence.first_date < today:
                problems.append(
                    FieldProblem(f"{at}.recurrence", "The first visit cannot be in the past")
                )
            continue
        assert line.on_date is not None
        if line.on_date < today:
            problems.append(FieldProblem(f"{at}.on_date", "The date cannot be in the past"))
        if line.start_time is None or line.end_time is None:
            problems.append(FieldProblem(f"{at}.start_time", "Enter a start and finish time"))
        elif line.end_time <= line.start_time:
            problems.append(
                FieldProblem(f"{at}.end_time", "The finish time must be after the start time")
            )
    if problems:
        raise InvalidInput("some details of the order need changing", problems)


async def _current_budget(tenant_id: int, person: Membership, today: date) -> Budget | None:
    """The person's active budget whose period includes today (None if there is none)."""
    budgets = await Budget.filter(
        tenant_id=tenant_id, person_id=person.id, status=BudgetStatus.ACTIVE
    ).order_by("-period_start")
    return next((b for b in budgets if b.period_start <= today <= b.period_end), None)


async def _visible(
    actor: Actor, person: Membership, policy: AccreditationPolicy, ids: list[Any]
) -> dict[Any, Service]:
    """The asked-for services that are live and that the actor or the person may see."""
    keys = [key for key in (parse_uuid(i) for i in ids) if key is not None]
    viewers = [actor]
    if actor.membership is None or actor.membership.id != person.id:
        viewers.append(Actor(tenant=actor.tenant, user=person.user, membership=person))
    found: dict[Any, Service] = {}
    for viewer in viewers:
        query = (await visible_services(viewer, policy)).filter(id__in=keys or [None])
        for service in await query.prefetch_related("store"):
            found.setdefault(service.id, service)
    return found


def _count_sessions(result: LineQuote, line: OrderLine, budget: Budget | None, today: date) -> bool:
    """Fill in the dates, times and number of visits committed now; False if there is a
    problem (recorded on ``result``)."""
    index = result.line
    free = result.unit_price_pence == 0
    if line.recurrence is None:
        assert line.on_date is not None and line.start_time and line.end_time
        result.starts_on = result.ends_on = line.on_date
        result.start_time, result.end_time = _hhmm(line.start_time), _hhmm(line.end_time)
        result.sessions = 1
        if free:
            return True
        if budget is None:
            result.problems.append(_ended(index))
            return False
        if line.on_date > budget.period_end:
            result.problems.append(_after_budget(index, budget))
            return False
        return True
    rec = line.recurrence
    result.starts_on = rec.first_date
    result.ends_on = rec.until_date or last_date(rec)
    result.start_time, result.end_time = _hhmm(rec.start_time), _hhmm(rec.end_time)
    result.rule = rec.to_rfc5545()
    result.pattern = describe(rec)
    if budget is None:
        if free:
            result.sessions = 0
            return True
        result.problems.append(_ended(index))
        return False
    if rec.first_date > budget.period_end:
        if free:
            return True
        result.problems.append(_after_budget(index, budget))
        return False
    window_end = min(result.ends_on or budget.period_end, budget.period_end)
    expansion = expand(rec, rec.first_date, window_end)
    result.sessions = len(expansion.occurrences)
    result.skipped = [skip.explanation for skip in expansion.skipped]
    if result.sessions == 0 and not free:
        result.problems.append(
            LineProblem(
                index,
                ProblemKind.NO_SESSIONS,
                f"No visits of {result.title} fall before your budget ends on "
                f"{long_date(budget.period_end)}.",
            )
        )
        return False
    return True


def _choose_stream(
    result: LineQuote,
    line: OrderLine,
    kind: Kind,
    streams: list[FundingStream],
    remaining: dict[Any, int],
) -> None:
    """The chosen stream if it may pay and has room, else the first that may and has.
    Lines are taken in order, each using up what it would hold."""
    assert result.category is not None
    need = result.committed_pence
    eligible = [s for s in streams if may_pay_for(s, result.category, kind.standard_code)]
    label = kind.label.lower()
    if not eligible:
        result.problems.append(
            LineProblem(
                result.line,
                ProblemKind.RESTRICTED,
                f"Your {_names(streams)} money cannot pay for {label}."
                if streams
                else "Your budget has no money in it yet, so it cannot pay for anything.",
            )
        )
        return
    chosen = None
    if line.stream_id is not None:
        chosen = next((s for s in streams if s.id == parse_uuid(line.stream_id)), None)
        if chosen is None:
            raise InvalidInput(
                "that money is not part of this budget",
                [FieldProblem(f"lines.{result.line}.stream_id", "Choose who pays from the list")],
            )
    if chosen is not None and chosen in eligible and remaining[chosen.id] >= need:
        pick: FundingStream | None = chosen
    else:
        pick = next((s for s in eligible if remaining[s.id] >= need), None)
        if chosen is not None and pick is not None:
            why = "cannot pay for" if chosen not in eligible else "does not have enough for"
            result.note = f"Your {chosen.name} money {why} {label}, so {pick.name} will pay."
    if pick is None:
        have = sum(max(remaining[s.id], 0) for s in eligible)
        result.problems.append(
            LineProblem(
                result.line,
                ProblemKind.NOT_ENOUGH_MONEY,
                f"There is not enough money for {result.title}: {pounds(have)} is available "
                f"for {label}, and {pounds(need)} is needed.",
                available_pence=have,
                needed_pence=need,
            )
        )
        return
    result.stream = pick
    remaining[pick.id] -= need


# --- writing --------------------------------------------------------------------------------


class _LineFailed(Exception):
    """A hold was refused inside the transaction (someone else took the money first)."""

    def __init__(self, problem: LineProblem, error: Exception) -> None:
        super().__init__(problem.reason)
        self.problem = problem
        self.error = error


async def _write(
    actor: Actor,
    person: Membership,
    priced: Quote,
    acting_as: ActingAs,
    key: str | None,
    ordering: OrderingPolicy,
) -> PlacedOrders:
    tenant_id = person.tenant_id  # type: ignore[attr-defined]
    budget = priced.budget
    by_store: dict[Any, list[LineQuote]] = defaultdict(list)
    for line in priced.lines:
        assert line.service is not None
        by_store[line.service.store_id].append(line)  # type: ignore[attr-defined]
    respond_by = utcnow() + timedelta(hours=ordering.response_hours)
    placed_by = actor.membership or person

    # Orders first: a concurrent duplicate of the key fails here, before any money moves.
    orders: dict[Any, Order] = {}
    for number, store_id in enumerate(sorted(by_store, key=str)):
        lines = by_store[store_id]
        orders[store_id] = await Order.create(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            person=person,
            placed_by=placed_by,
            acting_as=acting_as,
            api_client_id=actor.api_client_id,
            budget_id=budget.id if budget else await _any_budget_id(person),
            store_id=store_id,
            respond_by=respond_by,
            total_pence=sum(line.committed_pence for line in lines),
            idempotency_key=None if key is None else key if number == 0 else f"{key}/{store_id}",
        )

    # Holds in a fixed order (budget, stream, line), so concurrent orders never deadlock.
    booking_ids = {line.line: uuid.uuid4() for line in priced.lines}
    holds: dict[int, Any] = {}
    paying = [line for line in priced.lines if line.committed_pence > 0]
    for line in sorted(paying, key=_hold_order):
        assert budget is not None and line.stream is not None and line.category is not None
        try:
            hold = await place_hold(
                budget,
                line.committed_pence,
                line.category,
                _hold_description(line),
                actor.audit_label,
                stream_id=line.stream.id,
                reference=f"booking:{booking_ids[line.line]}",
            )
        except (NotEnoughMoney, FundingRestricted) as refusal:
            raise _LineFailed(_refusal_problem(line, refusal), refusal) from refusal
        holds[line.line] = hold

    bookings: list[Booking] = []
    for line in priced.lines:
        assert line.service is not None and line.starts_on is not None
        hold = holds.get(line.line)
        bookings.append(
            await Booking.create(
                id=booking_ids[line.line],
                tenant_id=tenant_id,
                order=orders[line.service.store_id],  # type: ignore[attr-defined]
                service=line.service,
                kind=line.kind,
                quantity=line.quantity,
                unit=line.service.unit,
                unit_price_pence=line.unit_price_pence,
                district=line.district,
                rule=line.rule,
                starts_on=line.starts_on,
                ends_on=line.ends_on,
                start_time=line.start_time,
                end_time=line.end_time,
                stream_id=hold.stream_id if hold else None,
                hold=hold,
                committed_pence=line.committed_pence,
            )
        )

    await materialise_new_bookings(bookings, uk_today())

    for store_id, order in orders.items():
        store = by_store[store_id][0].store
        assert store is not None
        await _tell_everyone(actor, person, order, store, by_store[store_id])
        await record(
            tenant_id,
            AuditAction.ORDER_PLACED,
            actor,
            target_type="order",
            target_id=order.id,
            target_label=f"{store.name} for {person.user.display_name}",
            details={
                "person_id": person.id,
                "acting_as": acting_as.value,
                "total_pence": order.total_pence,
                "bookings": [
                    {
                        "service_id": line.service.id if line.service else None,
                        "committed_pence": line.committed_pence,
                        "stream_id": line.stream.id if line.stream else None,
                        "sessions": line.sessions,
                    }
                    for line in by_store[store_id]
                ],
                "idempotency_key": order.idempotency_key,
            },
        )
    return PlacedOrders(orders=list(orders.values()), bookings=bookings)


def _hold_order(line: LineQuote) -> tuple[str, str, int]:
    # One budget per placement today; the budget comes first so bulk runs can share this.
    stream = line.stream
    return (str(stream.budget_id) if stream else "", str(stream.id) if stream else "", line.line)  # type: ignore[attr-defined]


async def _any_budget_id(person: Membership) -> Any:
    """An order of free services only still names a budget (the column is required)."""
    budget = await Budget.filter(person_id=person.id).order_by("-period_start").first()
    if budget is None:
        raise OrderRefused(
            [LineProblem(0, ProblemKind.BUDGET_ENDED, "You do not have a budget to order with.")]
        )
    return budget.id


async def _tell_everyone(
    actor: Actor, person: Membership, order: Order, store: Store, lines: list[LineQuote]
) -> None:
    """Email the provider's owners (through the outbox) and notify the person and the
    provider's team in the app, in the order's transaction."""
    tenant_id = order.tenant_id
    name = person.user.display_name
    what = "; ".join(_line_words(line) for line in lines)
    by = "" if order.acting_as == ActingAs.SELF else f" ({_by_words(actor, order)})"
    answer_by = uk_time_words(order.respond_by)
    await notify(
        tenant_id,
        person,
        "order_placed",
        f"Your order from {store.name} has been sent",
        f"{what}. {pounds(order.total_pence)} has been set aside from your budget. "
        f"{store.name} has until {answer_by} to accept it.",
        f"/orders/{order.id}",
    )
    for member in await provider_team(tenant_id, store):
        await notify(
            tenant_id,
            member,
            "order_received",
            f"New order from {name}",
            f"{what}{by}. Please accept or decline it by {answer_by}.",
            f"/provider/orders/{order.id}",
        )
    for address in await provider_addresses(store):
        await queue_email(
            tenant_id,
            address,
            f"New order from {name}",
            (
                f"{name} has ordered from {store.name}{by}:\n\n{what}\n\n"
                f"Total: {pounds(order.total_pence)}. The money is set aside.\n"
                f"Please accept or decline the order by {answer_by}. If you do not answer by "
                "then, the order lapses and the money is released.\n"
            ),
            "order_placed",
        )


async def _already_placed(tenant_id: int, key: str, person: Membership) -> PlacedOrders | None:
    """The orders an earlier placement with ``key`` made, or None."""
    first = await Order.get_or_none(tenant_id=tenant_id, idempotency_key=key)
    if first is None:
        return None
    if first.person_id != person.id:  # type: ignore[attr-defined]
        raise Conflict("this request was already used for a different order")
    others = await Order.filter(
        tenant_id=tenant_id,
        person_id=person.id,
        idempotency_key__startswith=f"{key}/",
    )
    orders = [first, *sorted(others, key=lambda o: str(o.store_id))]  # type: ignore[attr-defined]
    bookings = await Booking.filter(order_id__in=[o.id for o in orders]).order_by("created_at")
    return PlacedOrders(orders=orders, bookings=list(bookings), replayed=True)


# --- words ----------------------------------------------------------------------------------


def clean_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or "/" in key:
        raise InvalidInput(
            "the request key is not right",
            [
                FieldProblem(
                    "idempotency_key",
                    f"must be 1 to {MAX_KEY_LENGTH} characters, without a slash",
                )
            ],
        )
    return key


def _refusal_problem(line: LineQuote, refusal: Exception) -> LineProblem:
    if isinstance(refusal, NotEnoughMoney):
        label = (line.category_label or "this").lower()
        return LineProblem(
            line.line,
            ProblemKind.NOT_ENOUGH_MONEY,
            f"There is not enough money for {line.title}: {pounds(refusal.available_pence)} is "
            f"available for {label}, and {pounds(refusal.needed_pence)} is needed.",
            available_pence=refusal.available_pence,
            needed_pence=refusal.needed_pence,
        )
    return LineProblem(line.line, ProblemKind.RESTRICTED, str(refusal))


def _ended(index: int) -> LineProblem:
    return LineProblem(
        index,
        ProblemKind.BUDGET_ENDED,
        "Your budget has ended, so no more money can be set aside. Please ask the council.",
    )


def _after_budget(index: int, budget: Budget) -> LineProblem:
    return LineProblem(
        index,
        ProblemKind.BUDGET_ENDED,
        f"Your budget ends on {long_date(budget.period_end)}, "
        "so it cannot pay for visits after that.",
    )


def _names(streams: list[FundingStream]) -> str:
    names = [s.name for s in streams]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _hhmm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _line_words(line: LineQuote) -> str:
    if line.kind == BookingKind.ONE_OFF:
        assert line.starts_on is not None
        when = f"on {long_date(line.starts_on)}, {line.start_time} to {line.end_time}"
    else:
        when = line.pattern or "weekly"
        when = f"{when[0].lower()}{when[1:]} ({line.sessions} visits for now)"
    return f"{line.title} x {line.quantity}, {when}"


def _hold_description(line: LineQuote) -> str:
    store = line.store.name if line.store else ""
    visits = "1 visit" if line.sessions == 1 else f"{line.sessions} visits"
    return f"{line.title} from {store}, {visits}"[:300]


def _by_words(actor: Actor, order: Order) -> str:
    who = actor.user.display_name if actor.user else "their budget manager"
    return f"placed by {who} for them"
