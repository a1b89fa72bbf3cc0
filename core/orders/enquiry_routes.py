"""Enquiry pages: asking a provider about a service before ordering
(``/services/{service_id}/enquire``), the person's list and conversations (``/enquiries``)
and the provider's (``/provider/enquiries``).

Who may read or write is decided by ``core.orders.enquiries``; messages are shown
escaped, exactly as typed.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.accreditation.policy import accreditation_policy
from core.clock import uk_time_words
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.models import AccessLevel, Membership, PersonAccess, Role
from core.identity.permissions import get_person, require_member
from core.orders import enquiries
from core.orders.enquiries import Side
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.responses import render

DONE = {
    "sent": "Your message has been sent.",
    "closed": "The conversation has been closed.",
}


async def _people_to_ask_for(request: Request) -> list[tuple[str, str]]:
    """(person id, name) for everyone the signed-in member may ask for: themselves (if
    they are a person) and the people they manage as a circle member or broker."""
    actor = actor_of(request)
    member = require_member(actor)
    choices: list[tuple[str, str]] = []
    if Role.PERSON.value in member.roles:
        choices.append((str(member.id), "Myself"))
    grants = await PersonAccess.filter(
        tenant_id=member.tenant_id,  # type: ignore[attr-defined]
        grantee_id=member.id,
        access=AccessLevel.MANAGE,
        revoked_at__isnull=True,
    ).prefetch_related("person__user")
    seen = {member.id}
    for grant in grants:
        if grant.person.id not in seen:
            seen.add(grant.person.id)
            choices.append((str(grant.person.id), grant.person.user.display_name))
    return choices


async def _enquire_page(
    request: Request,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    actor = actor_of(request)
    people = await _people_to_ask_for(request)
    policy = accreditation_policy(request.state.plugins)
    member = require_member(actor)
    service = await enquiries.visible_service(
        actor, member, request.path_params["service_id"], policy
    )
    return render(
        request,
        "orders/enquire.html",
        f"Ask {service.store.name} a question",
        status_code=status,
        service=service,
        store=service.store,
        people=people,
        errors=errors or {},
        values=values or {},
    )


@signed_in
async def enquire_form(request: Request) -> Response:
    return await _enquire_page(request)


@signed_in
async def enquire(request: Request) -> Response:
    actor = actor_of(request)
    member = require_member(actor)
    values = await form_values(request)
    person: Membership | None = None
    chosen = values.get("person", "")
    try:
        if chosen and chosen != str(member.id):
            person = await get_person(actor, chosen)
        elif not chosen and Role.PERSON.value not in member.roles:
            raise InvalidInput(
                "choose who it is for", [FieldProblem("person", "Choose who you are asking for")]
            )
        enquiry = await enquiries.start_enquiry(
            actor,
            request.path_params["service_id"],
            person=person,
            subject=values.get("subject", ""),
            body=values.get("body", ""),
            policy=accreditation_policy(request.state.plugins),
        )
    except NotFound:
        if person is None and chosen and chosen != str(member.id):
            return await _enquire_page(
                request, 400, {"person": "Choose who you are asking for"}, values
            )
        raise
    except InvalidInput as refused:
        return await _enquire_page(request, 400, field_errors(refused.problems), values)
    return see_other(f"/enquiries/{enquiry.id}?done=sent")


@signed_in
async def person_list(request: Request) -> Response:
    found = await enquiries.enquiries_for_person(actor_of(request))
    return render(request, "orders/enquiries.html", "Your questions to providers", items=found)


async def _thread_page(
    request: Request,
    side: Side,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    refusal: str | None = None,
) -> Response:
    thread = await enquiries.open_thread(actor_of(request), request.path_params["enquiry_id"], side)
    enquiry = thread.enquiry
    base = "/provider/enquiries" if side == Side.PROVIDER else "/enquiries"
    return render(
        request,
        "orders/enquiry_provider.html" if side == Side.PROVIDER else "orders/enquiry.html",
        enquiry.subject,
        status_code=status,
        thread=thread,
        enquiry=enquiry,
        messages=[_message_row(m, enquiry) for m in thread.messages],
        provider_side=side == Side.PROVIDER,
        action=f"{base}/{enquiry.id}",
        back=base,
        errors=errors or {},
        values=values or {},
        refusal=refusal,
        done=DONE.get(request.query_params.get("done", "")),
    )


def _message_row(message: Any, enquiry: Any) -> dict[str, Any]:
    who = (
        f"{message.author.user.display_name}, {enquiry.store.name}"
        if message.from_provider
        else message.author.user.display_name
    )
    return {
        "who": who,
        "when": uk_time_words(message.created_at),
        "body": message.body,
        "from_provider": message.from_provider,
    }


async def _post_thread(request: Request, side: Side) -> Response:
    actor = actor_of(request)
    values = await form_values(request)
    # The thread must be visible from this side before anything is done.
    thread = await enquiries.open_thread(actor, request.path_params["enquiry_id"], side)
    base = "/provider/enquiries" if side == Side.PROVIDER else "/enquiries"
    try:
        if values.get("close"):
            await enquiries.close_enquiry(actor, thread.enquiry.id)
            return see_other(f"{base}/{thread.enquiry.id}?done=closed")
        await enquiries.reply(actor, thread.enquiry.id, values.get("body", ""))
    except InvalidInput as refused:
        return await _thread_page(request, side, 400, field_errors(refused.problems), values)
    except Conflict as refused:
        return await _thread_page(request, side, 409, values=values, refusal=str(refused))
    return see_other(f"{base}/{thread.enquiry.id}?done=sent")


@signed_in
async def person_thread(request: Request) -> Response:
    return await _thread_page(request, Side.PERSON)


@signed_in
async def person_post(request: Request) -> Response:
    return await _post_thread(request, Side.PERSON)


@signed_in
async def provider_list(request: Request) -> Response:
    found = await enquiries.enquiries_for_store(actor_of(request))
    return render(
        request,
        "orders/enquiries_provider.html",
        "Enquiries",
        items=found,
    )


@signed_in
async def provider_thread(request: Request) -> Response:
    return await _thread_page(request, Side.PROVIDER)


@signed_in
async def provider_post(request: Request) -> Response:
    return await _post_thread(request, Side.PROVIDER)


routes: list[BaseRoute] = [
    Route("/services/{service_id}/enquire", enquire_form, methods=["GET"]),
    Route("/services/{service_id}/enquire", enquire, methods=["POST"]),
    Route("/enquiries", person_list, methods=["GET"]),
    Route("/enquiries/{enquiry_id}", person_thread, methods=["GET"]),
    Route("/enquiries/{enquiry_id}", person_post, methods=["POST"]),
    Route("/provider/enquiries", provider_list, methods=["GET"]),
    Route("/provider/enquiries/{enquiry_id}", provider_thread, methods=["GET"]),
    Route("/provider/enquiries/{enquiry_id}", provider_post, methods=["POST"]),
]
