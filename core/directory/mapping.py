"""Reading one incoming Open Referral UK service into the catalogue's terms: its
category, price and unit, the postcode districts it covers, its opening hours and
its organisation's web and email addresses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from core.budgets.categories import BY_CODE
from core.directory.incoming import CostOption, Term
from core.directory.incoming import Service as Incoming
from core.directory.taxonomy import Terms, external_term_id
from core.marketplace.catalogue import check_availability
from core.marketplace.categories import Kind
from core.marketplace.models import Unit
from core.postcodes import parse_district

DEFAULT_CATEGORY = "leisure"  # "Leisure and community activities": most community services
# Words in a term's name that point at a standard category, checked in this order.
KEYWORDS = (
    ("personal assistant", "personal-assistant"),
    ("personal care", "personal-care"),
    ("home care", "personal-care"),
    ("counselling", "therapy"),
    ("therap", "therapy"),
    ("nursing", "health-care"),
    ("health", "health-care"),
    ("equipment", "equipment"),
    ("adaptation", "equipment"),
    ("respite", "respite"),
    ("short break", "respite"),
    ("day centre", "day-opportunities"),
    ("day activit", "day-opportunities"),
    ("transport", "transport"),
    ("cleaning", "household"),
    ("shopping", "household"),
    ("household", "household"),
)
UNIT_WORDS = (
    (re.compile(r"\bhours?\b|\bhourly\b"), Unit.HOUR),
    (re.compile(r"\bdays?\b|\bdaily\b"), Unit.DAY),
    (re.compile(r"\bweeks?\b|\bweekly\b"), Unit.WEEK),
    (re.compile(r"\bsessions?\b|\bvisits?\b|\bclass(es)?\b"), Unit.SESSION),
    (re.compile(r"\bitems?\b|\beach\b"), Unit.ITEM),
)
DAY_CODES = dict(
    zip(
        ("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
        ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        strict=True,
    )
)
POUNDS_RE = re.compile(r"£\s*(\d{1,6}(?:\.\d{1,2})?)")
TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})")


def _words(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def category_for(terms: Iterable[Term], ours: Terms, kinds: list[Kind]) -> str:
    """The most specific of this council's categories the service's terms point at."""
    best: tuple[int, str] | None = None

    def offer(rank: int, code: str) -> None:
        nonlocal best
        if best is None or rank < best[0]:
            best = (rank, code)

    for term in terms:
        taxonomy = (term.taxonomy or term.vocabulary).lower()
        ours_term = ours.by_id(term.id) if term.id else None
        if ours_term is not None:  # one of this council's own terms: a round trip
            offer(0 if ours_term.category != ours_term.standard else 1, ours_term.category)
        for kind in kinds:
            if kind.own and kind.taxonomy and kind.term_id:
                names = {kind.term_id, external_term_id(kind.taxonomy, kind.term_id)}
                same_taxonomy = not taxonomy or taxonomy == kind.taxonomy.lower()
                if same_taxonomy and names & {term.id, term.term}:
                    offer(0, kind.code)
            if term.term and term.term == kind.code:
                offer(0 if kind.own else 1, kind.code)
        for value in (term.term, term.name, term.id):
            text = _words(value)
            for code, category in BY_CODE.items():
                if text in (_words(code), _words(category.label)):
                    offer(1, code)
            for word, code in KEYWORDS:
                if word in text:
                    offer(2, code)
                    break
    return best[1] if best else DEFAULT_CATEGORY


def _current(option: CostOption, today: date) -> bool:
    try:
        starts = date.fromisoformat(option.valid_from[:10]) if option.valid_from else None
        ends = date.fromisoformat(option.valid_to[:10]) if option.valid_to else None
    except ValueError:
        return True
    return (starts is None or starts <= today) and (ends is None or today <= ends)


def price_and_unit(service: Incoming, today: date) -> tuple[int, Unit | None]:
    """The first cost option in force (else the latest), pounds to pence; none: free.
    The unit comes from its words ("per 1 hour session": an hour); None if they say none."""
    options = [o for o in service.cost_options if o.amount is not None]
    current = [o for o in options if _current(o, today)]
    latest = sorted(options, key=lambda o: o.valid_to or "9999", reverse=True)
    chosen = current[0] if current else latest[0] if latest else None
    pence = 0
    if chosen is not None:
        pence = int((Decimal(str(chosen.amount)) * 100).to_integral_value())
    elif not options and (match := POUNDS_RE.search(service.fees)):
        pence = int((Decimal(match.group(1)) * 100).to_integral_value())
    described = _words(
        " ".join((chosen.amount_description, chosen.option) if chosen else (service.fees,))
    )
    return pence, next((unit for words, unit in UNIT_WORDS if words.search(described)), None)


def districts_of(service: Incoming, store_postcode: str | None = None) -> set[str]:
    """The postcode districts a service covers, as the feed's ``postcode`` filter reads
    them: its service areas (each part that is a district or a postcode: "HA1, HA2"),
    or with none of those, the places it is offered at. (A service offered only where
    its organisation is needs no areas: the feed falls back to the store's postcode.)"""
    found: set[str] = set()
    for area in service.service_areas:
        texts = [area.name, area.service_area]
        if area.extent_type.lower() in ("", "text"):
            texts.append(area.extent)
        for text in texts:
            for part in re.split(r"[,;/\n]", text):
                district = parse_district(part.strip()) if part.strip() else None
                if district:
                    found.add(district)
    if found:
        return found
    places = {parse_district(a.postal_code) for a in service.addresses() if a.postal_code}
    places.discard(None)
    home = parse_district(store_postcode) if store_postcode else None
    return set() if places <= {home} else {p for p in places if p}


def availability_of(service: Incoming) -> dict[str, list[str]]:
    """Weekly opening hours as the catalogue keeps them: ``{"mon": ["09:00-17:00"]}``."""
    hours: dict[str, list[str]] = {}
    for schedule in (*service.schedules, *service.regular_schedules):
        opens, closes = TIME_RE.match(schedule.opens_at), TIME_RE.match(schedule.closes_at)
        if schedule.freq.upper() not in ("", "WEEKLY") or not opens or not closes:
            continue
        span = f"{int(opens[1]):02d}:{opens[2]}-{int(closes[1]):02d}:{closes[2]}"
        for code in re.split(r"[,\s]+", schedule.byday.upper()):
            day = DAY_CODES.get(code)
            if day and span not in hours.setdefault(day, []):
                hours[day].append(span)
    clean, _ = check_availability(hours)  # the catalogue's normal form, nonsense dropped
    return clean


def web_address(*values: str) -> str | None:
    return next((v[:300] for v in values if re.match(r"^https?://[^\s/]+\S*$", v)), None)


def email_address(*values: str) -> str | None:
    return next((v[:254] for v in values if re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", v)), None)
