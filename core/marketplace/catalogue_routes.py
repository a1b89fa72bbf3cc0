"""Pages for the catalogue: the provider console's services, a service's public page, and
the council's own kinds of service.

- ``/provider/services``: the services of the stores the signed-in member works for.
- ``/provider/services/new`` and ``/provider/services/{service_id}``: add and change a
  service (areas one district per line, optionally followed by that area's price;
  availability as ticked days with times; who may see a private service); publish,
  pause; photos with a description.
- ``/services/{service_id}``: the public page, with the price where the visitor lives
  (``?postcode=``).
- ``/council/categories``: council officers add kinds of service.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.accreditation.policy import accreditation_policy
from core.budgets.categories import CATEGORIES
from core.errors import Conflict, FieldProblem, InvalidInput
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.marketplace import catalogue
from core.marketplace.catalogue import (
    DAYS,
    INWARD_RE,
    MAX_PHOTOS,
    STATUS_WORDS,
    UNIT_WORDS,
    VAT_CHOICES,
    AreaSpec,
    ServiceSpec,
)
from core.marketplace.categories import COMMON_TAXONOMIES, add_category, kinds_of_service
from core.marketplace.districts import district_or_none
from core.marketplace.images import MAX_PHOTO_BYTES
from core.marketplace.models import PublishStatus, Service, ServiceArea, Store, Visibility
from core.orders.basket import add_form_for
from core.orders.feedback import shown_reviews
from core.postcodes import parse_district
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.responses import render, runtime_of

BASE = "/provider/services"


# --- forms <-> specs -------------------------------------------------------------------


def pounds_text(pence: int | None) -> str:
    """``2450`` -> ``"24.50"`` for a form field (no £, no commas)."""
    return "" if pence is None else f"{pence // 100}.{pence % 100:02d}"


def parse_area_lines(text: str) -> list[AreaSpec]:
    """``"HA1\\nHA2 24.50"`` -> areas; a full postcode (``HA2 7AB 24.50``) counts as its
    district."""
    areas = []
    for line in text.splitlines():
        tokens = [t for t in line.replace("\t", " ").split() if t not in ("-", "=", ":", "–")]
        if not tokens:
            continue
        if len(tokens) >= 2 and INWARD_RE.match(tokens[1].upper()):
            district, rest = f"{tokens[0]} {tokens[1]}", tokens[2:]
        else:
            district, rest = tokens[0].rstrip(",:"), tokens[1:]
        areas.append(AreaSpec(district, " ".join(rest) or None))
    return areas


def area_lines(areas: list[ServiceArea]) -> str:
    return "\n".join(
        a.district + (f" {pounds_text(a.price_pence)}" if a.price_pence is not None else "")
        for a in sorted(areas, key=lambda a: a.district)
    )


def spec_from_form(values: Mapping[str, str]) -> ServiceSpec:
    availability: dict[str, list[str]] = {}
    for day in DAYS:
        if values.get(f"day-{day}"):
            availability[day] = [f"{values.get(f'{day}-from', '')}-{values.get(f'{day}-to', '')}"]
    return ServiceSpec(
        title=values.get("title", ""),
        description=values.get("description", ""),
        category=values.get("category", ""),
        unit=values.get("unit", ""),
        price=values.get("price", ""),
        vat_treatment=values.get("vat_treatment", ""),
        minimum_units=values.get("minimum_units", "") or "1",
        availability=availability,
        areas=parse_area_lines(values.get("areas", "")),
        visibility=values.get("visibility", ""),
        audience=values.get("audience", "").split(),
        takes_bookings=values.get("takes_bookings", "yes") != "no",
    )


async def form_of(service: Service) -> dict[str, str]:
    """A saved service as the values of its form."""
    areas = await ServiceArea.filter(service_id=service.id)
    audience = await catalogue.audience_of(service)
    values = {
        "title": service.title,
        "description": service.description,
        "category": service.category,
        "unit": service.unit.value,
        "price": pounds_text(service.unit_price_pence),
        "vat_treatment": service.vat_treatment.value,
        "minimum_units": str(service.minimum_units),
        "areas": area_lines(areas),
        "visibility": service.visibility.value,
        "audience": "\n".join(m.user.email or "" for m in audience),
        "takes_bookings": "yes" if service.takes_bookings else "no",
    }
    for day, spans in (service.availability or {}).items():
        if spans:
            values[f"day-{day}"] = "yes"
            values[f"{day}-from"] = spans[0].split("-")[0]
            values[f"{day}-to"] = spans[-1].split("-")[1]
    return values


def form_errors(problems: list[FieldProblem]) -> dict[str, str]:
    """One message per field; several problems with the areas or days are read together."""
    errors = field_errors(problems)
    for name in ("areas", "availability", "audience"):
        messages = [p.message for p in problems if p.field == name]
        if len(messages) > 1:
            errors[name] = ". ".join(m.rstrip(".") for m in messages)
    return errors


async def form_choices(tenant_id: int) -> dict[str, Any]:
    kinds = await kinds_of_service(tenant_id)
    groups = [
        (kind, [k for k in kinds if k.own and k.standard_code == kind.code])
        for kind in kinds
        if not kind.own
    ]
    return {
        "category_groups": groups,
        "unit_options": [(u.value, label, None) for u, (label, _) in UNIT_WORDS.items()],
        "vat_options": [(v.value, label, hint) for v, label, hint in VAT_CHOICES],
        "visibility_options": [
            (Visibility.PUBLIC.value, "Everyone", None),
            (
                Visibility.PRIVATE.value,
                "Only people we name",
                "For example existing clients, or a broker. Name them below.",
            ),
        ],
        "booking_options": [
            ("yes", "Yes, people can order it here", None),
            ("no", "No, people contact us instead", "For example a drop-in group."),
        ],
        "days": DAYS,
    }


# --- the provider console --------------------------------------------------------------


@signed_in
async def list_services(request: Request) -> Response:
    actor = actor_of(request)
    stores = await catalogue.my_stores(actor)
    services = (
        await Service.filter(store_id__in=[s.id for s in stores])
        .order_by("title", "id")
        .prefetch_related("store")
        if stores
        else []
    )
    return render(
        request,
        "marketplace/catalogue/services.html",
        "Your services",
        stores=stores,
        services=services,
        status_words=STATUS_WORDS,
        price_words=catalogue.price_words,
        saved=request.query_params.get("saved"),
    )


async def _form_page(
    request: Request,
    *,
    service: Service | None,
    stores: list[Store],
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    photo_errors: dict[str, str] | None = None,
    photo_values: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    actor = actor_of(request)
    assert actor.tenant is not None
    can_change = service is None or await catalogue.can_change(actor, service.store)
    may_add_photos = service is not None and (
        can_change or await catalogue.provider_role(actor, service.store) is not None
    )
    photos = await catalogue.photos_of(service) if service is not None else []
    audience = await catalogue.audience_of(service) if service is not None else []
    title = "Add a service" if service is None else f"Change {service.title}"
    return render(
        request,
        "marketplace/catalogue/form.html",
        title,
        status_code=status_code,
        service=service,
        stores=stores,
        values=values,
        errors=errors or {},
        photo_errors=photo_errors or {},
        photo_values=photo_values or {},
        can_change=can_change,
        may_add_photos=may_add_photos,
        photos=photos,
        max_photos=MAX_PHOTOS,
        max_photo_mb=MAX_PHOTO_BYTES // 1_000_000,
        audience=audience,
        status_words=STATUS_WORDS,
        media_url=catalogue.media_url,
        notice=notice,
        store_is_live=service is not None and service.store.status == PublishStatus.LIVE,
        **await form_choices(actor.tenant.id),
    )


async def _stores_to_add_to(request: Request) -> list[Store]:
    actor = actor_of(request)
    return [s for s in await catalogue.my_stores(actor) if await catalogue.can_change(actor, s)]


@signed_in
async def new_service(request: Request) -> Response:
    stores = await _stores_to_add_to(request)
    if not stores:
        return render(request, "marketplace/catalogue/no_store.html", "Add a service")
    values = {"vat_treatment": "exempt", "visibility": "public", "takes_bookings": "yes"}
    values["minimum_units"] = "1"
    return await _form_page(request, service=None, stores=stores, values=values)


@signed_in
async def add_service(request: Request) -> Response:
    actor = actor_of(request)
    stores = await _stores_to_add_to(request)
    if not stores:
        return render(request, "marketplace/catalogue/no_store.html", "Add a service", 403)
    values = await form_values(request)
    store = next((s for s in stores if str(s.id) == values.get("store_id")), stores[0])
    try:
        service = await catalogue.create_service(actor, store, spec_from_form(values))
    except InvalidInput as refused:
        return await _form_page(
            request,
            service=None,
            stores=stores,
            values=values,
            errors=form_errors(refused.problems),
            status_code=400,
        )
    return see_other(f"{BASE}/{service.id}?saved=added")


NOTICES = {
    "added": "Service saved as a draft. Add photos, then publish it when it is ready.",
    "saved": "Changes saved.",
    "publish": "Service published. People can find it now.",
    "pause": "Service paused. People cannot find it until you publish it again.",
    "photo": "Photo added.",
    "photo-removed": "Photo removed.",
}


@signed_in
async def edit_service(request: Request) -> Response:
    actor = actor_of(request)
    service = await catalogue.service_to_manage(actor, request.path_params["service_id"])
    return await _form_page(
        request,
        service=service,
        stores=[service.store],
        values=await form_of(service),
        notice=NOTICES.get(request.query_params.get("saved", "")),
    )


@signed_in
async def save_service(request: Request) -> Response:
    actor = actor_of(request)
    service = await catalogue.service_to_manage(actor, request.path_params["service_id"])
    values = await form_values(request)
    try:
        await catalogue.update_service(actor, service, spec_from_form(values))
    except InvalidInput as refused:
        return await _form_page(
            request,
            service=service,
            stores=[service.store],
            values=values,
            errors=form_errors(refused.problems),
            status_code=400,
        )
    return see_other(f"{BASE}/{service.id}?saved=saved")


@signed_in
async def service_status(request: Request) -> Response:
    actor = actor_of(request)
    service = await catalogue.service_to_manage(actor, request.path_params["service_id"])
    values = await form_values(request)
    action = values.get("action", "")
    try:
        await catalogue.change_status(actor, service, action)
    except (InvalidInput, Conflict) as refused:
        problems = (
            refused.problems
            if isinstance(refused, InvalidInput)
            else [FieldProblem("status", str(refused).capitalize())]
        )
        return await _form_page(
            request,
            service=service,
            stores=[service.store],
            values=await form_of(service),
            errors=form_errors(problems),
            status_code=409 if isinstance(refused, Conflict) else 400,
        )
    return see_other(f"{BASE}/{service.id}?saved={action}")


@signed_in
async def add_photo(request: Request) -> Response:
    actor = actor_of(request)
    service = await catalogue.service_to_manage(actor, request.path_params["service_id"])
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("photo")
    alt_text = form.get("alt_text")
    alt = alt_text if isinstance(alt_text, str) else ""
    data = b""
    if isinstance(upload, UploadFile):
        data = await upload.read(MAX_PHOTO_BYTES + 1)
    try:
        await catalogue.add_photo(actor, runtime_of(request).storage, service, data, alt)
    except InvalidInput as refused:
        return await _form_page(
            request,
            service=service,
            stores=[service.store],
            values=await form_of(service),
            photo_errors=form_errors(refused.problems),
            photo_values={"alt_text": alt},
            status_code=400,
        )
    return see_other(f"{BASE}/{service.id}?saved=photo#photos")


@signed_in
async def remove_photo(request: Request) -> Response:
    actor = actor_of(request)
    service = await catalogue.service_to_manage(actor, request.path_params["service_id"])
    await catalogue.remove_photo(
        actor, runtime_of(request).storage, service, request.path_params["photo_id"]
    )
    return see_other(f"{BASE}/{service.id}?saved=photo-removed#photos")


# --- the public page -------------------------------------------------------------------


async def show_service(request: Request) -> Response:
    actor = actor_of(request)
    assert actor.tenant is not None
    policy = accreditation_policy(request.state.plugins)
    service = await catalogue.service_to_show(actor, request.path_params["service_id"], policy)
    typed = request.query_params.get("postcode", "").strip()[:20]
    district, errors = None, {}
    if typed:
        district = district_or_none(typed)
        if district is None:
            errors["postcode"] = (
                f"{typed.upper()} is not a postcode district"
                if parse_district(typed)
                else "We do not recognise that postcode. Enter a postcode like HA1 2AB, or HA1"
            )
    [card] = await catalogue.cards_for(actor.tenant.id, [service], policy, district)
    areas = await ServiceArea.filter(service_id=service.id).order_by("district")
    manages = await catalogue.can_read(actor, service.store)
    visible = await (await catalogue.visible_services(actor, policy)).filter(id=service.id).exists()
    paragraphs = [p.strip() for p in service.description.split("\n\n") if p.strip()]
    return render(
        request,
        "marketplace/catalogue/service.html",
        service.title,
        status_code=400 if errors else 200,
        service=service,
        store=service.store,
        card=card,
        areas=areas,
        price_words=catalogue.price_words,
        paragraphs=paragraphs,
        availability=catalogue.availability_rows(service.availability),
        minimum=catalogue.minimum_words(service),
        photos=await catalogue.photos_of(service),
        media_url=catalogue.media_url,
        postcode=typed,
        errors=errors,
        manages=manages,
        public=visible,
        status_words=STATUS_WORDS,
        reviews=await shown_reviews(actor.tenant.id, service.id),
        basket_form=await add_form_for(actor, service, "" if errors else (district or "")),
    )


# --- the council's kinds of service ----------------------------------------------------


async def _categories_page(request: Request, status: int = 200, **extra: Any) -> Response:
    actor = actor_of(request)
    await require_council(actor, Permission.MANAGE_MARKET)
    assert actor.tenant is not None
    kinds = await kinds_of_service(actor.tenant.id)
    extra.setdefault("errors", {})
    extra.setdefault("values", {})
    return render(
        request,
        "marketplace/catalogue/categories.html",
        "Service categories",
        status_code=status,
        kinds=kinds,
        own=[k for k in kinds if k.own],
        parents=[(c.code, c.label) for c in CATEGORIES],
        taxonomies=COMMON_TAXONOMIES,
        **extra,
    )


@signed_in
async def list_categories(request: Request) -> Response:
    return await _categories_page(request, added=request.query_params.get("added"))


@signed_in
async def add_council_category(request: Request) -> Response:
    values = await form_values(request)
    try:
        await add_category(
            actor_of(request),
            code=values.get("code", ""),
            label=values.get("label", ""),
            parent_code=values.get("parent_code", ""),
            taxonomy=values.get("taxonomy", ""),
            term_id=values.get("term_id", ""),
        )
    except InvalidInput as refused:
        return await _categories_page(
            request, 400, errors=field_errors(refused.problems), values=values
        )
    return see_other("/council/categories?added=1")


routes = [
    Route(BASE, list_services, methods=["GET"], name="catalogue:services"),
    Route(f"{BASE}/new", new_service, methods=["GET"], name="catalogue:new"),
    Route(f"{BASE}/new", add_service, methods=["POST"]),
    Route(f"{BASE}/{{service_id}}", edit_service, methods=["GET"], name="catalogue:edit"),
    Route(f"{BASE}/{{service_id}}", save_service, methods=["POST"]),
    Route(f"{BASE}/{{service_id}}/status", service_status, methods=["POST"]),
    Route(f"{BASE}/{{service_id}}/photos", add_photo, methods=["POST"]),
    Route(f"{BASE}/{{service_id}}/photos/{{photo_id}}/delete", remove_photo, methods=["POST"]),
    Route("/services/{service_id}", show_service, methods=["GET"], name="catalogue:service"),
    Route("/council/categories", list_categories, methods=["GET"], name="console:categories"),
    Route("/council/categories", add_council_category, methods=["POST"]),
]
