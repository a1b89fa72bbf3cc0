"""A provider's catalogue: services, the areas they cover and their prices, who may see a
private one, photos, and draft / live / paused.

Owners and managers of the store's provider change services; provider staff may
look but not change. A council's market officers (``market:manage``) and partner
systems holding ``catalogue:write`` may change any store's services in the
council. Everything a person types is checked here, and every problem names its
field (``title``, ``price``, ``areas``...) in plain words.

Prices are whole pence, >= 0, and are what a person pays (including any VAT the
provider charges). A price of 0 is a free service; a service that takes no
bookings shows "Contact the provider" instead of ordering.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.accreditation.policy import AccreditationPolicy
from core.api.scopes import SCOPES
from core.audit.actions import AuditAction
from core.audit.services import record
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.models import Membership, MembershipStatus, User
from core.identity.permissions import refuse
from core.identity.roles import Permission
from core.ids import parse_uuid
from core.ledger.money import parse_pounds, pounds
from core.marketplace.categories import codes_under, find_kind, labels_for
from core.marketplace.districts import district_or_none, not_a_district
from core.marketplace.images import prepare_photo
from core.marketplace.models import (
    Photo,
    PrivateAudience,
    ProviderRole,
    ProviderUser,
    PublishStatus,
    Review,
    Service,
    ServiceArea,
    Store,
    Unit,
    VatTreatment,
    Visibility,
)
from core.marketplace.pricing import area_prices
from core.marketplace.providers import (
    EDITORS,
    EVERYONE,
    confirmed_provider_ids,
    is_provider_member,
    may_see_unpublished,
    require_provider,
    stores_of,
)
from core.marketplace.visibility import accredited_provider_ids, visible_services

READ_SCOPE, WRITE_SCOPE = "catalogue:read", "catalogue:write"
assert READ_SCOPE in SCOPES and WRITE_SCOPE in SCOPES

MAX_PRICE_PENCE = 10_000_000  # £100,000 for one unit: anything above is a typing slip
MAX_MINIMUM_UNITS = 1_000
MAX_TITLE = 200
MAX_DESCRIPTION = 5_000
MAX_AREAS = 200
MAX_AUDIENCE = 500
MAX_PHOTOS = 6
MEDIA_PREFIX = "public/"  # what /media serves (tenants.routes.PUBLIC_PREFIX)

DAYS: dict[str, str] = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
UNIT_WORDS: dict[Unit, tuple[str, str]] = {  # (label, "£x ___" after a price)
    Unit.HOUR: ("Hour", "an hour"),
    Unit.SESSION: ("Session", "a session"),
    Unit.DAY: ("Day", "a day"),
    Unit.WEEK: ("Week", "a week"),
    Unit.ITEM: ("Item", "each"),
}
UNIT_PLURALS = {
    Unit.HOUR: "hours",
    Unit.SESSION: "sessions",
    Unit.DAY: "days",
    Unit.WEEK: "weeks",
    Unit.ITEM: "items",
}
VAT_WORDS: dict[VatTreatment, str] = {
    VatTreatment.EXEMPT: "No VAT: exempt as a welfare service",
    VatTreatment.STANDARD: "Includes VAT at the standard rate",
    VatTreatment.ZERO: "Zero-rated for VAT",
    VatTreatment.OUTSIDE_SCOPE: "No VAT: the provider does not charge VAT",
}
VAT_CHOICES: tuple[tuple[VatTreatment, str, str], ...] = (
    (
        VatTreatment.EXEMPT,
        "Exempt from VAT",
        "Welfare services from a charity, a public body or a care provider registered "
        "with the Care Quality Commission or another care regulator",
    ),
    (VatTreatment.STANDARD, "Standard rate", "The price includes VAT at 20%"),
    (VatTreatment.ZERO, "Zero-rated", "For example, some equipment for disabled people"),
    (VatTreatment.OUTSIDE_SCOPE, "No VAT", "The provider is not registered for VAT"),
)
STATUS_WORDS = {
    PublishStatus.DRAFT: "Draft",
    PublishStatus.LIVE: "Live",
    PublishStatus.PAUSED: "Paused",
}
TIME_RE = re.compile(r"^([01]?[0-9]|2[0-4])[:.]?([0-5][0-9])$")
INWARD_RE = re.compile(r"^[0-9][A-Z]{2}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- who may do what -------------------------------------------------------------------


async def provider_role(actor: Actor, store: Store) -> ProviderRole | None:
    """The actor's role in the store's organisation, if they work for it here."""
    if actor.user is None or actor.tenant is None or not is_provider_member(actor.membership):
        return None
    if store.tenant_id != actor.tenant.id:  # type: ignore[attr-defined]
        return None
    if store.provider_id not in await confirmed_provider_ids(actor.user.id):  # type: ignore[attr-defined]
        return None  # invited, not yet accepted
    link = await ProviderUser.get_or_none(provider_id=store.provider_id, user_id=actor.user.id)  # type: ignore[attr-defined]
    return None if link is None else ProviderRole(link.role)


def _council_market(actor: Actor) -> bool:
    membership = actor.membership
    return (
        membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and Permission.MANAGE_MARKET in actor.council_permissions
    )


async def can_read(actor: Actor, store: Store) -> bool:
    """May see the store's drafts, paused and private services (and who they are for)."""
    if actor.is_api_client:
        return WRITE_SCOPE in actor.scopes
    return await may_see_unpublished(actor, store)


async def can_change(actor: Actor, store: Store) -> bool:
    if actor.is_api_client:
        return WRITE_SCOPE in actor.scopes
    return _council_market(actor) or await provider_role(actor, store) in EDITORS


async def require_change(
    actor: Actor, store: Store, roles: Sequence[ProviderRole] = EDITORS
) -> None:
    """Partner systems with catalogue:write, council market officers, or the store's
    owners and managers (``roles``); anyone else is refused (audited)."""
    if actor.is_api_client:
        if WRITE_SCOPE not in actor.scopes:
            raise await refuse(actor, Permission.MANAGE_MARKET, f"store {store.id}")
        return
    if _council_market(actor):
        return
    await require_provider(actor, store, roles)


async def my_stores(actor: Actor) -> list[Store]:
    """Stores in this council of the organisations the signed-in member works for."""
    return await stores_of(actor)


async def store_in_council(actor: Actor, store_id: object, field_name: str = "store_id") -> Store:
    """A store named in a form or body: not one of this council's is a refusal of the input."""
    key = parse_uuid(store_id)
    store = None
    if key is not None and actor.tenant is not None:
        store = await Store.get_or_none(id=key, tenant_id=actor.tenant.id)
    if store is None:
        raise InvalidInput(
            "no such store", [FieldProblem(field_name, "is not a store in this council")]
        )
    return store


async def find_service(actor: Actor, service_id: object) -> Service:
    """This council's service by id, with its store; anything else is NotFound."""
    key = parse_uuid(service_id)
    if key is None or actor.tenant is None:
        raise NotFound("no such service")
    service = await Service.get_or_none(id=key, tenant_id=actor.tenant.id).prefetch_related("store")
    if service is None:
        raise NotFound("no such service")
    return service


async def service_to_manage(actor: Actor, service_id: object) -> Service:
    """A service whose drafts and private details the actor may see (else NotFound)."""
    service = await find_service(actor, service_id)
    if not await can_read(actor, service.store):
        raise NotFound("no such service")
    return service


async def service_to_show(actor: Actor, service_id: object, policy: AccreditationPolicy) -> Service:
    """A service the actor may see: live and visible to them, or one they manage."""
    service = await find_service(actor, service_id)
    if await (await visible_services(actor, policy)).filter(id=service.id).exists():
        return service
    if await can_read(actor, service.store):
        return service
    raise NotFound("no such service")


# --- what a provider sends -------------------------------------------------------------


@dataclass
class AreaSpec:
    """A postcode district as typed, and its price if it differs: pence (int), pounds as
    typed (str), or ``None`` for the service's own price."""

    district: str
    price: int | str | None = None


@dataclass
class ServiceSpec:
    """A service as sent by a form (money as pounds text) or the API (money as pence)."""

    title: str = ""
    description: str = ""
    category: str = ""
    unit: str = ""
    price: int | str = ""
    vat_treatment: str = VatTreatment.EXEMPT.value
    minimum_units: int | str = 1
    availability: Mapping[str, Sequence[str]] = field(default_factory=dict)
    areas: list[AreaSpec] = field(default_factory=list)
    visibility: str = Visibility.PUBLIC.value
    audience: list[str] = field(default_factory=list)  # email addresses
    takes_bookings: bool = True


@dataclass
class Checked:
    values: dict[str, Any]
    areas: dict[str, int | None]  # district -> price (None: the service's own)
    audience: list[Membership]


def _price(value: int | str | None, subject: str) -> tuple[int | None, str | None]:
    """Pence from pence or typed pounds, or the words saying what is wrong."""
    title = subject[:1].upper() + subject[1:]
    if isinstance(value, bool) or value is None:
        return None, f"Enter {subject}"
    if isinstance(value, int):
        pence = value
    else:
        text = value.strip()
        if not text:
            return None, f"Enter {subject}, or 0 if it is free"
        if text.removeprefix("£").strip().startswith("-"):
            return None, f"{title} must be £0 or more"
        try:
            pence = parse_pounds(text)
        except ValueError:
            if re.fullmatch(r"£?\s*[0-9][0-9,]*\.[0-9]{3,}", text):
                return None, (
                    f"{title} must be in pounds and whole pence, like 12.50, "
                    "not a fraction of a penny"
                )
            return None, f"Enter {subject} in pounds, like 12.50"
    if pence < 0:
        return None, f"{title} must be £0 or more"
    if pence > MAX_PRICE_PENCE:
        return None, f"{title} must be {pounds(MAX_PRICE_PENCE)} or less"
    return pence, None


def _time(text: str) -> int | None:
    """``"9:30"`` -> minutes after midnight (24:00 allowed as the end of a day)."""
    match = TIME_RE.match(text.strip())
    if match is None:
        return None
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    return minutes if minutes <= 24 * 60 else None


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_availability(
    availability: Mapping[str, Sequence[str]],
) -> tuple[dict[str, list[str]], list[str]]:
    """``{"mon": ["09:00-17:00"]}`` in normal form, and what is wrong with it."""
    clean: dict[str, list[str]] = {}
    problems: list[str] = []
    if not isinstance(availability, Mapping):
        return {}, ["Give the days and times as {day: ['09:00-17:00']}"]
    for day, ranges in availability.items():
        if day not in DAYS:
            problems.append(f"{day!r} is not a day: use mon, tue, wed, thu, fri, sat or sun")
            continue
        name = DAYS[day]
        if isinstance(ranges, str) or not isinstance(ranges, Sequence):
            problems.append(f"{name}: give a list of times like 09:00-17:00")
            continue
        spans: list[tuple[int, int]] = []
        for text in ranges:
            start_text, _, end_text = str(text).partition("-")
            start, end = _time(start_text), _time(end_text)
            if start is None or end is None or start >= 24 * 60:
                problems.append(f"{name}: enter times like 09:00 to 17:00")
            elif end <= start:
                problems.append(f"{name}: the finish time must be after the start time")
            else:
                spans.append((start, end))
        spans.sort()
        if any(later[0] < earlier[1] for earlier, later in pairwise(spans)):
            problems.append(f"{name}: the times overlap")
        if spans:
            clean[day] = [f"{_clock(a)}-{_clock(b)}" for a, b in spans]
    return {day: clean[day] for day in DAYS if day in clean}, problems


def _choice(value: str, allowed: Iterable[str]) -> str | None:
    return value if value in set(allowed) else None


async def _audience(tenant_id: int, emails: Sequence[str]) -> tuple[list[Membership], list[str]]:
    """Members of this council by email. An unknown address says only that no one with it
    uses this council's site."""
    members: list[Membership] = []
    problems: list[str] = []
    wanted: list[str] = []
    for raw in emails:
        email = raw.strip().lower()
        if not email or email in wanted:
            continue
        if not EMAIL_RE.match(email):
            problems.append(f"{raw.strip()} is not an email address")
        else:
            wanted.append(email)
    if len(wanted) > MAX_AUDIENCE:
        return [], [f"Name up to {MAX_AUDIENCE} people"]
    if wanted:
        users = {u.email: u for u in await User.filter(email__in=wanted)}
        found = {
            m.user_id: m  # type: ignore[attr-defined]
            for m in await Membership.filter(
                tenant_id=tenant_id,
                user_id__in=[u.id for u in users.values()],
                status=MembershipStatus.ACTIVE,
            )
        }
        for email in wanted:
            user = users.get(email)
            member = found.get(user.id) if user is not None else None
            if member is None:
                problems.append(f"No one with the email {email} uses this council's site")
            else:
                member.user = user
                members.append(member)
    return members, problems


async def check_spec(tenant_id: int, spec: ServiceSpec) -> Checked:
    """Every field checked at once; InvalidInput names each one that is wrong."""
    problems: list[FieldProblem] = []

    def problem(name: str, message: str) -> None:
        problems.append(FieldProblem(name, message))

    title = " ".join(str(spec.title).split())
    if not title:
        problem("title", "Enter the name of the service")
    elif len(title) > MAX_TITLE:
        problem("title", f"The name must be {MAX_TITLE} characters or fewer")
    description = str(spec.description).strip().replace("\r\n", "\n")
    if not description:
        problem("description", "Describe the service in a few plain sentences")
    elif len(description) > MAX_DESCRIPTION:
        problem("description", f"The description must be {MAX_DESCRIPTION} characters or fewer")
    kind = await find_kind(tenant_id, str(spec.category)) if spec.category else None
    if kind is None:
        problem("category", "Choose the kind of service from the list")
    unit = _choice(str(spec.unit), (u.value for u in Unit))
    if unit is None:
        problem("unit", "Choose what the price is for: an hour, session, day, week or item")
    price, wrong = _price(spec.price, "the price")
    if wrong:
        problem("price", wrong)
    vat = _choice(str(spec.vat_treatment), (v.value for v in VatTreatment))
    if vat is None:
        problem("vat_treatment", "Choose how VAT applies to the price")
    minimum: int | None = None
    if isinstance(spec.minimum_units, int) and not isinstance(spec.minimum_units, bool):
        minimum = spec.minimum_units
    elif isinstance(spec.minimum_units, str) and spec.minimum_units.strip().isdigit():
        minimum = int(spec.minimum_units.strip())
    if minimum is None or not 1 <= minimum <= MAX_MINIMUM_UNITS:
        problem(
            "minimum_units",
            f"Enter the smallest booking as a whole number from 1 to {MAX_MINIMUM_UNITS}",
        )
    availability, wrong_times = check_availability(spec.availability)
    for message in wrong_times:
        problem("availability", message)

    areas: dict[str, int | None] = {}
    if not spec.areas:
        problem("areas", "Enter at least one postcode district the service covers, like HA1")
    elif len(spec.areas) > MAX_AREAS:
        problem("areas", f"Enter up to {MAX_AREAS} postcode districts")
    for area in spec.areas[:MAX_AREAS]:
        district = district_or_none(area.district)
        if district is None:
            problem("areas", not_a_district(area.district))
            continue
        if district in areas:
            problem("areas", f"{district} is listed more than once")
            continue
        area_price = None
        if area.price is not None and area.price != "":
            area_price, wrong = _price(area.price, f"the price in {district}")
            if wrong:
                problem("areas", wrong)
                continue
            if area_price == price:
                area_price = None  # the same as the service's own price
        areas[district] = area_price

    visibility = _choice(str(spec.visibility), (v.value for v in Visibility))
    if visibility is None:
        problem("visibility", "Choose who can see the service")
    members, wrong_people = await _audience(tenant_id, spec.audience)
    for message in wrong_people:
        problem("audience", message)
    if problems:
        raise InvalidInput("check the service", problems)
    assert kind is not None and price is not None
    return Checked(
        values={
            "title": title,
            "description": description,
            "category": kind.code,
            "unit": Unit(unit),
            "unit_price_pence": price,
            "vat_treatment": VatTreatment(vat),
            "minimum_units": minimum,
            "availability": availability,
            "visibility": Visibility(visibility),
            "takes_bookings": bool(spec.takes_bookings),
        },
        areas=areas,
        audience=members,
    )


async def _save_areas(service: Service, areas: dict[str, int | None]) -> None:
    current = {a.district: a for a in await ServiceArea.filter(service_id=service.id)}
    gone = [a.id for d, a in current.items() if d not in areas]
    if gone:
        await ServiceArea.filter(id__in=gone).delete()
    for district, price in areas.items():
        row = current.get(district)
        if row is None:
            await ServiceArea.create(
                tenant_id=service.tenant_id, service=service, district=district, price_pence=price
            )
        elif row.price_pence != price:
            row.price_pence = price
            await row.save(update_fields=["price_pence"])


async def _save_audience(service: Service, members: list[Membership]) -> None:
    wanted = {m.id for m in members}
    current = set(
        await PrivateAudience.filter(service_id=service.id).values_list("membership_id", flat=True)
    )
    gone = current - wanted
    if gone:
        await PrivateAudience.filter(service_id=service.id, membership_id__in=list(gone)).delete()
    for member in members:
        if member.id not in current:
            await PrivateAudience.create(
                tenant_id=service.tenant_id, service=service, membership=member
            )


async def _audit(actor: Actor, service: Service, change: str, **details: Any) -> None:
    await record(
        service.tenant_id,
        AuditAction.SERVICE_CHANGED,
        actor,
        target_type="service",
        target_id=service.id,
        target_label=service.title,
        details={"change": change, **details},
    )


async def create_service(actor: Actor, store: Store, spec: ServiceSpec) -> Service:
    """A new draft service in ``store``."""
    await require_change(actor, store)
    checked = await check_spec(store.tenant_id, spec)  # type: ignore[attr-defined]
    async with in_transaction():
        service = await Service.create(
            id=uuid.uuid4(),
            tenant_id=store.tenant_id,  # type: ignore[attr-defined]
            store=store,
            status=PublishStatus.DRAFT,
            **checked.values,
        )
        await _save_areas(service, checked.areas)
        await _save_audience(service, checked.audience)
        await _audit(actor, service, "added", store=str(store.id))
    return service


async def update_service(actor: Actor, service: Service, spec: ServiceSpec) -> Service:
    await require_change(actor, service.store)
    checked = await check_spec(service.tenant_id, spec)
    async with in_transaction():
        for name, value in checked.values.items():
            setattr(service, name, value)
        await service.save()
        await _save_areas(service, checked.areas)
        await _save_audience(service, checked.audience)
        await _audit(actor, service, "changed")
    return service


async def spec_of(service: Service) -> ServiceSpec:
    """A service as a spec (money in pence), to change some fields and save again."""
    areas = await ServiceArea.filter(service_id=service.id).order_by("district")
    audience = await audience_of(service)
    return ServiceSpec(
        title=service.title,
        description=service.description,
        category=service.category,
        unit=service.unit.value,
        price=service.unit_price_pence,
        vat_treatment=service.vat_treatment.value,
        minimum_units=service.minimum_units,
        availability=dict(service.availability or {}),
        areas=[AreaSpec(a.district, a.price_pence) for a in areas],
        visibility=service.visibility.value,
        audience=[m.user.email or "" for m in audience],
        takes_bookings=service.takes_bookings,
    )


async def audience_of(service: Service) -> list[Membership]:
    """The people a private service was named for, by name."""
    rows = await PrivateAudience.filter(service_id=service.id).prefetch_related("membership__user")
    return sorted(
        (row.membership for row in rows), key=lambda m: (m.user.display_name.lower(), str(m.id))
    )


PUBLISH, PAUSE = "publish", "pause"


async def change_status(actor: Actor, service: Service, action: str) -> Service:
    """``publish`` (draft or paused -> live) or ``pause`` (live -> paused)."""
    await require_change(actor, service.store)
    if action == PUBLISH:
        if service.status == PublishStatus.LIVE:
            raise Conflict("this service is already live")
        if not await ServiceArea.exists(service_id=service.id):
            raise InvalidInput(
                "no areas",
                [FieldProblem("areas", "Enter at least one postcode district before publishing")],
            )
        target = PublishStatus.LIVE
    elif action == PAUSE:
        if service.status != PublishStatus.LIVE:
            raise Conflict("only a live service can be paused")
        target = PublishStatus.PAUSED
    else:
        raise InvalidInput("unknown action", [FieldProblem("action", "Choose publish or pause")])
    async with in_transaction():
        changed = await Service.filter(id=service.id, status=service.status).update(status=target)
        if not changed:
            raise Conflict("someone else changed this service's status: look again")
        service.status = target
        await _audit(actor, service, "published" if target == PublishStatus.LIVE else "paused")
    return service


# --- photos ----------------------------------------------------------------------------


def media_url(key: str) -> str:
    return "/media/" + key.removeprefix(MEDIA_PREFIX)


async def add_photo(
    actor: Actor, storage: Any, service: Service, data: bytes, alt_text: str
) -> Photo:
    """Store a photo and its thumbnail under the council's public files."""
    await require_change(actor, service.store, EVERYONE)  # staff add photos too
    alt = " ".join(alt_text.split())
    problems = []
    if not alt:
        problems.append(FieldProblem("alt_text", "Describe the photo for people who cannot see it"))
    elif len(alt) > 200:
        problems.append(FieldProblem("alt_text", "The description must be 200 characters or fewer"))
    if not data:
        problems.append(FieldProblem("photo", "Choose a photo to add"))
    if await Photo.filter(service_id=service.id).count() >= MAX_PHOTOS:
        problems.append(
            FieldProblem("photo", f"A service can have up to {MAX_PHOTOS} photos: remove one first")
        )
    if problems:
        raise InvalidInput("photo refused", problems)
    prepared = await asyncio.to_thread(prepare_photo, data)
    photo_id = uuid.uuid4()
    key = f"{MEDIA_PREFIX}catalogue/{service.id}/{photo_id}.jpg"
    thumbnail_key = f"{MEDIA_PREFIX}catalogue/{service.id}/{photo_id}-thumb.jpg"
    await storage.put(service.tenant_id, key, prepared.data, "image/jpeg")
    await storage.put(service.tenant_id, thumbnail_key, prepared.thumbnail, "image/jpeg")
    position = await Photo.filter(service_id=service.id).count()
    await _audit(actor, service, "photo added", photo=str(photo_id))
    return await Photo.create(
        id=photo_id,
        tenant_id=service.tenant_id,
        store_id=service.store.id,
        service=service,
        key=key,
        thumbnail_key=thumbnail_key,
        alt_text=alt,
        position=position,
    )


async def remove_photo(actor: Actor, storage: Any, service: Service, photo_id: object) -> None:
    key = parse_uuid(photo_id)
    photo = None
    if key is not None:
        photo = await Photo.get_or_none(id=key, service_id=service.id, tenant_id=service.tenant_id)
    if photo is None:
        raise NotFound("no such photo")
    await require_change(actor, service.store, EVERYONE)
    await photo.delete()
    await _audit(actor, service, "photo removed", photo=str(photo.id))
    for stored in (photo.key, photo.thumbnail_key):
        await storage.delete(service.tenant_id, stored)


async def photos_of(service: Service) -> list[Photo]:
    return await Photo.filter(service_id=service.id).order_by("position", "created_at")


# --- showing services ------------------------------------------------------------------


def price_words(pence: int, unit: Unit) -> str:
    """``£20.00 an hour``; ``Free`` for nothing."""
    return "Free" if pence == 0 else f"{pounds(pence)} {UNIT_WORDS[Unit(unit)][1]}"


def minimum_words(service: Service) -> str | None:
    if service.minimum_units <= 1:
        return None
    return f"{service.minimum_units} {UNIT_PLURALS[Unit(service.unit)]}"


def availability_rows(availability: Mapping[str, Sequence[str]] | None) -> list[tuple[str, str]]:
    """``[("Monday", "09:00 to 17:00")]`` in week order."""
    rows = []
    for day, name in DAYS.items():
        spans = (availability or {}).get(day) or []
        if spans:
            rows.append((name, ", ".join(span.replace("-", " to ") for span in spans)))
    return rows


async def ratings(service_ids: Iterable[Any]) -> dict[Any, tuple[float, int]]:
    """``{service id: (average rating, number of reviews)}`` for those with reviews."""
    ids = list(service_ids)
    if not ids:
        return {}
    rows = (
        await Review.filter(service_id__in=ids, hidden_at__isnull=True)
        .group_by("service_id")
        .annotate(total=Sum("rating"), count=Count("id"))
        .values("service_id", "total", "count")
    )
    # Sum and count, not Avg: Tortoise gives an integer field's average back as an integer.
    return {
        parse_uuid(row["service_id"]): (
            round(int(row["total"]) / int(row["count"]), 1),
            int(row["count"]),
        )
        for row in rows
        if row["count"]
    }


@dataclass
class Card:
    """What a service card, a service page or an API answer shows about a service."""

    service: Service
    store: Store
    category_label: str
    price_pence: int | None  # in ``district`` when one was given; None: not offered there
    district: str | None
    rating: float | None
    reviews: int
    badge: str | None
    thumbnail: Photo | None

    @property
    def offered_here(self) -> bool:
        return self.price_pence is not None

    @property
    def shown_price(self) -> int:
        return self.price_pence if self.price_pence is not None else self.service.unit_price_pence

    @property
    def free(self) -> bool:
        return self.shown_price == 0

    @property
    def price_words(self) -> str:
        return price_words(self.shown_price, self.service.unit)

    @property
    def unit_label(self) -> str:
        return UNIT_WORDS[Unit(self.service.unit)][0]

    @property
    def vat_words(self) -> str:
        return VAT_WORDS[VatTreatment(self.service.vat_treatment)]

    @property
    def thumbnail_url(self) -> str | None:
        return media_url(self.thumbnail.thumbnail_key) if self.thumbnail else None

    @property
    def rating_words(self) -> str:
        if not self.reviews:
            return "No reviews yet"
        plural = "review" if self.reviews == 1 else "reviews"
        return f"{self.rating:g} out of 5 ({self.reviews} {plural})"


async def cards_for(
    tenant_id: int,
    services: Sequence[Service],
    policy: AccreditationPolicy,
    district: str | None = None,
) -> list[Card]:
    """Cards for ``services`` (their stores fetched if need be) in a handful of queries."""
    services = list(services)
    if not services:
        return []
    store_ids = {s.store_id for s in services}  # type: ignore[attr-defined]
    stores = {s.id: s for s in await Store.filter(id__in=list(store_ids), tenant_id=tenant_id)}
    labels = await labels_for(tenant_id)
    prices = await area_prices(services, district)
    rated = await ratings(s.id for s in services)
    accredited = await accredited_provider_ids(tenant_id)
    thumbnails: dict[Any, Photo] = {}
    for photo in await Photo.filter(service_id__in=[s.id for s in services]).order_by(
        "-position", "-created_at"
    ):
        thumbnails[photo.service_id] = photo  # type: ignore[attr-defined]  # lowest wins
    cards = []
    for service in services:
        store = stores[service.store_id]  # type: ignore[attr-defined]
        average, count = rated.get(service.id, (None, 0))
        cards.append(
            Card(
                service=service,
                store=store,
                category_label=labels.get(service.category, service.category),
                price_pence=prices[service.id],
                district=district,
                rating=average,
                reviews=count,
                badge=policy.badge_label if store.provider_id in accredited else None,  # type: ignore[attr-defined]
                thumbnail=thumbnails.get(service.id),
            )
        )
    return cards


# --- finding services ------------------------------------------------------------------


@dataclass
class Filters:
    words: str | None = None
    category: str | None = None
    district: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    free: bool | None = None
    store_id: Any = None


async def filter_services(
    query: QuerySet[Service], tenant_id: int, filters: Filters
) -> QuerySet[Service]:
    """Narrow a services query; with a district, prices are that area's prices."""
    if filters.words:
        for word in filters.words.split()[:8]:
            query = query.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if filters.category:
        query = query.filter(category__in=await codes_under(tenant_id, filters.category))
    if filters.store_id is not None:
        query = query.filter(store_id=filters.store_id)
    low = 0 if filters.free else filters.min_price
    high = 0 if filters.free else filters.max_price
    if filters.free is False:
        low = max(low or 0, 1)
    if filters.district is None:
        if low is not None:
            query = query.filter(unit_price_pence__gte=low)
        if high is not None:
            query = query.filter(unit_price_pence__lte=high)
        return query
    offered = await ServiceArea.filter(tenant_id=tenant_id, district=filters.district).values_list(
        "service_id", "price_pence", "service__unit_price_pence"
    )
    ids = []
    for service_id, area_price, own_price in offered:
        price = own_price if area_price is None else area_price
        if (low is None or price >= low) and (high is None or price <= high):
            ids.append(service_id)
    return query.filter(id__in=ids or [None])
