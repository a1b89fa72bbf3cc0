"""Bulk scheduling: a broker orders the same service for many people at once.

Every person's order goes through ``core.orders.placement.place_order`` on its own, in its
own transaction, held against that person's own budget. A refusal for one person holds
nothing for them and does not stop the others, and a crash part way leaves only whole
placements behind.

Re-running is safe. A run is found again by its idempotency key (unique per council), each
person's placement carries the key ``"bulk-<run id>-<person id>"`` (so ``place_order``
answers a repeat with the order it already made), and a person's result is unique per run.
So a double-submitted form returns the same run, and a run that stopped part way carries
on from where it stopped.

People the broker may not see are refused as "not found" without a result row (a row
would name them); they are counted in ``refused_count`` and in the audit event.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from tortoise.exceptions import IntegrityError

from core.accreditation.policy import AccreditationPolicy
from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import uk_today, utcnow
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.models import AccessKind, AccessLevel, Membership, PersonAccess, Role
from core.identity.permissions import PermissionDenied, refuse, require_member
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.marketplace.models import Service
from core.orders.errors import OrderRefused
from core.orders.models import BulkOutcome, BulkRun, BulkRunResult, BulkRunStatus, Order
from core.orders.placement import OrderLine, check_shape, clean_key, place_order
from core.orders.policy import OrderingPolicy
from core.orders.recurrence import Recurrence

MAX_PEOPLE = 1_000

NOT_FOUND_WORDS = "We could not find this person, or you cannot order for them."
MAY_NOT_SPEND_WORDS = "You can see this person's budget, but you are not allowed to order for them."


@dataclass(frozen=True)
class BulkLine:
    """What to book for everyone: once (``on_date`` with start and end times) or on a weekly
    ``recurrence``; ``quantity`` units a visit. Each person's stream is chosen for them."""

    quantity: int = 1
    district: str | None = None
    on_date: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    recurrence: Recurrence | None = None

    def for_service(self, service_id: Any) -> OrderLine:
        return OrderLine(
            service_id=service_id,
            quantity=self.quantity,
            district=self.district,
            on_date=self.on_date,
            start_time=self.start_time,
            end_time=self.end_time,
            recurrence=self.recurrence,
        )


async def require_scheduler(actor: Actor) -> Membership:
    """Brokers and council staff who may spend budgets schedule in bulk; nobody else."""
    member = require_member(actor)
    if actor.has_role(Role.BROKER) or Permission.SPEND_BUDGET in actor.council_permissions:
        return member
    raise await refuse(actor, Permission.SPEND_BUDGET, "bulk scheduling")


async def people_to_schedule(actor: Actor) -> list[Membership]:
    """The people the actor may order for, by name: those they manage as broker or circle
    member, and for council staff every person in the council."""
    member = await require_scheduler(actor)
    assert actor.tenant is not None
    if Permission.SPEND_BUDGET in actor.council_permissions:
        people = [
            m
            for m in await Membership.filter(tenant_id=actor.tenant.id).prefetch_related("user")
            if Role.PERSON.value in m.roles
        ]
    else:
        today = uk_today()
        grants = await PersonAccess.filter(
            tenant_id=actor.tenant.id,
            grantee_id=member.id,
            revoked_at__isnull=True,
            access=AccessLevel.MANAGE,
            kind__in=[AccessKind.BROKER, AccessKind.CIRCLE],
        ).prefetch_related("person__user")
        seen: dict[Any, Membership] = {}
        for grant in grants:
            if grant.expires_on is None or grant.expires_on >= today:
                seen.setdefault(grant.person.id, grant.person)
        people = list(seen.values())
    return sorted(people, key=lambda m: (m.user.display_name.lower(), str(m.id)))


async def bulk_schedule(
    actor: Actor,
    service_id: Any,
    person_ids: Sequence[Any],
    line: BulkLine,
    *,
    idempotency_key: str | None,
    ordering: OrderingPolicy,
    policy: AccreditationPolicy,
) -> BulkRun:
    """Place ``line`` of the service for each person, each against their own budget, and
    record who was placed and who was refused and why. Returns the finished run.

    Raises InvalidInput (nobody chosen, a bad date or time: nothing is placed), NotFound
    (no such service here), PermissionDenied (not a broker or council officer) or Conflict
    (the key was used by someone else).
    """
    member = await require_scheduler(actor)
    assert actor.tenant is not None
    tenant_id = actor.tenant.id
    key = clean_key(idempotency_key) if idempotency_key and idempotency_key.strip() else None
    if key is not None:
        earlier = await BulkRun.get_or_none(tenant_id=tenant_id, idempotency_key=key)
        if earlier is not None:
            if earlier.broker_id != member.id:  # type: ignore[attr-defined]
                raise Conflict("this request was already used for a different run")
            if earlier.status == BulkRunStatus.DONE:
                return earlier
    else:
        earlier = None

    ids = _person_ids(person_ids)
    service = await Service.get_or_none(id=parse_uuid(service_id), tenant_id=tenant_id)
    if parse_uuid(service_id) is None or service is None:
        raise NotFound("no such service")
    order_line = line.for_service(service.id)
    check_shape([order_line], uk_today())

    run = earlier or await _start(actor, member, service, line, key)
    if run.status == BulkRunStatus.DONE:
        return run
    done = set(await BulkRunResult.filter(run_id=run.id).values_list("person_id", flat=True))
    found = {
        m.id: m
        for m in await Membership.filter(tenant_id=tenant_id, id__in=ids).prefetch_related(
            "user", "tenant"
        )
    }
    not_found = 0
    for person_id in ids:
        if person_id in done:
            continue
        person = found.get(person_id)
        if person is None:
            not_found += 1
            continue
        outcome = await _one(actor, run, person, order_line, ordering, policy)
        if outcome is None:
            not_found += 1
    return await _finish(actor, run, service, not_found)


async def run_for(actor: Actor, run_id: Any) -> tuple[BulkRun, list[BulkRunResult]]:
    """A run the actor started (or, for council staff, any run here), with its results."""
    member = await require_scheduler(actor)
    assert actor.tenant is not None
    uid = parse_uuid(run_id)
    run = (
        await BulkRun.get_or_none(id=uid, tenant_id=actor.tenant.id).prefetch_related(
            "service__store", "broker__user"
        )
        if uid is not None
        else None
    )
    staff = Permission.SPEND_BUDGET in actor.council_permissions
    if run is None or (run.broker_id != member.id and not staff):  # type: ignore[attr-defined]
        raise NotFound("no such run")
    results = await BulkRunResult.filter(run_id=run.id).prefetch_related("person__user", "order")
    results.sort(key=lambda r: (r.outcome != BulkOutcome.REFUSED, r.person.user.display_name))
    return run, list(results)


async def runs_of(actor: Actor, limit: int = 20) -> list[BulkRun]:
    """The actor's own recent runs, newest first."""
    member = await require_scheduler(actor)
    assert actor.tenant is not None
    return list(
        await BulkRun.filter(tenant_id=actor.tenant.id, broker_id=member.id)
        .order_by("-created_at")
        .limit(limit)
        .prefetch_related("service")
    )


# --- steps ----------------------------------------------------------------------------------


async def _start(
    actor: Actor, member: Membership, service: Service, line: BulkLine, key: str | None
) -> BulkRun:
    rule = line.recurrence.to_rfc5545() if line.recurrence else None
    try:
        return await BulkRun.create(
            id=uuid.uuid4(),
            tenant_id=service.tenant_id,
            broker=member,
            service=service,
            quantity=line.quantity,
            on_date=line.on_date,
            start_time=_hhmm(line.recurrence.start_time if line.recurrence else line.start_time),
            end_time=_hhmm(line.recurrence.end_time if line.recurrence else line.end_time),
            rule=rule,
            idempotency_key=key,
        )
    except IntegrityError:
        # The same form arrived twice at once: the first request does the work.
        run = await BulkRun.get_or_none(tenant_id=service.tenant_id, idempotency_key=key)
        if run is None:
            raise
        return run


async def _one(
    actor: Actor,
    run: BulkRun,
    person: Membership,
    line: OrderLine,
    ordering: OrderingPolicy,
    policy: AccreditationPolicy,
) -> BulkOutcome | None:
    """Place the order for one person and record the result; None: not found for them."""
    order: Order | None = None
    try:
        placed = await place_order(
            actor,
            person,
            [line],
            idempotency_key=f"bulk-{run.id}-{person.id}",
            ordering=ordering,
            policy=policy,
        )
    except NotFound:
        return None
    except PermissionDenied:
        outcome, reason = BulkOutcome.REFUSED, MAY_NOT_SPEND_WORDS
    except OrderRefused as refused:
        outcome = BulkOutcome.REFUSED
        reason = " ".join(problem.reason for problem in refused.problems) or str(refused)
    except InvalidInput as invalid:
        outcome = BulkOutcome.REFUSED
        reason = " ".join(p.message + "." for p in invalid.problems) or str(invalid)
    else:
        outcome, reason = BulkOutcome.PLACED, ""
        order = placed.orders[0]
        await Order.filter(id=order.id, bulk_run_id__isnull=True).update(bulk_run_id=run.id)
    # A concurrent re-run of the same key may have recorded this person first.
    with contextlib.suppress(IntegrityError):
        await BulkRunResult.create(
            tenant_id=run.tenant_id,
            run=run,
            person=person,
            outcome=outcome,
            reason=reason,
            order=order,
        )
    return outcome


async def _finish(actor: Actor, run: BulkRun, service: Service, not_found: int) -> BulkRun:
    placed = await BulkRunResult.filter(run_id=run.id, outcome=BulkOutcome.PLACED).count()
    refused = await BulkRunResult.filter(run_id=run.id, outcome=BulkOutcome.REFUSED).count()
    run.placed_count, run.refused_count = placed, refused + not_found
    run.status, run.finished_at = BulkRunStatus.DONE, utcnow()
    await run.save(update_fields=["placed_count", "refused_count", "status", "finished_at"])
    await record(
        run.tenant_id,
        AuditAction.BULK_SCHEDULED,
        actor,
        target_type="bulk_run",
        target_id=run.id,
        target_label=service.title,
        details={
            "service_id": service.id,
            "placed": run.placed_count,
            "refused": run.refused_count,
            "not_found": not_found,
            "idempotency_key": run.idempotency_key,
        },
    )
    return run


# --- checks ---------------------------------------------------------------------------------


def _person_ids(person_ids: Sequence[Any]) -> list[Any]:
    """The chosen people, each once, in the order given; unreadable ids are dropped."""
    ids: list[Any] = []
    for value in person_ids:
        uid = parse_uuid(value)
        if uid is not None and uid not in ids:
            ids.append(uid)
    if not ids:
        raise InvalidInput(
            "nobody was chosen", [FieldProblem("person_ids", "Choose at least one person")]
        )
    if len(ids) > MAX_PEOPLE:
        raise InvalidInput(
            "too many people",
            [FieldProblem("person_ids", f"Choose up to {MAX_PEOPLE:,} people at a time")],
        )
    return ids


def _hhmm(value: time | None) -> str | None:
    return None if value is None else f"{value.hour:02d}:{value.minute:02d}"
