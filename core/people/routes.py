"""Pages for people with a budget: registering them (console), their details, self-funder
sign-up and their own money, and the dashboard of everyone a member supports."""

from __future__ import annotations

from math import ceil

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.clock import utcnow
from core.errors import Conflict, InvalidInput
from core.identity import circles
from core.identity.permissions import get_person, person_permissions, require_member
from core.identity.roles import Permission
from core.identity.routes import begin_session
from core.ledger.money import parse_pounds
from core.monitoring.policy import monitoring_policy
from core.people import services
from core.people.models import BudgetManager, ContactPreference
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.identity import client_ip
from core.web.responses import render

CONTACT_CHOICES = [
    (ContactPreference.EMAIL.value, "Email", None),
    (ContactPreference.PHONE.value, "Phone call", None),
    (ContactPreference.TEXT.value, "Text message", "Needs a mobile number."),
    (ContactPreference.LETTER.value, "Letter", "Sent to the address above."),
]
MANAGER_CHOICES = [
    (BudgetManager.PERSON.value, "The person themselves", None),
    (
        BudgetManager.CIRCLE.value,
        "A family member or friend",
        "We will email them an invitation to help manage the budget.",
    ),
    (
        BudgetManager.BROKER.value,
        "A broker or budget manager",
        "The broker can manage the budget as soon as you register the person.",
    ),
    (BudgetManager.COUNCIL.value, "The council", "The council manages the money for them."),
]


def _date_parts(values: dict[str, str], name: str = "date_of_birth") -> tuple[str, str, str]:
    day, month, year = (values.get(f"{name}-{part}", "") for part in ("day", "month", "year"))
    return day, month, year


# --- Console: register a person ------------------------------------------------------


async def _register_page(request: Request, status: int = 200, **values: object) -> Response:
    actor = actor_of(request)
    values.setdefault("errors", {})
    values.setdefault(
        "values",
        {"invite_person": "yes", "contact_preference": "", "budget_manager": ""},
    )
    return render(
        request,
        "people/register.html",
        "Register a person",
        status_code=status,
        brokers=await services.brokers(actor),
        contact_choices=CONTACT_CHOICES,
        manager_choices=MANAGER_CHOICES,
        **values,
    )


@signed_in
async def register_form(request: Request) -> Response:
    await services.require_registrar(actor_of(request))
    return await _register_page(request)


@signed_in
async def register(request: Request) -> Response:
    actor = actor_of(request)
    values = await form_values(request)
    try:
        member = await services.register_person(
            actor,
            name=values.get("name", ""),
            date_of_birth=_date_parts(values),
            address=values.get("address"),
            postcode=values.get("postcode"),
            email=values.get("email"),
            phone=values.get("phone"),
            contact_preference=values.get("contact_preference", ""),
            budget_manager=values.get("budget_manager", ""),
            manager_email=values.get("manager_email"),
            broker_id=values.get("broker"),
            invite_person=values.get("invite_person") == "yes",
            site_url=str(request.base_url),
        )
    except InvalidInput as refused:
        return await _register_page(
            request, 400, values=values, errors=field_errors(refused.problems)
        )
    except Conflict as clash:
        return await _register_page(request, 409, values=values, errors={"email": str(clash)})
    link = member.user.email and values.get("invite_person") == "yes"
    return see_other(f"/people/{member.id}/details?registered={'link' if link else '1'}")


# --- A person's details ---------------------------------------------------------------


async def _details_page(request: Request, status: int = 200, **extra: object) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    allowed = await person_permissions(actor, person)
    profile = await services.profile_of(person)
    circle = await circles.circle_of(actor, person)
    is_self = actor.membership is not None and actor.membership.id == person.id
    if not extra.get("values"):
        dob = profile.date_of_birth if profile else None
        extra["values"] = {
            "name": person.user.display_name,
            "date_of_birth-day": str(dob.day) if dob else "",
            "date_of_birth-month": str(dob.month) if dob else "",
            "date_of_birth-year": str(dob.year) if dob else "",
            "address": (profile.address or "") if profile else "",
            "postcode": (profile.postcode or "") if profile else "",
            "phone": (profile.phone or "") if profile else "",
            "contact_preference": profile.contact_preference.value
            if profile
            else ContactPreference.EMAIL.value,
        }
    extra.setdefault("errors", {})
    return render(
        request,
        "people/details.html",
        "Your details" if is_self else f"{person.user.display_name}'s details",
        status_code=status,
        person=person,
        profile=profile,
        circle=circle,
        circle_managers=await services.circle_managers(person),
        is_self=is_self,
        can_edit=Permission.MANAGE_PERSON in allowed,
        contact_choices=CONTACT_CHOICES,
        contact_labels=services.CONTACT_LABELS,
        manager_labels=services.MANAGER_LABELS,
        registered=request.query_params.get("registered"),
        saved=request.query_params.get("saved"),
        **extra,
    )


@signed_in
async def details(request: Request) -> Response:
    return await _details_page(request)


@signed_in
async def change_details(request: Request) -> Response:
    actor = actor_of(request)
    person = await get_person(actor, request.path_params["person_id"])
    values = await form_values(request)
    try:
        await services.update_profile(
            actor,
            person,
            name=values.get("name", ""),
            date_of_birth=_date_parts(values),
            address=values.get("address"),
            postcode=values.get("postcode"),
            phone=values.get("phone"),
            contact_preference=values.get("contact_preference", ""),
        )
    except InvalidInput as refused:
        return await _details_page(
            request, 400, values=values, errors=field_errors(refused.problems)
        )
    return see_other(f"/people/{person.id}/details?saved=1")


# --- Self-funders -----------------------------------------------------------------------


def _minutes_until(moment: object) -> int:
    return max(1, ceil((moment - utcnow()).total_seconds() / 60))  # type: ignore[operator]


def _sign_up_page(request: Request, status: int = 200, **values: object) -> Response:
    values.setdefault("errors", {})
    values.setdefault("values", {})
    values.setdefault("throttled_minutes", None)
    values.setdefault("refused", False)
    return render(
        request,
        "people/sign_up.html",
        "Create an account",
        status_code=status,
        refusal=services.SIGN_UP_REFUSAL,
        **values,
    )


async def sign_up_form(request: Request) -> Response:
    if actor_of(request).is_signed_in:
        return see_other("/account")
    return _sign_up_page(request)


async def sign_up(request: Request) -> Response:
    actor = actor_of(request)
    if actor.is_signed_in:
        return see_other("/account")
    values = await form_values(request)
    shown = {k: v for k, v in values.items() if k not in ("password", "confirm")}
    assert actor.tenant is not None
    try:
        user = await services.sign_up_self_funder(
            actor.tenant,
            name=values.get("name", ""),
            email=values.get("email", ""),
            password=values.get("password", ""),
            confirm=values.get("confirm", ""),
            postcode=values.get("postcode", ""),
            date_of_birth=_date_parts(values),
            ip=client_ip(request.scope),
            site_url=str(request.base_url),
        )
    except services.SignUpThrottled as throttled:
        return _sign_up_page(
            request, 429, values=shown, throttled_minutes=_minutes_until(throttled.until)
        )
    except InvalidInput as refused:
        errors = field_errors(refused.problems)
        return _sign_up_page(
            request,
            400,
            values=shown,
            errors=errors,
            refused=errors.get("email") == services.SIGN_UP_REFUSAL,
        )
    return await begin_session(request, user, "/my-money/start")


def _money_page(request: Request, status: int = 200, **values: object) -> Response:
    values.setdefault("errors", {})
    values.setdefault("values", {})
    return render(
        request, "people/my_money_start.html", "Add your own money", status_code=status, **values
    )


@signed_in
async def my_money_form(request: Request) -> Response:
    member = await services.require_self_funder(actor_of(request))
    existing = await services.current_self_funded_budget(member)
    if existing is not None:
        return see_other(f"/budgets/{existing.id}")
    return _money_page(request)


@signed_in
async def my_money(request: Request) -> Response:
    actor = actor_of(request)
    member = await services.require_self_funder(actor)
    values = await form_values(request)
    try:
        amount = parse_pounds(values.get("amount", ""))
    except ValueError:
        message = (
            "Enter how much money you want to add"
            if not values.get("amount")
            else "Enter an amount in pounds, like 500 or 25.50"
        )
        return _money_page(request, 400, values=values, errors={"amount": message})
    try:
        budget = await services.open_self_funded_budget(actor, amount)
    except InvalidInput as refused:
        return _money_page(request, 400, values=values, errors=field_errors(refused.problems))
    except Conflict:
        existing = await services.current_self_funded_budget(member)
        return see_other(f"/budgets/{existing.id}" if existing else "/account")
    return see_other(f"/budgets/{budget.id}")


# --- Everyone a member supports ---------------------------------------------------------


@signed_in
async def dashboard(request: Request) -> Response:
    actor = actor_of(request)
    require_member(actor)
    policy = monitoring_policy(request.state.plugins)
    rows = await services.supported_budgets(actor, underspend_percent=policy.underspend_percent)
    return render(
        request,
        "people/broker.html",
        "People you support",
        rows=rows,
        pounds=services.pounds,
        people_count=len({row.person.id for row in rows}),
    )


routes = [
    Route("/council/people/new", register_form, methods=["GET"], name="people:register-form"),
    Route("/council/people/new", register, methods=["POST"], name="people:register"),
    Route("/people/{person_id}/details", details, methods=["GET"], name="people:details"),
    Route("/people/{person_id}/details", change_details, methods=["POST"]),
    Route("/sign-up", sign_up_form, methods=["GET"], name="people:sign-up-form"),
    Route("/sign-up", sign_up, methods=["POST"], name="people:sign-up"),
    Route("/my-money/start", my_money_form, methods=["GET"], name="people:my-money"),
    Route("/my-money/start", my_money, methods=["POST"]),
    Route("/broker", dashboard, methods=["GET"], name="people:dashboard"),
]
