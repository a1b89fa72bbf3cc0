"""``/api/v1/people``: partner systems (case management) read and add people."""

from __future__ import annotations

import json

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.api.openapi import Operation, query_parameter
from core.api.problem import problem
from core.errors import FieldProblem
from core.hooks.definition import problems_from
from core.identity import circles, people
from core.identity.models import Membership
from core.identity.permissions import get_person
from core.identity.schemas import NewPerson, PeoplePage, PersonOut, SupporterOut
from core.ids import parse_uuid
from core.people import services as people_services
from core.people.models import PersonProfile
from core.web.forms import actor_of


def person_out(
    member: Membership,
    circle: circles.Circle | None = None,
    profile: PersonProfile | None = None,
) -> PersonOut:
    details = {}
    if profile is not None:
        details = {
            "date_of_birth": profile.date_of_birth,
            "address": profile.address,
            "postcode": profile.postcode,
            "phone": profile.phone,
            "contact_preference": profile.contact_preference.value,
            "budget_manager": profile.budget_manager.value,
        }
    return PersonOut(
        id=member.id,
        name=member.user.display_name,
        email=member.user.email,
        status=member.status.value,
        created_at=member.created_at,
        circle=None
        if circle is None
        else [
            SupporterOut(
                name=a.grantee.user.display_name,
                kind=a.kind.value,
                access=a.access.value,
                expires_on=a.expires_on,
            )
            for a in circle.members
        ],
        **details,
    )


def _limit(request: Request) -> int | None:
    raw = request.query_params.get("limit", "50")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= people.MAX_PAGE else None


async def list_people(request: Request) -> Response:
    limit = _limit(request)
    cursor_text = request.query_params.get("cursor")
    cursor = parse_uuid(cursor_text) if cursor_text else None
    errors = []
    if limit is None:
        errors.append(FieldProblem("limit", f"must be a whole number from 1 to {people.MAX_PAGE}"))
    if cursor_text and cursor is None:
        errors.append(FieldProblem("cursor", "is not a cursor this API gave you"))
    if errors:
        return problem(400, "the query is not valid", errors=errors)
    found = await people.list_people(actor_of(request), after=cursor, limit=limit or 50)
    next_url = None
    if len(found) == limit:
        next_url = str(request.url.include_query_params(cursor=str(found[-1].id)))
    profiles = await people_services.profiles_of(found)
    page = PeoplePage(
        items=[person_out(m, profile=profiles.get(m.id)) for m in found], next=next_url
    )
    return JSONResponse(page.model_dump(mode="json"))


async def get_person_endpoint(request: Request) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    circle = await circles.circle_of(actor, person)
    profile = await people_services.profile_of(person)
    return JSONResponse(person_out(person, circle, profile).model_dump(mode="json"))


async def add_person(request: Request) -> Response:
    try:
        body = NewPerson.model_validate(json.loads(await request.body() or b"null"))
    except (ValueError, ValidationError) as error:
        details = problems_from(error) if isinstance(error, ValidationError) else []
        return problem(400, 'the body must be JSON like {"name": "..."}', errors=details)
    member = await people_services.register_person(
        actor_of(request),
        name=body.name,
        email=body.email,
        date_of_birth=body.date_of_birth,
        address=body.address,
        postcode=body.postcode,
        phone=body.phone,
        contact_preference=body.contact_preference,
        budget_manager=body.budget_manager or "person",
        invite_person=bool(body.email),
        site_url=str(request.base_url),
        complete=False,
    )
    profile = await people_services.profile_of(member)
    return JSONResponse(
        person_out(member, profile=profile).model_dump(mode="json"),
        status_code=201,
        headers={"Location": f"/api/v1/people/{member.id}"},
    )


operations = [
    Operation(
        method="GET",
        path="/people",
        operation_id="listPeople",
        summary="People with a budget in this council",
        description="Scope people:read (or a signed-in council officer). Ordered by id; "
        "follow `next` for more.",
        response_model=PeoplePage,
        tags=("people",),
        problems=(400, 401, 403),
        parameters=(
            query_parameter("limit", "How many (1-100, default 50)", type="integer"),
            query_parameter("cursor", "From the previous page's `next`"),
        ),
    ),
    Operation(
        method="GET",
        path="/people/{person_id}",
        operation_id="getPerson",
        summary="One person and their circle of support",
        description="Scope people:read. Another council's person is a 404.",
        response_model=PersonOut,
        tags=("people",),
        problems=(401, 403, 404),
    ),
    Operation(
        method="POST",
        path="/people",
        operation_id="addPerson",
        summary="Add a person",
        description="Scope people:write. Body: {name, email?, date_of_birth?, address?, "
        "postcode?, phone?, contact_preference?, budget_manager?}. With an email the person "
        "is sent a link to set up their sign-in. Each field is checked; a problem names it.",
        response_model=PersonOut,
        tags=("people",),
        problems=(400, 401, 403, 409, 422),
    ),
]
endpoints = {"listPeople": list_people, "getPerson": get_person_endpoint, "addPerson": add_person}
