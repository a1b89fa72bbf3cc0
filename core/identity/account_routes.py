"""A member's own pages: account, password, switching council, people they support, circles."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.budgets.overview import budget_summaries
from core.errors import InvalidInput, NotFound
from core.identity import circles, invitations
from core.identity.accounts import check_new_password, set_password
from core.identity.models import AccessLevel, Role
from core.identity.permissions import (
    get_person,
    person_permissions,
    require_member,
    require_person,
)
from core.identity.roles import ROLE_LABELS, Permission
from core.identity.routes import begin_session
from core.identity.secrets import verify_password
from core.identity.sessions import end_all_sessions
from core.identity.switching import issue_ticket, open_ticket, other_councils, redeem_ticket
from core.web.dates import optional_date
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.platform import council_url
from core.web.responses import render


async def _account_page(request: Request, status: int = 200, **extra: object) -> Response:
    actor = actor_of(request)
    membership = require_member(actor)
    supporting = await circles.people_supported_by(membership)
    return render(
        request,
        "identity/account.html",
        "Your account",
        status_code=status,
        roles=[ROLE_LABELS[r] for r in actor.roles],
        supporting=supporting,
        is_person=Role.PERSON in actor.roles,
        own_budgets=await budget_summaries(actor, membership) if Role.PERSON in actor.roles else [],
        councils=await other_councils(actor),
        errors=extra.pop("errors", {}),
        **extra,
    )


@signed_in
async def account(request: Request) -> Response:
    return await _account_page(request, saved=request.query_params.get("saved"))


@signed_in
async def change_password(request: Request) -> Response:
    actor = actor_of(request)
    values = await form_values(request)
    user = actor.user
    assert user is not None
    errors: dict[str, str] = {}
    if not verify_password(user.password_hash, values.get("current_password", "")):
        errors["current_password"] = "Enter your current password correctly"
    try:
        check_new_password(values.get("password", ""), user.email)
    except InvalidInput as refused:
        errors.update(field_errors(refused.problems))
    if values.get("password") != values.get("confirm"):
        errors.setdefault("confirm", "Enter the same new password twice")
    if errors:
        return await _account_page(request, status=400, errors=errors)
    await set_password(user, values["password"])
    # Every browser signed in as this account is signed out; this one gets a new session.
    await end_all_sessions(user.id)
    return await begin_session(request, user, "/account?saved=password")


@signed_in
async def switch_council(request: Request) -> Response:
    values = await form_values(request)
    target, token = await issue_ticket(actor_of(request), values.get("council", ""))
    url, _ = council_url(request, target.slug)
    return see_other(f"{url}switch/{token}")


async def switch_landing(request: Request) -> Response:
    await open_ticket(actor_of(request).tenant, request.path_params["token"])  # type: ignore[arg-type]
    return render(
        request,
        "identity/switch.html",
        "Continue to this council",
        token=request.path_params["token"],
    )


async def switch_continue(request: Request) -> Response:
    user = await redeem_ticket(actor_of(request).tenant, request.path_params["token"])  # type: ignore[arg-type]
    return await begin_session(request, user, "/account")


@signed_in
async def person_page(request: Request) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    circle = await circles.circle_of(actor, person)
    allowed = await person_permissions(actor, person)
    return render(
        request,
        "identity/person.html",
        person.user.display_name,
        person=person,
        circle=circle,
        can_manage_circle=Permission.MANAGE_CIRCLE in allowed,
        is_self=actor.membership is not None and actor.membership.id == person.id,
        person_budgets=await budget_summaries(actor, person),
        can_allocate=Permission.MANAGE_BUDGETS in actor.council_permissions,
    )


def _invite_page(request: Request, person: object, status: int = 200, **values: object) -> Response:
    values.setdefault("errors", {})
    values.setdefault("values", {})
    return render(
        request,
        "identity/invite.html",
        "Invite someone to your circle",
        status_code=status,
        person=person,
        **values,
    )


@signed_in
async def invite_form(request: Request) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    await require_person(actor, person, Permission.MANAGE_CIRCLE)
    return _invite_page(request, person)


@signed_in
async def invite(request: Request) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    values = await form_values(request)
    try:
        access = AccessLevel(values.get("access", ""))
    except ValueError:
        return _invite_page(
            request, person, 400, values=values, errors={"access": "Choose what they can do"}
        )
    try:
        expires_on = optional_date(values, "expires_on", "The end date")
        await invitations.invite_to_circle(
            actor, person, values.get("email", ""), access, expires_on, str(request.base_url)
        )
    except InvalidInput as refused:
        return _invite_page(
            request, person, 400, values=values, errors=field_errors(refused.problems)
        )
    return see_other(f"/people/{person.id}?invited=1")


@signed_in
async def remove_form(request: Request) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    circle = await circles.circle_of(actor, person)
    access = next(
        (a for a in circle.members if str(a.id) == request.path_params["access_id"]), None
    )
    if access is None:
        raise NotFound("no such member of this circle")
    return render(
        request, "identity/remove_access.html", "Remove from circle", person=person, access=access
    )


@signed_in
async def remove(request: Request) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    await circles.remove_access(actor, person, request.path_params["access_id"])
    return see_other(f"/people/{person.id}?removed=1")


@signed_in
async def withdraw_invitation(request: Request) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    await invitations.withdraw(actor, person, request.path_params["invitation_id"])
    return see_other(f"/people/{person.id}?withdrawn=1")


async def invitation_page(request: Request, status: int = 200, **values: object) -> Response:
    tenant = actor_of(request).tenant
    invitation = await invitations.open_invitation(tenant, request.path_params["token"])  # type: ignore[arg-type]
    existing = await invitations.invited_account(invitation)
    values.setdefault("errors", {})
    values.setdefault("values", {"name": existing.display_name if existing else ""})
    return render(
        request,
        "identity/invitation.html",
        "Accept your invitation",
        status_code=status,
        invitation=invitation,
        has_password=bool(existing and existing.password_hash),
        token=request.path_params["token"],
        **values,
    )


async def accept_invitation(request: Request) -> Response:
    actor = actor_of(request)
    values = await form_values(request)
    try:
        user = await invitations.accept(
            actor.tenant,
            request.path_params["token"],  # type: ignore[arg-type]
            password=values.get("password", ""),
            name=values.get("name"),
            confirm=values.get("confirm"),
            ip=actor.ip,
        )
    except InvalidInput as refused:
        return await invitation_page(
            request, 400, values=values, errors=field_errors(refused.problems)
        )
    return await begin_session(request, user, "/account?saved=joined")


routes = [
    Route("/account", account, methods=["GET"], name="account:home"),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/account/switch", switch_council, methods=["POST"]),
    Route("/switch/{token}", switch_landing, methods=["GET"]),
    Route("/switch/{token}", switch_continue, methods=["POST"]),
    Route("/people/{person_id}", person_page, methods=["GET"], name="people:page"),
    Route("/people/{person_id}/invite", invite_form, methods=["GET"]),
    Route("/people/{person_id}/invite", invite, methods=["POST"]),
    Route("/people/{person_id}/circle/{access_id}/remove", remove_form, methods=["GET"]),
    Route("/people/{person_id}/circle/{access_id}/remove", remove, methods=["POST"]),
    Route(
        "/people/{person_id}/invitations/{invitation_id}/withdraw",
        withdraw_invitation,
        methods=["POST"],
    ),
    Route("/invitations/{token}", invitation_page, methods=["GET"]),
    Route("/invitations/{token}", accept_invitation, methods=["POST"]),
]
