"""Console: people and staff of the council — add, change roles, bar and unbar, appoint brokers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.errors import Conflict, InvalidInput
from core.identity import circles, council_users
from core.identity.models import AccessLevel, Membership, MembershipStatus, Role
from core.identity.permissions import person_permissions, require_council
from core.identity.roles import ROLE_LABELS, STAFF_ROLES, Permission
from core.web.dates import optional_date
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.responses import render

ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


@signed_in
async def users(request: Request) -> Response:
    actor = actor_of(request)
    params = request.query_params
    members = await council_users.list_members(
        actor,
        role=params.get("role") or None,
        status=params.get("status") or None,
        search=params.get("search") or None,
    )
    return render(
        request,
        "council/users/list.html",
        "People and staff",
        members=members,
        role_choices=ROLE_CHOICES,
        role_labels={r.value: ROLE_LABELS[r] for r in Role},
        filters=dict(params),
        can_manage=Permission.MANAGE_USERS in actor.council_permissions,
    )


def _new_page(request: Request, status: int = 200, **values: object) -> Response:
    actor = actor_of(request)
    allowed = [
        (v, label)
        for v, label in ROLE_CHOICES
        if Role(v) not in STAFF_ROLES or actor.has_role(Role.COUNCIL_ADMIN)
    ]
    values.setdefault("errors", {})
    values.setdefault("values", {})
    values.setdefault("chosen", [])
    return render(
        request,
        "council/users/new.html",
        "Add a person or member of staff",
        status_code=status,
        role_choices=allowed,
        **values,
    )


@signed_in
async def new_user_form(request: Request) -> Response:
    await require_council(actor_of(request), Permission.MANAGE_USERS)
    return _new_page(request)


@signed_in
async def add_user(request: Request) -> Response:
    actor = actor_of(request)
    form = await request.form()
    values = await form_values(request)
    roles = [str(r) for r in form.getlist("roles")]
    try:
        member = await council_users.add_member(
            actor, values.get("name", ""), values.get("email") or None, roles, str(request.base_url)
        )
    except InvalidInput as refused:
        return _new_page(
            request, 400, values=values, chosen=roles, errors=field_errors(refused.problems)
        )
    except Conflict as clash:
        return _new_page(request, 409, values=values, chosen=roles, errors={"email": str(clash)})
    return see_other(f"/council/users/{member.id}?added=1")


async def _detail(
    request: Request, member: Membership, status: int = 200, **extra: object
) -> Response:
    actor = actor_of(request)
    is_person = Role.PERSON.value in member.roles
    brokers: list[Membership] = []
    circle = None
    if is_person:
        brokers = [
            m
            for m in await council_users.list_members(actor, role=Role.BROKER.value)
            if m.status == MembershipStatus.ACTIVE and m.id != member.id
        ]
        if Permission.VIEW_PERSON in await person_permissions(actor, member):
            circle = await circles.circle_of(actor, member)
    extra.setdefault("errors", {})
    extra.setdefault("values", {})
    return render(
        request,
        "council/users/detail.html",
        member.user.display_name,
        status_code=status,
        member=member,
        is_person=is_person,
        brokers=brokers,
        circle=circle,
        role_choices=ROLE_CHOICES,
        role_labels={r.value: ROLE_LABELS[r] for r in Role},
        can_manage=Permission.MANAGE_USERS in actor.council_permissions,
        is_self=actor.membership is not None and actor.membership.id == member.id,
        **extra,
    )


@signed_in
async def user_detail(request: Request) -> Response:
    member = await council_users.get_member(actor_of(request), request.path_params["member_id"])
    return await _detail(
        request, member, flash=request.query_params.get("added") or request.query_params.get("done")
    )


@signed_in
async def change_roles(request: Request) -> Response:
    actor = actor_of(request)
    member = await council_users.get_member(actor, request.path_params["member_id"])
    form = await request.form()
    try:
        await council_users.change_roles(actor, member, [str(r) for r in form.getlist("roles")])
    except InvalidInput as refused:
        return await _detail(request, member, 400, errors=field_errors(refused.problems))
    return see_other(f"/council/users/{member.id}?done=roles")


@signed_in
async def bar(request: Request) -> Response:
    actor = actor_of(request)
    member = await council_users.get_member(actor, request.path_params["member_id"])
    values = await form_values(request)
    try:
        await council_users.bar(actor, member, values.get("reason", ""))
    except InvalidInput as refused:
        return await _detail(
            request, member, 400, values=values, errors=field_errors(refused.problems)
        )
    return see_other(f"/council/users/{member.id}?done=barred")


@signed_in
async def unbar(request: Request) -> Response:
    actor = actor_of(request)
    member = await council_users.get_member(actor, request.path_params["member_id"])
    await council_users.unbar(actor, member)
    return see_other(f"/council/users/{member.id}?done=unbarred")


@signed_in
async def appoint_broker(request: Request) -> Response:
    actor = actor_of(request)
    member = await council_users.get_member(actor, request.path_params["member_id"])
    values = await form_values(request)
    try:
        access = AccessLevel(values.get("access") or AccessLevel.MANAGE.value)
        expires_on = optional_date(values, "expires_on", "The end date")
        await circles.grant_broker(actor, member, values.get("broker", ""), access, expires_on)
    except InvalidInput as refused:
        return await _detail(
            request, member, 400, values=values, errors=field_errors(refused.problems)
        )
    except ValueError:
        return await _detail(
            request, member, 400, values=values, errors={"access": "Choose what the broker can do"}
        )
    return see_other(f"/council/users/{member.id}?done=broker")


routes = [
    Route("/council/users", users, methods=["GET"], name="console:users"),
    Route("/council/users/new", new_user_form, methods=["GET"]),
    Route("/council/users/new", add_user, methods=["POST"]),
    Route("/council/users/{member_id}", user_detail, methods=["GET"]),
    Route("/council/users/{member_id}/roles", change_roles, methods=["POST"]),
    Route("/council/users/{member_id}/bar", bar, methods=["POST"]),
    Route("/council/users/{member_id}/unbar", unbar, methods=["POST"]),
    Route("/council/users/{member_id}/brokers", appoint_broker, methods=["POST"]),
]
