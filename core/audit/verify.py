"""Checking the audit log's hash chains: was any row changed, removed or slipped in?

Each chain is walked in sequence order, recomputing every hash from the stored
values. Only the first problem of a chain is reported: after a break, every
later row disagrees too, and the operator needs to know where it starts.

What this cannot catch: someone who can write to the database *and* recomputes
every later hash and the chain head. Keeping a copy of the heads elsewhere
(``carepurse audit verify`` prints them) closes that gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.audit.chain import GENESIS, HASHED_FIELDS, event_hash
from core.audit.models import AuditChainHead, AuditEvent

BATCH = 500


@dataclass(frozen=True)
class ChainProblem:
    """The first thing wrong with a chain: at which event, in plain words."""

    sequence: int
    description: str


@dataclass(frozen=True)
class ChainReport:
    chain: int
    events: int
    last_hash: str
    problem: ChainProblem | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class VerifyResult:
    chains: list[ChainReport] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return all(report.intact for report in self.chains)

    @property
    def events(self) -> int:
        return sum(report.events for report in self.chains)

    @property
    def broken(self) -> list[ChainReport]:
        return [report for report in self.chains if not report.intact]


def _missing(first: int, last: int) -> str:
    return f"event {first} is missing" if first == last else f"events {first} to {last} are missing"


def _check_event(event: AuditEvent, expected: int, previous: str) -> ChainProblem | None:
    """What is wrong with this event, given the sequence and hash the chain has reached."""
    if event.sequence < expected:
        return ChainProblem(
            event.sequence, f"event {event.sequence} was inserted: a chain starts at event 1"
        )
    if event.sequence > expected:
        return ChainProblem(
            expected, f"{_missing(expected, event.sequence - 1)}: removed from the log"
        )
    if event.previous_hash != previous:
        return ChainProblem(
            event.sequence,
            f"event {event.sequence} does not follow event {expected - 1}: the previous hash "
            "it recorded differs (an event before it was changed, removed or inserted)",
        )
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    if event_hash(event.previous_hash, values) != event.hash:
        return ChainProblem(
            event.sequence,
            f"event {event.sequence} has been changed since it was recorded "
            "(its content no longer matches its hash)",
        )
    return None


def _check_end(head: AuditChainHead | None, last: int, last_hash: str) -> ChainProblem | None:
    """The head read before the walk must name the last event walked."""
    expected = head.sequence if head is not None else 0
    if last < expected:
        return ChainProblem(
            last + 1,
            f"{_missing(last + 1, expected)}: the head says the chain ends at event "
            f"{expected}, so events at the end were removed",
        )
    if head is not None and head.last_hash != last_hash:
        return ChainProblem(
            last,
            f"event {last}'s hash differs from the one the chain head recorded: it was replaced",
        )
    return None


async def _check_newer(chain: int) -> ChainProblem | None:
    """Events past the head: appended since the walk began (fine) or slipped in (not).

    ``record()`` moves the head in the same transaction as it inserts, so any
    event visible now is covered by the head read after it, unless someone
    inserted it behind Carepurse's back.
    """
    newest = await AuditEvent.filter(chain=chain).order_by("-sequence").first()
    head = await AuditChainHead.get_or_none(chain=chain)
    if newest is None or (head is not None and newest.sequence <= head.sequence):
        return None
    if head is None:
        return ChainProblem(1, "the chain has events but no head: its head row was removed")
    return ChainProblem(
        head.sequence + 1,
        f"events after {head.sequence} are not in the chain head: "
        "they were added behind the application's back",
    )


async def verify_chain(chain: int) -> ChainReport:
    """Walk one chain up to its head, in batches; stop at the first problem.

    Safe while Carepurse is running: the walk stops at the head read first, so
    events recorded meanwhile are not mistaken for tampering.
    """
    head = await AuditChainHead.get_or_none(chain=chain)
    previous, expected, count = GENESIS, 1, 0
    query = AuditEvent.filter(chain=chain, sequence__lte=head.sequence if head else 0)
    query = query.order_by("sequence")
    batch = await query.limit(BATCH)  # no lower bound: a row numbered 0 or less shows up too
    while batch:
        for event in batch:
            problem = _check_event(event, expected, previous)
            if problem is not None:
                return ChainReport(chain, count, previous, problem)
            previous, expected, count = event.hash, expected + 1, count + 1
        if len(batch) < BATCH:
            break
        batch = await query.filter(sequence__gt=batch[-1].sequence).limit(BATCH)
    problem = _check_end(head, expected - 1, previous) or await _check_newer(chain)
    return ChainReport(chain, count, previous, problem)


async def chains(tenant_id: int | None = None) -> list[int]:
    """Every chain with events or a head (a head alone means its events were removed)."""
    if tenant_id is not None:
        return [tenant_id]
    with_events = await AuditEvent.all().distinct().values_list("chain", flat=True)
    with_heads = await AuditChainHead.all().values_list("chain", flat=True)
    return sorted({int(chain) for chain in [*with_events, *with_heads]})


async def verify_all(tenant_id: int | None = None) -> VerifyResult:
    """Every chain (or one council's), in chain order."""
    return VerifyResult([await verify_chain(chain) for chain in await chains(tenant_id)])
