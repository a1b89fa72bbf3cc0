"""A provider's store in one council: its details, colours, logo, case studies and photos,
and who may see it. Services only: no HTTP here.

Owners and managers change the store; staff add and remove case studies and photos
(:mod:`core.marketplace.providers` says who is who). Every change is audited.

Files: a logo and photos are public files of the council (``public/stores/<store
id>/...`` in its storage), served by ``/media/<key without public/>``. ``Store.logo_key``,
``Photo.key`` and ``Photo.thumbnail_key`` hold the full storage key; :func:`media_url`
turns one into its address.

Who sees a store: the public, when it is live and, under a ``kitemark`` accreditation
policy, its provider is accredited by this council; its own team and the council's
market and accreditation staff always (with a "not live" notice); anyone else gets a 404.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from core.accreditation.models import Accreditation
from core.accreditation.policy import AccreditationPolicy
from core.audit.actions import AuditAction
from core.audit.services import record
from core.errors import FieldProblem, InvalidInput, NotFound
from core.identity.actor import Actor
from core.identity.invitations import check_email
from core.ids import parse_uuid
from core.marketplace.images import check_logo, prepare_photo
from core.marketplace.models import CaseStudy, Photo, PublishStatus, Store, StoreTier
from core.marketplace.providers import (
    EDITORS,
    EVERYONE,
    may_see_unpublished,
    require_provider,
    tidy,
)
from core.marketplace.visibility import accredited_provider_ids
from core.people.services import parse_phone
from core.postcodes import parse_postcode
from core.storage.base import FileStorage, StorageError
from core.theming.colours import (
    PAGE_BACKGROUND,
    WCAG_AA_NORMAL_TEXT,
    contrast_ratio,
    normalise_colour,
)
from tenants.routes import PUBLIC_PREFIX

logger = logging.getLogger(__name__)

MAX_NAME = 200
MAX_DESCRIPTION = 5_000
MAX_ADDRESS = 300
MAX_WEBSITE = 300
MAX_TITLE = 200
MAX_STORY = 5_000
MAX_ALT = 200
MAX_CASE_STUDIES = 30
MAX_PHOTOS = 20
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#0b0c0c"

TIER_LABELS = {
    StoreTier.LISTING: "Listing",
    StoreTier.BRANDED: "Branded store page",
}
TIER_HINTS = {
    StoreTier.LISTING: "A simple card with your name, description and contact details, "
    "and your services in the catalogue.",
    StoreTier.BRANDED: "Your own page with your logo and colours, case studies and photos.",
}
STATUS_LABELS = {
    PublishStatus.DRAFT: "Draft",
    PublishStatus.LIVE: "Live",
    PublishStatus.PAUSED: "Paused",
}


def media_url(key: str | None) -> str | None:
    """``public/stores/x/logo.png`` -> ``/media/stores/x/logo.png``."""
    if not key or not key.startswith(PUBLIC_PREFIX):
        return None
    return "/media/" + key.removeprefix(PUBLIC_PREFIX)


def store_prefix(store: Store) -> str:
    return f"{PUBLIC_PREFIX}stores/{store.id}/"


async def _audit(actor: Actor, store: Store, **details: Any) -> None:
    await record(
        store.tenant_id,
        AuditAction.STORE_CHANGED,
        actor,
        target_type="store",
        target_id=store.id,
        target_label=store.name,
        details=details,
    )


async def _forget(storage: FileStorage, tenant_id: int, *keys: str | None) -> None:
    """Delete files no longer used; a failure leaves an orphan file, never an error."""
    for key in keys:
        if key:
            try:
                await storage.delete(tenant_id, key)
            except StorageError as error:
                logger.warning("could not delete %s of council %s: %s", key, tenant_id, error)


# ---------------------------------------------------------------------------
# Details
# ---------------------------------------------------------------------------


def _website(text: str, problems: list[FieldProblem]) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.startswith(("http://", "https://")):
        text = "https://" + text
    host = text.split("://", 1)[1].split("/", 1)[0]
    if "." not in host or " " in text or len(text) > MAX_WEBSITE or "<" in text or '"' in text:
        problems.append(FieldProblem("website", "Enter a website address, like www.example.org"))
        return None
    return text


def _paragraphs(text: str) -> str:
    """Plain text: tidy spaces in each line, at most one empty line between paragraphs."""
    lines = [" ".join(line.split()) for line in (text or "").replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


async def update_details(
    actor: Actor,
    store: Store,
    *,
    name: str,
    description: str,
    phone: str,
    email: str,
    website: str,
    address: str,
    postcode: str,
    tier: str,
) -> Store:
    """The store's name, description (plain text), contact details, address and tier."""
    await require_provider(actor, store, EDITORS)
    problems: list[FieldProblem] = []
    name = tidy(name)
    if not name:
        problems.append(FieldProblem("name", "Enter your store's name"))
    elif len(name) > MAX_NAME:
        problems.append(FieldProblem("name", f"Store name must be {MAX_NAME} characters or fewer"))
    description = _paragraphs(description)
    if len(description) > MAX_DESCRIPTION:
        problems.append(
            FieldProblem(
                "description", f"Description must be {MAX_DESCRIPTION:,} characters or fewer"
            )
        )
    tidy_phone = None
    if (phone or "").strip():
        tidy_phone = parse_phone(phone)
        if tidy_phone is None:
            problems.append(FieldProblem("phone", "Enter a UK phone number, like 01632 960 001"))
    tidy_email = None
    if (email or "").strip():
        try:
            tidy_email = check_email(email)
        except InvalidInput:
            problems.append(FieldProblem("email", "Enter an email address, like name@example.com"))
    tidy_website = _website(website, problems)
    lines = [tidy(line) for line in (address or "").splitlines()]
    tidy_address = "\n".join(line for line in lines if line) or None
    if tidy_address and len(tidy_address) > MAX_ADDRESS:
        problems.append(
            FieldProblem("address", f"Address must be {MAX_ADDRESS} characters or fewer")
        )
    tidy_postcode = None
    if (postcode or "").strip():
        tidy_postcode = parse_postcode(postcode)
        if tidy_postcode is None:
            problems.append(FieldProblem("postcode", "Enter a real postcode, like SW1A 1AA"))
    try:
        chosen_tier = StoreTier(tier or "")
    except ValueError:
        problems.append(FieldProblem("tier", "Choose a listing or a branded store page"))
        chosen_tier = store.tier
    if problems:
        raise InvalidInput("check the store's details", problems)
    new = {
        "name": name,
        "description": description,
        "phone": tidy_phone,
        "email": tidy_email,
        "website": tidy_website,
        "address": tidy_address,
        "postcode": tidy_postcode,
        "tier": chosen_tier,
    }
    changed = sorted(field for field, value in new.items() if getattr(store, field) != value)
    if changed:
        for field, value in new.items():
            setattr(store, field, value)
        await store.save(update_fields=[*new.keys(), "updated_at"])
        await _audit(actor, store, changed=changed)
    return store


def missing_before_live(store: Store) -> list[FieldProblem]:
    """What a store needs before people can see it."""
    problems = []
    if not store.description:
        problems.append(FieldProblem("description", "Add a description of what you offer"))
    if not (store.phone or store.email):
        problems.append(FieldProblem("phone", "Add a phone number or an email address"))
    return problems


async def set_status(actor: Actor, store: Store, status: str) -> Store:
    """Draft, live or paused. Going live needs a description and a way to get in touch."""
    await require_provider(actor, store, EDITORS)
    try:
        chosen = PublishStatus(status or "")
    except ValueError:
        raise InvalidInput(
            "choose a status", [FieldProblem("status", "Choose draft, live or paused")]
        ) from None
    if chosen == PublishStatus.LIVE:
        missing = missing_before_live(store)
        if missing:
            raise InvalidInput("the store is not ready", missing)
    if chosen != store.status:
        before = store.status
        store.status = chosen
        await store.save(update_fields=["status", "updated_at"])
        await _audit(actor, store, status={"before": before.value, "after": chosen.value})
    return store


# ---------------------------------------------------------------------------
# Colours
# ---------------------------------------------------------------------------


def _ratio_text(ratio: float) -> str:
    """Rounded down, so a failing 4.496 never reads as a passing 4.50."""
    return f"{math.floor(ratio * 100) / 100:.2f}:1"


@dataclass(frozen=True)
class ContrastCheck:
    """One pair of colours the store page uses, and whether it is readable."""

    what: str
    foreground: str
    background: str
    ratio: float

    @property
    def passes(self) -> bool:
        return self.ratio >= WCAG_AA_NORMAL_TEXT

    @property
    def ratio_text(self) -> str:
        return _ratio_text(self.ratio)


@dataclass(frozen=True)
class Colours:
    brand_colour: str | None
    brand_text_colour: str | None
    checks: tuple[ContrastCheck, ...] = ()


def _colour(text: str) -> str:
    """``1d5c8c``, ``#1D5C8C``, ``#15c`` or a CSS colour name -> ``#1d5c8c``."""
    if re.fullmatch(r"[0-9a-fA-F]{3}|[0-9a-fA-F]{6}", text):
        text = "#" + text
    return normalise_colour(text)


def check_colours(brand_colour: str, brand_text_colour: str) -> Colours:
    """Check a store's colours against WCAG AA (4.5:1 for text).

    The brand colour fills the store's banner, behind its text colour, and colours its
    headings on the white page, so both pairs must be readable. No text colour: white
    or near-black, whichever reads better. No colours at all: the council's look.
    Every problem names its field and says what to do.
    """
    brand_text, text_text = (brand_colour or "").strip(), (brand_text_colour or "").strip()
    if not brand_text and not text_text:
        return Colours(None, None)
    problems: list[FieldProblem] = []
    brand = text = None
    if not brand_text:
        problems.append(
            FieldProblem("brand_colour", "Enter a brand colour, or clear the text colour too")
        )
    else:
        try:
            brand = _colour(brand_text)
        except ValueError:
            problems.append(
                FieldProblem("brand_colour", "Enter the brand colour as a hex code, like #1d5c8c")
            )
    if text_text:
        try:
            text = _colour(text_text)
        except ValueError:
            problems.append(
                FieldProblem(
                    "brand_text_colour", "Enter the text colour as a hex code, like #ffffff"
                )
            )
    if problems:
        raise InvalidInput("check the colours", problems)
    assert brand is not None
    if text is None:
        text = max(LIGHT_TEXT, DARK_TEXT, key=lambda c: contrast_ratio(c, brand))
    checks = (
        ContrastCheck(
            "Text on your brand colour (banner)", text, brand, contrast_ratio(text, brand)
        ),
        ContrastCheck(
            "Your brand colour on the white page (headings)",
            brand,
            PAGE_BACKGROUND,
            contrast_ratio(brand, PAGE_BACKGROUND),
        ),
    )
    banner, headings = checks
    if not headings.passes:
        problems.append(
            FieldProblem(
                "brand_colour",
                f"Brand colour {brand} is too light for headings on a white page: its "
                f"contrast ratio is {headings.ratio_text} and it needs at least 4.5:1. "
                f"Choose a darker colour",
            )
        )
    if not banner.passes:
        problems.append(
            FieldProblem(
                "brand_text_colour",
                f"Text colour {text} is hard to read on brand colour {brand}: their contrast "
                f"ratio is {banner.ratio_text} and it needs at least 4.5:1. Choose a lighter "
                f"or darker text colour",
            )
        )
    if problems:
        error = InvalidInput("the colours are hard to read", problems)
        error.checks = checks  # type: ignore[attr-defined]
        raise error
    return Colours(brand, text, checks)


async def update_colours(
    actor: Actor, store: Store, brand_colour: str, brand_text_colour: str
) -> Colours:
    await require_provider(actor, store, EDITORS)
    colours = check_colours(brand_colour, brand_text_colour)
    new = (colours.brand_colour, colours.brand_text_colour)
    if new != (store.brand_colour, store.brand_text_colour):
        store.brand_colour, store.brand_text_colour = new
        await store.save(update_fields=["brand_colour", "brand_text_colour", "updated_at"])
        await _audit(actor, store, colours={"brand_colour": new[0], "brand_text_colour": new[1]})
    return colours


def store_stylesheet(brand_colour: str | None, brand_text_colour: str | None) -> str:
    """The CSS for one store's page: its colours on the banner and headings, and the few
    layout rules the store page needs. Colours are checked ``#rrggbb`` values only."""
    rules = [
        ".cp-store-banner { padding: 20px; margin-bottom: 30px; border: 1px solid #b1b4b6; }",
        ".cp-store-banner__logo { display: block; max-width: 100%; max-height: 96px; "
        "margin-bottom: 15px; background-color: #ffffff; padding: 8px; }",
        ".cp-store-banner__title { margin: 0; }",
        ".cp-store-photo { display: block; max-width: 100%; height: auto; }",
        ".cp-store-photo-list { list-style: none; padding: 0; margin: 0; display: grid; "
        "grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 20px; }",
        ".cp-store-swatch { display: inline-block; padding: 10px 15px; "
        "border: 1px solid #b1b4b6; }",
    ]
    if brand_colour and brand_text_colour:
        brand, text = normalise_colour(brand_colour), normalise_colour(brand_text_colour)
        rules += [
            f".cp-store-banner--branded {{ background-color: {brand}; color: {text}; "
            f"border-color: {brand}; }}",
            f".cp-store-banner--branded .cp-store-banner__title, "
            f".cp-store-banner--branded .cp-store-banner__text {{ color: {text}; }}",
            f".cp-store--branded .cp-store__heading {{ color: {brand}; "
            f"border-bottom: 4px solid {brand}; padding-bottom: 5px; }}",
            f".cp-store-swatch--branded {{ background-color: {brand}; color: {text}; }}",
        ]
    return "\n".join(rules) + "\n"


# ---------------------------------------------------------------------------
# Logo
# ---------------------------------------------------------------------------


async def upload_logo(actor: Actor, store: Store, storage: FileStorage, data: bytes) -> Store:
    """SVG, PNG, JPEG or WebP (by content), 1 MB at most, under the council's public files."""
    await require_provider(actor, store, EDITORS)
    extension = check_logo(data)
    digest = hashlib.sha256(data).hexdigest()[:16]
    key = f"{store_prefix(store)}logo-{digest}.{extension}"
    await storage.put(store.tenant_id, key, data)
    old = store.logo_key
    if old != key:
        store.logo_key = key
        await store.save(update_fields=["logo_key", "updated_at"])
        await _audit(actor, store, logo="uploaded", bytes=len(data))
        await _forget(storage, store.tenant_id, old)
    return store


async def remove_logo(actor: Actor, store: Store, storage: FileStorage) -> Store:
    await require_provider(actor, store, EDITORS)
    old = store.logo_key
    if old:
        store.logo_key = None
        await store.save(update_fields=["logo_key", "updated_at"])
        await _audit(actor, store, logo="removed")
        await _forget(storage, store.tenant_id, old)
    return store


# ---------------------------------------------------------------------------
# Case studies
# ---------------------------------------------------------------------------


def _check_story(title: str, body: str) -> tuple[str, str]:
    problems = []
    title = tidy(title)
    body = _paragraphs(body)
    if not title:
        problems.append(FieldProblem("title", "Enter a title for the case study"))
    elif len(title) > MAX_TITLE:
        problems.append(FieldProblem("title", f"Title must be {MAX_TITLE} characters or fewer"))
    if not body:
        problems.append(FieldProblem("body", "Enter the case study"))
    elif len(body) > MAX_STORY:
        problems.append(
            FieldProblem("body", f"Case study must be {MAX_STORY:,} characters or fewer")
        )
    if problems:
        raise InvalidInput("check the case study", problems)
    return title, body


async def case_studies_of(store: Store) -> list[CaseStudy]:
    return await CaseStudy.filter(tenant_id=store.tenant_id, store_id=store.id).order_by(
        "created_at", "id"
    )


async def get_case_study(actor: Actor, store: Store, case_study_id: object) -> CaseStudy:
    await require_provider(actor, store, EVERYONE)
    key = parse_uuid(case_study_id)
    study = (
        await CaseStudy.get_or_none(id=key, tenant_id=store.tenant_id, store_id=store.id)
        if key
        else None
    )
    if study is None:
        raise NotFound("no such case study")
    return study


async def add_case_study(actor: Actor, store: Store, title: str, body: str) -> CaseStudy:
    await require_provider(actor, store, EVERYONE)
    title, body = _check_story(title, body)
    if await CaseStudy.filter(store_id=store.id).count() >= MAX_CASE_STUDIES:
        raise InvalidInput(
            "too many case studies",
            [
                FieldProblem(
                    "title",
                    f"You can have up to {MAX_CASE_STUDIES} case studies. Remove one first",
                )
            ],
        )
    study = await CaseStudy.create(tenant_id=store.tenant_id, store=store, title=title, body=body)
    await _audit(actor, store, case_study={"added": str(study.id), "title": title})
    return study


async def change_case_study(
    actor: Actor, store: Store, case_study_id: object, title: str, body: str
) -> CaseStudy:
    study = await get_case_study(actor, store, case_study_id)
    title, body = _check_story(title, body)
    if (study.title, study.body) != (title, body):
        study.title, study.body = title, body
        await study.save(update_fields=["title", "body"])
        await _audit(actor, store, case_study={"changed": str(study.id), "title": title})
    return study


async def remove_case_study(actor: Actor, store: Store, case_study_id: object) -> None:
    study = await get_case_study(actor, store, case_study_id)
    await study.delete()
    await _audit(actor, store, case_study={"removed": str(study.id), "title": study.title})


# ---------------------------------------------------------------------------
# Photos
# ---------------------------------------------------------------------------


async def photos_of(store: Store) -> list[Photo]:
    """The store's own photos (not its services'), in the order they were added."""
    return await Photo.filter(
        tenant_id=store.tenant_id, store_id=store.id, service_id__isnull=True
    ).order_by("position", "created_at")


async def get_photo(actor: Actor, store: Store, photo_id: object) -> Photo:
    await require_provider(actor, store, EVERYONE)
    key = parse_uuid(photo_id)
    photo = (
        await Photo.get_or_none(
            id=key, tenant_id=store.tenant_id, store_id=store.id, service_id__isnull=True
        )
        if key
        else None
    )
    if photo is None:
        raise NotFound("no such photo")
    return photo


def check_alt_text(alt_text: str) -> str:
    alt_text = tidy(alt_text)
    if not alt_text:
        raise InvalidInput(
            "describe the photo",
            [
                FieldProblem(
                    "alt_text",
                    "Describe the photo for people who cannot see it, like "
                    "“Two people planting tomatoes in a garden”",
                )
            ],
        )
    if len(alt_text) > MAX_ALT:
        raise InvalidInput(
            "description too long",
            [FieldProblem("alt_text", f"Description must be {MAX_ALT} characters or fewer")],
        )
    return alt_text


async def add_photo(
    actor: Actor, store: Store, storage: FileStorage, data: bytes, alt_text: str
) -> Photo:
    """Check the photo (JPEG, PNG or WebP, 5 MB at most) and its description, then store
    it re-saved (no camera data) with a 400-pixel-wide thumbnail."""
    await require_provider(actor, store, EVERYONE)
    problems: list[FieldProblem] = []
    try:
        alt_text = check_alt_text(alt_text)
    except InvalidInput as refused:
        problems += refused.problems
    prepared = None
    try:
        prepared = await asyncio.to_thread(prepare_photo, data)
    except InvalidInput as refused:
        problems = [*refused.problems, *problems]
    if problems:
        raise InvalidInput("check the photo", problems)
    assert prepared is not None
    if await Photo.filter(store_id=store.id, service_id__isnull=True).count() >= MAX_PHOTOS:
        raise InvalidInput(
            "too many photos",
            [FieldProblem("photo", f"You can have up to {MAX_PHOTOS} photos. Remove one first")],
        )
    photo_id = uuid.uuid4()
    key = f"{store_prefix(store)}photos/{photo_id}.{prepared.extension}"
    thumbnail_key = f"{store_prefix(store)}photos/{photo_id}-thumbnail.{prepared.extension}"
    await storage.put(store.tenant_id, key, prepared.data)
    await storage.put(store.tenant_id, thumbnail_key, prepared.thumbnail)
    try:
        async with in_transaction():
            last = await Photo.filter(store_id=store.id).order_by("-position").first()
            photo = await Photo.create(
                id=photo_id,
                tenant_id=store.tenant_id,
                store=store,
                key=key,
                thumbnail_key=thumbnail_key,
                alt_text=alt_text,
                position=(last.position if last else 0) + 1,
            )
            await _audit(actor, store, photo={"added": str(photo.id), "alt_text": alt_text})
    except Exception:
        await _forget(storage, store.tenant_id, key, thumbnail_key)
        raise
    return photo


async def remove_photo(actor: Actor, store: Store, storage: FileStorage, photo_id: object) -> None:
    photo = await get_photo(actor, store, photo_id)
    await photo.delete()
    await _audit(actor, store, photo={"removed": str(photo.id), "alt_text": photo.alt_text})
    await _forget(storage, store.tenant_id, photo.key, photo.thumbnail_key)


# ---------------------------------------------------------------------------
# Who sees a store
# ---------------------------------------------------------------------------


async def is_accredited(store: Store) -> bool:
    return store.provider_id in await accredited_provider_ids(store.tenant_id)  # type: ignore[attr-defined]


async def is_public(store: Store, policy: AccreditationPolicy) -> bool:
    """Live, and accredited where the council's kitemark requires it."""
    if store.status != PublishStatus.LIVE:
        return False
    return not policy.listing_needs_accreditation or await is_accredited(store)


@dataclass(frozen=True)
class StoreView:
    """A store as a visitor may see it; ``public`` is false for a preview by its team
    or council staff, with ``reasons`` it is hidden from everyone else."""

    store: Store
    public: bool
    accredited: bool
    reasons: tuple[str, ...]
    case_studies: list[CaseStudy]
    photos: list[Photo]


def hidden_because(store: Store, policy: AccreditationPolicy, accredited: bool) -> tuple[str, ...]:
    reasons = []
    if store.status == PublishStatus.DRAFT:
        reasons.append("it is a draft")
    elif store.status == PublishStatus.PAUSED:
        reasons.append("it is paused")
    if policy.listing_needs_accreditation and not accredited:
        reasons.append("the council has not accredited this provider yet")
    return tuple(reasons)


async def view_store(actor: Actor, policy: AccreditationPolicy, store: Store | None) -> StoreView:
    """What ``actor`` may see of ``store``; a store they may not see is :class:`NotFound`."""
    if store is None or actor.tenant is None or store.tenant_id != actor.tenant.id:
        raise NotFound("no such store")
    accredited = await is_accredited(store)
    reasons = hidden_because(store, policy, accredited)
    if reasons and not await may_see_unpublished(actor, store):
        raise NotFound("no such store")
    await store.fetch_related("provider")
    return StoreView(
        store=store,
        public=not reasons,
        accredited=accredited,
        reasons=reasons,
        case_studies=await case_studies_of(store),
        photos=await photos_of(store),
    )


async def store_by_slug(actor: Actor, slug: str) -> Store | None:
    if actor.tenant is None:
        return None
    return await Store.get_or_none(tenant_id=actor.tenant.id, slug=slug)


async def store_by_id(actor: Actor, store_id: object) -> Store | None:
    key = parse_uuid(store_id)
    if actor.tenant is None or key is None:
        return None
    return await Store.get_or_none(tenant_id=actor.tenant.id, id=key)


async def visible_stores(
    actor: Actor, policy: AccreditationPolicy, *, after: object = None, limit: int = 50
) -> list[Store]:
    """Public stores of the actor's council, by id, ``limit`` after the ``after`` id."""
    assert actor.tenant is not None
    query = Store.filter(tenant_id=actor.tenant.id, status=PublishStatus.LIVE)
    if policy.listing_needs_accreditation:
        accredited = await accredited_provider_ids(actor.tenant.id)
        query = query.filter(provider_id__in=list(accredited) or [None])
    if after is not None:
        query = query.filter(id__gt=after)
    return await query.order_by("id").limit(limit)


async def accreditation_of(store: Store) -> Accreditation | None:
    return await Accreditation.get_or_none(
        tenant_id=store.tenant_id,
        provider_id=store.provider_id,  # type: ignore[attr-defined]
    )
