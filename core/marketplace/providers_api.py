"""``/api/v1/providers``: the council's provider stores, as anyone may see them.

Stores are public information, like ``/api/v1/council``: no token is needed, and an
anonymous caller sees exactly the stores the website shows (live, and accredited where
the council's kitemark requires it). A token with ``catalogue:read``, a council officer
or the store's own team may also fetch a draft, paused or unaccredited store by id (its
``status`` and ``public`` say so). Another council's store is a 404.

Changes are made in the provider console (``/provider``), not through the API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.accreditation.policy import accreditation_policy
from core.api.openapi import Operation, query_parameter
from core.api.problem import problem
from core.errors import FieldProblem
from core.ids import parse_uuid
from core.marketplace import stores
from core.marketplace.models import Store
from core.marketplace.visibility import accredited_provider_ids
from core.web.forms import actor_of

MAX_PAGE = 100


class CaseStudyOut(BaseModel):
    id: UUID
    title: str
    body: str = Field(description="Plain text; paragraphs are separated by an empty line")


class PhotoOut(BaseModel):
    id: UUID
    url: str
    thumbnail_url: str = Field(description="400 pixels wide (or the photo's own width)")
    alt_text: str


class ContactOut(BaseModel):
    phone: str | None
    email: str | None
    website: str | None
    address: str | None
    postcode: str | None


class StoreSummaryOut(BaseModel):
    id: UUID = Field(description="The store's id: `store_id` elsewhere in the API")
    provider_id: UUID = Field(description="The organisation, the same in every council")
    name: str
    slug: str
    url: str = Field(description="The store's page on this council's website")
    tier: Literal["listing", "branded"]
    status: Literal["draft", "live", "paused"]
    public: bool = Field(description="Whether everyone can see it")
    accredited: bool = Field(description="Accredited by this council, and not expired")
    description: str
    postcode: str | None
    logo_url: str | None = Field(description="Branded stores only")
    updated_at: datetime


class StoreOut(StoreSummaryOut):
    contact: ContactOut
    brand_colour: str | None = Field(description="Branded stores only; `#rrggbb`")
    brand_text_colour: str | None = Field(description="Text on the brand colour; `#rrggbb`")
    case_studies: list[CaseStudyOut] = Field(description="Branded stores only")
    photos: list[PhotoOut] = Field(description="Branded stores only")


class StoresPage(BaseModel):
    items: list[StoreSummaryOut]
    next: str | None = Field(description="The next page, or null at the end")


def _summary(store: Store, public: bool, accredited: bool) -> dict[str, object]:
    branded = store.tier == "branded"
    return {
        "id": store.id,
        "provider_id": store.provider_id,  # type: ignore[attr-defined]
        "name": store.name,
        "slug": store.slug,
        "url": f"/stores/{store.slug}",
        "tier": store.tier.value,
        "status": store.status.value,
        "public": public,
        "accredited": accredited,
        "description": store.description,
        "postcode": store.postcode,
        "logo_url": stores.media_url(store.logo_key) if branded else None,
        "updated_at": store.updated_at,
    }


def _limit(request: Request) -> int | None:
    raw = request.query_params.get("limit", "50")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_PAGE else None


async def list_providers(request: Request) -> Response:
    actor = actor_of(request)
    limit = _limit(request)
    cursor_text = request.query_params.get("cursor")
    cursor = parse_uuid(cursor_text) if cursor_text else None
    errors = []
    if limit is None:
        errors.append(FieldProblem("limit", f"must be a whole number from 1 to {MAX_PAGE}"))
    if cursor_text and cursor is None:
        errors.append(FieldProblem("cursor", "is not a cursor this API gave you"))
    if errors:
        return problem(400, "the query is not valid", errors=errors)
    assert limit is not None and actor.tenant is not None
    policy = accreditation_policy(request.state.plugins)
    found = await stores.visible_stores(actor, policy, after=cursor, limit=limit)
    accredited = await accredited_provider_ids(actor.tenant.id)
    next_url = None
    if len(found) == limit:
        next_url = str(request.url.include_query_params(cursor=str(found[-1].id)))
    page = StoresPage(
        items=[
            StoreSummaryOut.model_validate(_summary(s, True, s.provider_id in accredited))  # type: ignore[attr-defined]
            for s in found
        ],
        next=next_url,
    )
    return JSONResponse(page.model_dump(mode="json"))


async def get_provider(request: Request) -> Response:
    actor = actor_of(request)
    policy = accreditation_policy(request.state.plugins)
    store = await stores.store_by_id(actor, request.path_params["store_id"])
    view = await stores.view_store(actor, policy, store)
    store = view.store
    branded = store.tier == "branded"
    body = StoreOut.model_validate(
        {
            **_summary(store, view.public, view.accredited),
            "contact": {
                "phone": store.phone,
                "email": store.email,
                "website": store.website,
                "address": store.address,
                "postcode": store.postcode,
            },
            "brand_colour": store.brand_colour if branded else None,
            "brand_text_colour": store.brand_text_colour if branded else None,
            "case_studies": [
                {"id": c.id, "title": c.title, "body": c.body}
                for c in (view.case_studies if branded else [])
            ],
            "photos": [
                {
                    "id": p.id,
                    "url": stores.media_url(p.key),
                    "thumbnail_url": stores.media_url(p.thumbnail_key),
                    "alt_text": p.alt_text,
                }
                for p in (view.photos if branded else [])
            ],
        }
    )
    return JSONResponse(body.model_dump(mode="json"))


operations = [
    Operation(
        method="GET",
        path="/providers",
        operation_id="listProviders",
        summary="The providers' stores people can see in this council's marketplace",
        description="No token needed: this is public information. Live stores (and, under "
        "a kitemark accreditation policy, only accredited providers' stores), ordered by "
        "id; follow `next` for more.",
        response_model=StoresPage,
        tags=("marketplace",),
        problems=(400,),
        parameters=(
            query_parameter("limit", "How many (1-100, default 50)", type="integer"),
            query_parameter("cursor", "From the previous page's `next`"),
        ),
    ),
    Operation(
        method="GET",
        path="/providers/{store_id}",
        operation_id="getProvider",
        summary="One provider's store: description, contact details, case studies, photos",
        description="No token needed for a store people can see. A draft, paused or "
        "unaccredited store is a 404, except to a token with catalogue:read, council "
        "officers and the store's own team. Another council's store is a 404.",
        response_model=StoreOut,
        tags=("marketplace",),
        problems=(404,),
    ),
]
endpoints = {"listProviders": list_providers, "getProvider": get_provider}
