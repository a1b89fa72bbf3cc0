"""``/api/v1/services``: the catalogue for partner systems and provider staff.

Reading needs a token with ``catalogue:read`` (or ``catalogue:write``), or a signed-in
member: everyone sees what they would see on the site (live services; private ones
only if named). A store's own team, council market officers and ``catalogue:write``
clients also see that store's drafts with ``?store_id=``.

Writing needs ``catalogue:write`` (council systems: any store here), or a signed-in
owner or manager of the store (their session cookie; the same checks as the pages).
Money is whole pence: ``12.5`` or ``"1250"`` is refused, never rounded. Every
problem names its field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.accreditation.policy import accreditation_policy
from core.api.bodies import read_body
from core.api.errors import answer
from core.api.openapi import Operation, query_parameter
from core.api.problem import problem
from core.audit.actions import AuditAction
from core.audit.services import record
from core.errors import FieldProblem, InvalidInput
from core.identity.actor import Actor
from core.identity.permissions import PermissionDenied, SignInRequired
from core.ids import parse_uuid
from core.marketplace import catalogue
from core.marketplace.catalogue import READ_SCOPE, WRITE_SCOPE, AreaSpec, Card, Filters
from core.marketplace.categories import find_kind
from core.marketplace.districts import district_or_none, not_a_district
from core.marketplace.models import PublishStatus, Service, ServiceArea, Store
from core.web.forms import actor_of

MAX_PAGE = 100
# The service layer's field names -> this API's.
API_FIELDS = {"price": "unit_price_pence"}

# --- shapes ---------------------------------------------------------------------------


class AreaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    district: str = Field(max_length=20, description="A postcode district (HA1) or a postcode")
    price_pence: StrictInt | None = Field(
        default=None, description="The price there, if it differs from unit_price_pence"
    )


class _ServiceFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=400)
    description: str = Field(max_length=10_000, description="Plain English")
    category: str = Field(max_length=60, description="A standard or council category code")
    unit: str = Field(description="hour, session, day, week or item")
    unit_price_pence: StrictInt = Field(description="Whole pence, 0 or more; 0 is free")
    vat_treatment: str = Field(
        default="exempt", description="exempt, standard, zero or outside_scope"
    )
    minimum_units: StrictInt = Field(default=1, description="The smallest booking, 1 or more")
    availability: dict[str, list[str]] = Field(
        default_factory=dict, description='{"mon": ["09:00-17:00"], ...}; empty: ask'
    )
    areas: list[AreaIn] = Field(description="Postcode districts covered, at least one")
    visibility: str = Field(default="public", description="public or private")
    audience: list[str] = Field(
        default_factory=list,
        description="Email addresses of this council's members who may see a private service",
    )
    takes_bookings: StrictBool = Field(
        default=True, description="false: people contact the provider instead of ordering"
    )


class NewService(_ServiceFields):
    store_id: UUID


class ServiceChanges(BaseModel):
    """Only the fields sent change; ``status`` publishes (live) or pauses (paused)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=400)
    description: str | None = Field(default=None, max_length=10_000)
    category: str | None = Field(default=None, max_length=60)
    unit: str | None = None
    unit_price_pence: StrictInt | None = None
    vat_treatment: str | None = None
    minimum_units: StrictInt | None = None
    availability: dict[str, list[str]] | None = None
    areas: list[AreaIn] | None = None
    visibility: str | None = None
    audience: list[str] | None = None
    takes_bookings: StrictBool | None = None
    status: Literal["live", "paused"] | None = None


class AreaOut(BaseModel):
    district: str
    price_pence: int | None = Field(description="null: the service's own unit_price_pence")


class PhotoOut(BaseModel):
    url: str
    thumbnail_url: str
    alt_text: str


class RatingOut(BaseModel):
    average: float | None
    count: int


class ServiceOut(BaseModel):
    id: UUID
    store_id: UUID
    store_name: str
    provider_id: UUID
    title: str
    description: str
    category: str
    category_label: str
    unit: str
    unit_price_pence: int
    price_pence: int | None = Field(
        description="The price in the district asked for (?postcode=), else unit_price_pence; "
        "null when the service is not offered there"
    )
    district: str | None
    currency: Literal["GBP"] = "GBP"
    free: bool
    vat_treatment: str
    vat_label: str
    minimum_units: int
    availability: dict[str, list[str]]
    areas: list[AreaOut]
    visibility: str
    status: str
    takes_bookings: bool
    photos: list[PhotoOut]
    rating: RatingOut
    accredited: bool
    audience: list[str] | None = Field(
        default=None,
        description="Who may see a private service (email addresses): only for those who "
        "may change it",
    )
    created_at: datetime
    updated_at: datetime


class ServicesPage(BaseModel):
    items: list[ServiceOut]
    next: str | None


# --- helpers --------------------------------------------------------------------------


async def _require_read(actor: Actor) -> None:
    if actor.is_api_client:
        if READ_SCOPE not in actor.scopes and WRITE_SCOPE not in actor.scopes:
            await record(
                actor.tenant.id if actor.tenant else None,
                AuditAction.PERMISSION_REFUSED,
                actor,
                target_type="scope",
                target_id=READ_SCOPE,
                target_label="API scope",
            )
            raise PermissionDenied(f"this token lacks the {READ_SCOPE!r} scope")
        return
    if actor.membership is None:
        raise SignInRequired("send a bearer token from /oauth/token")


async def _require_write_scope(actor: Actor) -> None:
    if actor.is_api_client and WRITE_SCOPE not in actor.scopes:
        await record(
            actor.tenant.id if actor.tenant else None,
            AuditAction.PERMISSION_REFUSED,
            actor,
            target_type="scope",
            target_id=WRITE_SCOPE,
            target_label="API scope",
        )
        raise PermissionDenied(f"this token lacks the {WRITE_SCOPE!r} scope")
    if not actor.is_api_client and actor.membership is None:
        raise SignInRequired("send a bearer token from /oauth/token")


def _renamed(error: InvalidInput) -> InvalidInput:
    return InvalidInput(
        str(error),
        [FieldProblem(API_FIELDS.get(p.field, p.field), p.message) for p in error.problems],
    )


def _district(request: Request, problems: list[FieldProblem]) -> str | None:
    typed = request.query_params.get("postcode") or request.query_params.get("district")
    if not typed:
        return None
    district = district_or_none(typed)
    if district is None:
        name = "postcode" if request.query_params.get("postcode") else "district"
        problems.append(FieldProblem(name, not_a_district(typed[:20])))
    return district


def _pence(request: Request, name: str, problems: list[FieldProblem]) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.isdigit() and int(raw) <= catalogue.MAX_PRICE_PENCE:
        return int(raw)
    problems.append(FieldProblem(name, "must be a whole number of pence, 0 or more"))
    return None


async def service_out(card: Card, *, manage: bool) -> ServiceOut:
    service, store = card.service, card.store
    areas = await ServiceArea.filter(service_id=service.id).order_by("district")
    photos = await catalogue.photos_of(service)
    audience = None
    if manage:
        audience = [m.user.email or "" for m in await catalogue.audience_of(service)]
    return ServiceOut(
        id=service.id,
        store_id=store.id,
        store_name=store.name,
        provider_id=store.provider_id,  # type: ignore[attr-defined]
        title=service.title,
        description=service.description,
        category=service.category,
        category_label=card.category_label,
        unit=service.unit.value,
        unit_price_pence=service.unit_price_pence,
        price_pence=card.price_pence,
        district=card.district,
        free=card.free,
        vat_treatment=service.vat_treatment.value,
        vat_label=card.vat_words,
        minimum_units=service.minimum_units,
        availability=dict(service.availability or {}),
        areas=[AreaOut(district=a.district, price_pence=a.price_pence) for a in areas],
        visibility=service.visibility.value,
        status=service.status.value,
        takes_bookings=service.takes_bookings,
        photos=[
            PhotoOut(
                url=catalogue.media_url(p.key),
                thumbnail_url=catalogue.media_url(p.thumbnail_key),
                alt_text=p.alt_text,
            )
            for p in photos
        ],
        rating=RatingOut(average=card.rating, count=card.reviews),
        accredited=card.badge is not None,
        audience=audience,
        created_at=service.created_at,
        updated_at=service.updated_at,
    )


async def _one(request: Request, service: Service, district: str | None = None) -> ServiceOut:
    actor = actor_of(request)
    assert actor.tenant is not None
    policy = accreditation_policy(request.state.plugins)
    [card] = await catalogue.cards_for(actor.tenant.id, [service], policy, district)
    return await service_out(card, manage=await catalogue.can_read(actor, service.store))


def _json(model: BaseModel, status: int = 200, location: str | None = None) -> JSONResponse:
    headers = {"Location": location} if location else None
    return JSONResponse(model.model_dump(mode="json"), status_code=status, headers=headers)


def _areas(areas: list[AreaIn]) -> list[AreaSpec]:
    return [AreaSpec(a.district, a.price_pence) for a in areas]


# --- endpoints ------------------------------------------------------------------------


async def _list(request: Request) -> Response:
    actor = actor_of(request)
    await _require_read(actor)
    assert actor.tenant is not None
    tenant_id = actor.tenant.id
    policy = accreditation_policy(request.state.plugins)
    params = request.query_params
    problems: list[FieldProblem] = []
    district = _district(request, problems)
    low, high = (
        _pence(request, "min_price_pence", problems),
        _pence(request, "max_price_pence", problems),
    )
    free = None
    if params.get("free"):
        if params["free"] in ("true", "false"):
            free = params["free"] == "true"
        else:
            problems.append(FieldProblem("free", "must be true or false"))
    category = params.get("category") or None
    if category and await find_kind(tenant_id, category) is None:
        problems.append(FieldProblem("category", "is not a kind of service in this council"))
    store_id = None
    if params.get("store_id"):
        store_id = parse_uuid(params["store_id"])
        if store_id is None:
            problems.append(FieldProblem("store_id", "is not a store id"))
    status = params.get("status") or None
    if status and status not in {s.value for s in PublishStatus}:
        problems.append(FieldProblem("status", "must be draft, live or paused"))
    raw_limit = params.get("limit", "50")
    limit = int(raw_limit) if raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_PAGE else 50
    if str(limit) != raw_limit:
        problems.append(FieldProblem("limit", f"must be a whole number from 1 to {MAX_PAGE}"))
    cursor = None
    if params.get("cursor"):
        cursor = parse_uuid(params["cursor"])
        if cursor is None:
            problems.append(FieldProblem("cursor", "is not a cursor this API gave you"))
    if problems:
        return problem(400, "the query is not valid", errors=problems)

    query = await catalogue.visible_services(actor, policy)
    manage = False
    if store_id is not None:
        store = await Store.get_or_none(id=store_id, tenant_id=tenant_id)
        if store is not None and await catalogue.can_read(actor, store):
            query, manage = Service.filter(tenant_id=tenant_id), True
    if status is not None:
        query = query.filter(status=status)
    query = await catalogue.filter_services(
        query,
        tenant_id,
        Filters(
            words=(params.get("q") or "")[:200] or None,
            category=category,
            district=district,
            min_price=low,
            max_price=high,
            free=free,
            store_id=store_id,
        ),
    )
    if cursor is not None:
        query = query.filter(id__gt=cursor)
    found = await query.order_by("id").limit(limit)
    cards = await catalogue.cards_for(tenant_id, found, policy, district)
    items = [await service_out(card, manage=manage) for card in cards]
    next_url = None
    if len(found) == limit:
        next_url = str(request.url.include_query_params(cursor=str(found[-1].id)))
    return _json(ServicesPage(items=items, next=next_url))


async def list_services(request: Request) -> Response:
    return await answer(request, lambda: _list(request))


async def _get(request: Request) -> Response:
    actor = actor_of(request)
    await _require_read(actor)
    problems: list[FieldProblem] = []
    district = _district(request, problems)
    if problems:
        return problem(400, "the query is not valid", errors=problems)
    policy = accreditation_policy(request.state.plugins)
    service = await catalogue.service_to_show(actor, request.path_params["service_id"], policy)
    return _json(await _one(request, service, district))


async def get_service(request: Request) -> Response:
    return await answer(request, lambda: _get(request))


async def _create(request: Request) -> Response:
    actor = actor_of(request)
    await _require_write_scope(actor)
    body = await read_body(request, NewService)
    store = await catalogue.store_in_council(actor, body.store_id)
    fields = body.model_dump(exclude={"store_id", "areas", "unit_price_pence"})
    try:
        service = await catalogue.create_service(
            actor,
            store,
            catalogue.ServiceSpec(**fields, price=body.unit_price_pence, areas=_areas(body.areas)),
        )
    except InvalidInput as refused:
        raise _renamed(refused) from None
    service = await catalogue.find_service(actor, service.id)
    return _json(await _one(request, service), 201, f"/api/v1/services/{service.id}")


async def create_service(request: Request) -> Response:
    return await answer(request, lambda: _create(request))


async def _change(request: Request) -> Response:
    actor = actor_of(request)
    await _require_write_scope(actor)
    service = await catalogue.service_to_manage(actor, request.path_params["service_id"])
    body = await read_body(request, ServiceChanges)
    sent = body.model_dump(exclude_unset=True, exclude={"status"})
    try:
        if sent:
            spec = await catalogue.spec_of(service)
            for name, value in sent.items():
                if name == "unit_price_pence":
                    spec.price = value
                elif name == "areas":
                    spec.areas = _areas(body.areas or [])
                else:
                    setattr(spec, name, value)
            await catalogue.update_service(actor, service, spec)
        if body.status is not None and body.status != service.status.value:
            action = catalogue.PUBLISH if body.status == "live" else catalogue.PAUSE
            await catalogue.change_status(actor, service, action)
        elif not sent:
            await catalogue.require_change(actor, service.store)
    except InvalidInput as refused:
        raise _renamed(refused) from None
    service = await catalogue.find_service(actor, service.id)
    return _json(await _one(request, service))


async def change_service(request: Request) -> Response:
    return await answer(request, lambda: _change(request))


_FILTERS: tuple[dict[str, Any], ...] = (
    query_parameter("q", "Words in the title or description"),
    query_parameter(
        "category",
        "A category code; a standard category also finds the council's own under it",
    ),
    query_parameter(
        "postcode",
        "A postcode or district: only services offered there, at that area's price "
        "(`district` is a synonym)",
    ),
    query_parameter("min_price_pence", "Lowest price (in the district, if given)", type="integer"),
    query_parameter("max_price_pence", "Highest price (in the district, if given)", type="integer"),
    query_parameter("free", "true: only free services; false: only paid", type="boolean"),
    query_parameter(
        "store_id",
        "One store's services; its own team (and catalogue:write) also get drafts",
        format="uuid",
    ),
    query_parameter("status", "draft, live or paused (with store_id, for its team)"),
    query_parameter("limit", "How many (1-100, default 50)", type="integer"),
    query_parameter("cursor", "From the previous page's `next`"),
)

operations = [
    Operation(
        method="GET",
        path="/services",
        operation_id="listServices",
        summary="Services in this council's marketplace",
        description="Scope catalogue:read (or a signed-in member). What the caller could see "
        "on the site: live services of live stores (accredited ones where the council "
        "requires it), private ones only for the people named. Ordered by id; follow "
        "`next` for more. An unknown postcode is a 400 naming `postcode`.",
        response_model=ServicesPage,
        tags=("catalogue",),
        problems=(400, 401, 403),
        parameters=_FILTERS,
    ),
    Operation(
        method="GET",
        path="/services/{service_id}",
        operation_id="getService",
        summary="One service, with its areas, prices, photos and rating",
        description="Scope catalogue:read. `?postcode=` gives that area's price. Another "
        "council's service, or one the caller may not see, is a 404.",
        response_model=ServiceOut,
        tags=("catalogue",),
        problems=(400, 401, 403, 404),
        parameters=(query_parameter("postcode", "A postcode or district for the area price"),),
    ),
    Operation(
        method="POST",
        path="/services",
        operation_id="addService",
        summary="Add a service to a store (as a draft)",
        description="Scope catalogue:write, or a signed-in owner or manager of the store. "
        "Prices are whole pence (0 is free); areas are postcode districts, each with an "
        'optional price of its own. Publish with PATCH {"status": "live"}. Each field '
        "is checked; a problem names it.",
        response_model=ServiceOut,
        tags=("catalogue",),
        problems=(400, 401, 403, 422),
        request_model=NewService,
        success_status=201,
    ),
    Operation(
        method="PATCH",
        path="/services/{service_id}",
        operation_id="changeService",
        summary="Change a service, publish or pause it",
        description="Scope catalogue:write, or a signed-in owner or manager of the store. "
        "Only the fields sent change (areas and audience are replaced as a whole); "
        '`"status": "live"` publishes, `"paused"` pauses.',
        response_model=ServiceOut,
        tags=("catalogue",),
        problems=(400, 401, 403, 404, 409, 422),
        request_model=ServiceChanges,
    ),
]
endpoints = {
    "listServices": list_services,
    "getService": get_service,
    "addService": create_service,
    "changeService": change_service,
}
