"""Pages for providers: joining, bringing an organisation here, accepting a team
invitation, the provider console (``/provider``: store, branding, case studies, photos,
team) and the public store page (``/stores/{store_slug}``) with its own stylesheet.

The console's services (``/provider/services``) and accreditation
(``/provider/accreditation``) pages live with the catalogue and accreditation; they
extend ``marketplace/provider/_layout.html`` to share its navigation.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from math import ceil
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.accreditation.policy import accreditation_policy
from core.clock import utcnow
from core.errors import Conflict, FieldProblem, InvalidInput, NotFound
from core.identity.accounts import (
    GENERIC_REFUSAL,
    AccountBarred,
    SignInRefused,
    SignInThrottled,
)
from core.identity.invitations import accept as accept_invitation_service
from core.identity.invitations import invited_account
from core.identity.routes import begin_session
from core.ledger.money import pounds
from core.marketplace import providers, stores
from core.marketplace.images import MAX_PHOTO_BYTES, THUMBNAIL_WIDTH
from core.marketplace.models import PublishStatus, Service, Store, StoreTier
from core.marketplace.visibility import visible_services
from core.orders.provider_counts import waiting_work
from core.people.services import SIGN_UP_REFUSAL, SignUpThrottled
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.identity import client_ip
from core.web.responses import render, runtime_of
from tenants.logo import MAX_LOGO_BYTES

Handler = Callable[[Request], Awaitable[Response]]
# Anything this big is refused before the form is read.
MAX_UPLOAD_REQUEST = 4 * MAX_PHOTO_BYTES
UNIT_WORDS = {"hour": "an hour", "session": "a session", "day": "a day", "week": "a week"}


def _minutes_until(moment: Any) -> int:
    return max(1, ceil((moment - utcnow()).total_seconds() / 60))


def _member_here(request: Request) -> bool:
    actor = actor_of(request)
    return actor.is_signed_in and actor.membership is not None


# --- Joining ---------------------------------------------------------------------------


async def _join_page(request: Request, status: int = 200, **values: Any) -> Response:
    values.setdefault("errors", {})
    values.setdefault("values", {})
    values.setdefault("throttled_minutes", None)
    values.setdefault("refused", False)
    return render(
        request,
        "marketplace/provider/join.html",
        "Register your organisation",
        status_code=status,
        signed_in_here=_member_here(request),
        kitemark=accreditation_policy(request.state.plugins).listing_needs_accreditation,
        **values,
    )


async def join_form(request: Request) -> Response:
    if _member_here(request) and await providers.stores_of(actor_of(request)):
        return see_other("/provider")
    return await _join_page(request)


async def join(request: Request) -> Response:
    actor = actor_of(request)
    values = await form_values(request)
    shown = {k: v for k, v in values.items() if k not in ("password", "confirm")}
    assert actor.tenant is not None
    if _member_here(request):
        try:
            await providers.register_organisation(actor, values.get("organisation", ""))
        except InvalidInput as refused:
            return await _join_page(
                request, 400, values=shown, errors=field_errors(refused.problems)
            )
        except Conflict:
            return see_other("/provider")
        return see_other("/provider?joined=1")
    try:
        joined = await providers.join_as_provider(
            actor.tenant,
            organisation=values.get("organisation", ""),
            name=values.get("name", ""),
            email=values.get("email", ""),
            password=values.get("password", ""),
            confirm=values.get("confirm", ""),
            ip=client_ip(request.scope),
            site_url=str(request.base_url),
        )
    except SignUpThrottled as throttled:
        return await _join_page(
            request, 429, values=shown, throttled_minutes=_minutes_until(throttled.until)
        )
    except InvalidInput as refused:
        errors = field_errors(refused.problems)
        return await _join_page(
            request,
            400,
            values=shown,
            errors=errors,
            refused=errors.get("email") == SIGN_UP_REFUSAL,
        )
    return await begin_session(request, joined.user, "/provider?joined=1")


# --- Bringing an organisation from another council ---------------------------------------


async def _bring_page(request: Request, status: int = 200, **values: Any) -> Response:
    values.setdefault("errors", {})
    values.setdefault("values", {})
    values.setdefault("throttled_minutes", None)
    values.setdefault("choices", [])
    values.setdefault("none_to_bring", False)
    return render(
        request,
        "marketplace/provider/bring.html",
        "Bring your organisation to this council",
        status_code=status,
        signed_in_here=_member_here(request),
        **values,
    )


async def bring_form(request: Request) -> Response:
    actor = actor_of(request)
    if _member_here(request):
        assert actor.tenant is not None and actor.user is not None
        choices = await providers.organisations_to_bring(actor.tenant, actor.user)
        if not choices and await providers.stores_of(actor):
            return see_other("/provider")
        return await _bring_page(request, choices=choices, none_to_bring=not choices)
    return await _bring_page(request)


async def bring(request: Request) -> Response:
    actor = actor_of(request)
    assert actor.tenant is not None
    values = await form_values(request)
    chosen = values.get("organisation")
    shown = {"email": values.get("email", ""), "organisation": chosen or ""}
    try:
        if _member_here(request):
            assert actor.user is not None
            user = actor.user
            await providers.bring_organisation(actor.tenant, user, chosen, actor.ip)
        else:
            email, password = values.get("email", ""), values.get("password", "")
            errors = {}
            if not email:
                errors["email"] = "Enter your email address"
            if not password:
                errors["password"] = "Enter your password"
            if errors:
                return await _bring_page(request, 400, values=shown, errors=errors)
            user, _ = await providers.bring_with_password(
                actor.tenant, email, password, chosen, client_ip(request.scope)
            )
    except SignInThrottled as refused:
        return await _bring_page(
            request, 429, values=shown, throttled_minutes=_minutes_until(refused.until)
        )
    except SignInRefused:
        return await _bring_page(request, 400, values=shown, errors={"email": GENERIC_REFUSAL})
    except AccountBarred as barred:
        return render(
            request,
            "identity/barred.html",
            "You cannot use this website",
            status_code=403,
            reason=barred.membership.barred_reason,
        )
    except providers.NoOrganisationToBring:
        if _member_here(request) and await providers.stores_of(actor):
            return see_other("/provider")
        return await _bring_page(request, 400, values=shown, none_to_bring=True)
    except providers.ChooseOrganisation as choose:
        errors = {"organisation": "Choose the organisation to bring to this council"}
        if not chosen:
            errors = {}
        return await _bring_page(
            request, 400 if errors else 200, values=shown, choices=choose.choices, errors=errors
        )
    except Conflict:
        return see_other("/provider")
    if _member_here(request):
        return see_other("/provider?brought=1")
    return await begin_session(request, user, "/provider?brought=1")


# --- Accepting a team invitation --------------------------------------------------------


async def _invitation_page(request: Request, status: int = 200, **values: Any) -> Response:
    tenant = actor_of(request).tenant
    assert tenant is not None
    offer = await providers.open_team_invitation(tenant, request.path_params["token"])
    existing = await invited_account(offer.invitation)
    values.setdefault("errors", {})
    values.setdefault("values", {})
    return render(
        request,
        "marketplace/provider/invitation.html",
        "Join your team",
        status_code=status,
        offer=offer,
        role_label=providers.ROLE_LABELS[offer.role].lower(),
        has_password=bool(existing and existing.password_hash),
        token=request.path_params["token"],
        **values,
    )


async def invitation_form(request: Request) -> Response:
    return await _invitation_page(request)


async def accept_invitation(request: Request) -> Response:
    actor = actor_of(request)
    assert actor.tenant is not None
    await providers.open_team_invitation(actor.tenant, request.path_params["token"])
    values = await form_values(request)
    try:
        user = await accept_invitation_service(
            actor.tenant,
            request.path_params["token"],
            password=values.get("password", ""),
            name=values.get("name"),
            confirm=values.get("confirm"),
            ip=actor.ip,
        )
    except InvalidInput as refused:
        shown = {"name": values.get("name", "")}
        return await _invitation_page(
            request, 400, values=shown, errors=field_errors(refused.problems)
        )
    except Conflict as barred:
        raise HTTPException(403, str(barred)) from None
    return await begin_session(request, user, "/provider?welcome=1")


# --- The console ------------------------------------------------------------------------


def console(handler: Handler) -> Handler:
    """A console page: signed in here, and in a provider's team with a store here."""

    @functools.wraps(handler)
    async def page(request: Request) -> Response:
        try:
            return await handler(request)
        except providers.NoStore:
            return render(
                request,
                "marketplace/provider/no_store.html",
                "You do not have a store here",
                status_code=403,
            )

    return signed_in(page)


def _console_render(
    request: Request,
    template: str,
    title: str,
    store: Store,
    me: Any,
    status: int = 200,
    **values: Any,
) -> Response:
    values.setdefault("errors", {})
    values.setdefault("values", {})
    return render(
        request,
        template,
        title,
        status_code=status,
        store=store,
        me=me,
        can_edit=me.role in providers.EDITORS,
        role_label=providers.ROLE_LABELS[me.role],
        status_labels=stores.STATUS_LABELS,
        **values,
    )


def _notice(request: Request) -> str | None:
    """Which success message the console home shows after a redirect."""
    for flag in ("joined", "brought", "welcome"):
        if request.query_params.get(flag):
            return flag
    return request.query_params.get("saved")


async def _home(request: Request, status: int = 200, **values: Any) -> Response:
    actor = actor_of(request)
    store, me = await providers.console_store(actor)
    policy = accreditation_policy(request.state.plugins)
    accredited = await stores.is_accredited(store)
    services = Service.filter(tenant_id=store.tenant_id, store_id=store.id)
    return _console_render(
        request,
        "marketplace/provider/home.html",
        "Your store",
        store,
        me,
        status,
        policy=policy,
        accredited=accredited,
        accreditation=await stores.accreditation_of(store),
        hidden_because=stores.hidden_because(store, policy, accredited),
        missing=stores.missing_before_live(store),
        services_total=await services.count(),
        services_live=await services.filter(status=PublishStatus.LIVE).count(),
        case_studies=len(await stores.case_studies_of(store)),
        photos=len(await stores.photos_of(store)),
        work=await waiting_work(store),
        notice=_notice(request),
        **values,
    )


@console
async def home(request: Request) -> Response:
    return await _home(request)


@console
async def change_status(request: Request) -> Response:
    actor = actor_of(request)
    store, _ = await providers.console_store(actor)
    values = await form_values(request)
    try:
        await stores.set_status(actor, store, values.get("status", ""))
    except InvalidInput as refused:
        return await _home(request, 400, errors=_status_errors(refused.problems))
    return see_other(f"/provider?saved={store.status.value}")


def _status_errors(problems: list[FieldProblem]) -> dict[str, str]:
    """Everything a store needs before going live, listed against the status buttons."""
    messages = [p.message for p in problems]
    return {"status": "Before your store can go live: " + "; ".join(m.lower() for m in messages)}


# Details


def _details_values(store: Store) -> dict[str, str]:
    return {
        "name": store.name,
        "description": store.description,
        "phone": store.phone or "",
        "email": store.email or "",
        "website": store.website or "",
        "address": store.address or "",
        "postcode": store.postcode or "",
        "tier": store.tier.value,
    }


def _tier_choices() -> list[tuple[str, str, str]]:
    return [(tier.value, stores.TIER_LABELS[tier], stores.TIER_HINTS[tier]) for tier in StoreTier]


@console
async def details_form(request: Request) -> Response:
    store, me = await providers.console_store(actor_of(request), providers.EDITORS)
    return _console_render(
        request,
        "marketplace/provider/details.html",
        "Store details",
        store,
        me,
        values=_details_values(store),
        tier_choices=_tier_choices(),
        saved=request.query_params.get("saved"),
    )


@console
async def change_details(request: Request) -> Response:
    actor = actor_of(request)
    store, me = await providers.console_store(actor, providers.EDITORS)
    values = await form_values(request)
    try:
        await stores.update_details(
            actor,
            store,
            name=values.get("name", ""),
            description=values.get("description", ""),
            phone=values.get("phone", ""),
            email=values.get("email", ""),
            website=values.get("website", ""),
            address=values.get("address", ""),
            postcode=values.get("postcode", ""),
            tier=values.get("tier", ""),
        )
    except InvalidInput as refused:
        await store.refresh_from_db()
        return _console_render(
            request,
            "marketplace/provider/details.html",
            "Store details",
            store,
            me,
            400,
            values=values,
            errors=field_errors(refused.problems),
            tier_choices=_tier_choices(),
        )
    return see_other("/provider/store?saved=1")


# Branding: colours and logo


def _preview_query(brand: str | None, text: str | None) -> str | None:
    if not brand or not text:
        return None
    return urlencode({"brand_colour": brand, "brand_text_colour": text})


async def _branding_page(request: Request, status: int = 200, **values: Any) -> Response:
    store, me = await providers.console_store(actor_of(request), providers.EDITORS)
    values.setdefault(
        "values",
        {
            "brand_colour": store.brand_colour or "",
            "brand_text_colour": store.brand_text_colour or "",
        },
    )
    if "checks" not in values and store.brand_colour and store.brand_text_colour:
        values["checks"] = stores.check_colours(store.brand_colour, store.brand_text_colour).checks
        values.setdefault(
            "preview_query", _preview_query(store.brand_colour, store.brand_text_colour)
        )
    values.setdefault("checks", ())
    values.setdefault("preview_query", None)
    values.setdefault("checked", False)
    return _console_render(
        request,
        "marketplace/provider/branding.html",
        "Logo and colours",
        store,
        me,
        status,
        logo_url=stores.media_url(store.logo_key),
        max_logo=f"{MAX_LOGO_BYTES // 1_000_000} MB",
        saved=request.query_params.get("saved"),
        **values,
    )


@console
async def branding_form(request: Request) -> Response:
    return await _branding_page(request)


@console
async def change_colours(request: Request) -> Response:
    actor = actor_of(request)
    store, _ = await providers.console_store(actor, providers.EDITORS)
    values = await form_values(request)
    brand, text = values.get("brand_colour", ""), values.get("brand_text_colour", "")
    checking = values.get("action") == "check"
    try:
        if checking:
            colours = stores.check_colours(brand, text)
        else:
            colours = await stores.update_colours(actor, store, brand, text)
    except InvalidInput as refused:
        return await _branding_page(
            request,
            400,
            values=values,
            errors=field_errors(refused.problems),
            checks=getattr(refused, "checks", ()),
            checked=True,
        )
    if checking:
        return await _branding_page(
            request,
            values={
                "brand_colour": colours.brand_colour or "",
                "brand_text_colour": colours.brand_text_colour or "",
            },
            checks=colours.checks,
            checked=True,
            preview_query=_preview_query(colours.brand_colour, colours.brand_text_colour),
        )
    return see_other("/provider/store/branding?saved=colours")


async def _upload(request: Request, field: str) -> bytes | None:
    """The bytes of the file in ``field`` (``None`` if no file was chosen), read up to
    a little over the largest size any upload may be: the service says what is too big."""
    form = await request.form(max_files=2, max_fields=20)
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return await upload.read(MAX_PHOTO_BYTES + 1)


def _too_big(request: Request) -> bool:
    length = request.headers.get("content-length", "")
    return length.isdigit() and int(length) > MAX_UPLOAD_REQUEST


@console
async def change_logo(request: Request) -> Response:
    actor = actor_of(request)
    store, _ = await providers.console_store(actor, providers.EDITORS)
    if _too_big(request):
        return await _branding_page(
            request, 413, errors={"logo": "The logo must be 1 MB or smaller"}
        )
    data = await _upload(request, "logo")
    try:
        await stores.upload_logo(actor, store, runtime_of(request).storage, data or b"")
    except InvalidInput as refused:
        return await _branding_page(request, 400, errors=field_errors(refused.problems))
    return see_other("/provider/store/branding?saved=logo")


@console
async def delete_logo(request: Request) -> Response:
    actor = actor_of(request)
    store, _ = await providers.console_store(actor, providers.EDITORS)
    await stores.remove_logo(actor, store, runtime_of(request).storage)
    return see_other("/provider/store/branding?saved=logo-removed")


async def preview_css(request: Request) -> Response:
    """The store page's colours for a pair being checked: only valid colours, never text."""
    query = request.query_params
    try:
        colours = stores.check_colours(
            query.get("brand_colour", ""), query.get("brand_text_colour", "")
        )
        css = stores.store_stylesheet(colours.brand_colour, colours.brand_text_colour)
    except InvalidInput:
        css = stores.store_stylesheet(None, None)
    return Response(css, media_type="text/css", headers={"Cache-Control": "no-cache"})


# Case studies


@console
async def case_studies(request: Request) -> Response:
    store, me = await providers.console_store(actor_of(request))
    return _console_render(
        request,
        "marketplace/provider/case_studies.html",
        "Case studies",
        store,
        me,
        studies=await stores.case_studies_of(store),
        saved=request.query_params.get("saved"),
    )


def _story_page(
    request: Request, store: Store, me: Any, study: Any, status: int = 200, **values: Any
) -> Response:
    return _console_render(
        request,
        "marketplace/provider/case_study.html",
        "Change a case study" if study else "Add a case study",
        store,
        me,
        status,
        study=study,
        **values,
    )


@console
async def new_case_study_form(request: Request) -> Response:
    store, me = await providers.console_store(actor_of(request))
    return _story_page(request, store, me, None)


@console
async def add_case_study(request: Request) -> Response:
    actor = actor_of(request)
    store, me = await providers.console_store(actor)
    values = await form_values(request)
    try:
        await stores.add_case_study(actor, store, values.get("title", ""), values.get("body", ""))
    except InvalidInput as refused:
        return _story_page(
            request, store, me, None, 400, values=values, errors=field_errors(refused.problems)
        )
    return see_other("/provider/store/case-studies?saved=added")


@console
async def case_study_form(request: Request) -> Response:
    actor = actor_of(request)
    store, me = await providers.console_store(actor)
    study = await stores.get_case_study(actor, store, request.path_params["case_study_id"])
    return _story_page(request, store, me, study, values={"title": study.title, "body": study.body})


@console
async def change_case_study(request: Request) -> Response:
    actor = actor_of(request)
    store, me = await providers.console_store(actor)
    study = await stores.get_case_study(actor, store, request.path_params["case_study_id"])
    values = await form_values(request)
    try:
        await stores.change_case_study(
            actor, store, study.id, values.get("title", ""), values.get("body", "")
        )
    except InvalidInput as refused:
        return _story_page(
            request, store, me, study, 400, values=values, errors=field_errors(refused.problems)
        )
    return see_other("/provider/store/case-studies?saved=changed")


@console
async def remove_case_study_form(request: Request) -> Response:
    actor = actor_of(request)
    store, me = await providers.console_store(actor)
    study = await stores.get_case_study(actor, store, request.path_params["case_study_id"])
    return _console_render(
        request,
        "marketplace/provider/remove.html",
        "Remove this case study?",
        store,
        me,
        thing=study.title,
        action=f"/provider/store/case-studies/{study.id}/remove",
        back="/provider/store/case-studies",
        button_text="Remove case study",
    )


@console
async def remove_case_study(request: Request) -> Response:
    actor = actor_of(request)
    store, _ = await providers.console_store(actor)
    await stores.remove_case_study(actor, store, request.path_params["case_study_id"])
    return see_other("/provider/store/case-studies?saved=removed")


# Photos


async def _photos_page(request: Request, status: int = 200, **values: Any) -> Response:
    store, me = await providers.console_store(actor_of(request))
    photos = await stores.photos_of(store)
    return _console_render(
        request,
        "marketplace/provider/photos.html",
        "Photos",
        store,
        me,
        status,
        photos=[
            {
                "photo": photo,
                "url": stores.media_url(photo.key),
                "thumbnail_url": stores.media_url(photo.thumbnail_key),
            }
            for photo in photos
        ],
        max_photos=stores.MAX_PHOTOS,
        thumbnail_width=THUMBNAIL_WIDTH,
        saved=request.query_params.get("saved"),
        **values,
    )


@console
async def photos(request: Request) -> Response:
    return await _photos_page(request)


@console
async def add_photo(request: Request) -> Response:
    actor = actor_of(request)
    store, _ = await providers.console_store(actor)
    if _too_big(request):
        return await _photos_page(
            request, 413, errors={"photo": "The photo must be 5 MB or smaller"}
        )
    data = await _upload(request, "photo")
    values = await form_values(request)
    try:
        await stores.add_photo(
            actor, store, runtime_of(request).storage, data or b"", values.get("alt_text", "")
        )
    except InvalidInput as refused:
        return await _photos_page(
            request, 400, values=values, errors=field_errors(refused.problems)
        )
    return see_other("/provider/store/photos?saved=added")


@console
async def remove_photo_form(request: Request) -> Response:
    actor = actor_of(request)
    store, me = await providers.console_store(actor)
    photo = await stores.get_photo(actor, store, request.path_params["photo_id"])
    return _console_render(
        request,
        "marketplace/provider/remove.html",
        "Remove this photo?",
        store,
        me,
        thing=photo.alt_text,
        thumbnail_url=stores.media_url(photo.thumbnail_key),
        action=f"/provider/store/photos/{photo.id}/remove",
        back="/provider/store/photos",
        button_text="Remove photo",
    )


@console
async def remove_photo(request: Request) -> Response:
    actor = actor_of(request)
    store, _ = await providers.console_store(actor)
    await stores.remove_photo(
        actor, store, runtime_of(request).storage, request.path_params["photo_id"]
    )
    return see_other("/provider/store/photos?saved=removed")


# The team


async def _team_page(request: Request, status: int = 200, **values: Any) -> Response:
    actor = actor_of(request)
    store, me = await providers.console_store(actor)
    allowed = providers.MAY_INVITE[me.role]
    return _console_render(
        request,
        "marketplace/provider/team.html",
        "Your team",
        store,
        me,
        status,
        team=await providers.team_of(actor, store),
        role_choices=[
            (role.value, providers.ROLE_LABELS[role], providers.ROLE_HINTS[role])
            for role in allowed
        ],
        may_remove=allowed,
        saved=request.query_params.get("saved"),
        **values,
    )


@console
async def team(request: Request) -> Response:
    return await _team_page(request)


@console
async def invite(request: Request) -> Response:
    actor = actor_of(request)
    store, _ = await providers.console_store(actor, providers.EDITORS)
    values = await form_values(request)
    try:
        invitation = await providers.invite_to_team(
            actor, store, values.get("email", ""), values.get("role", ""), str(request.base_url)
        )
    except InvalidInput as refused:
        return await _team_page(request, 400, values=values, errors=field_errors(refused.problems))
    return see_other("/provider/team?" + urlencode({"saved": "invited", "email": invitation.email}))


async def _team_member(request: Request, store: Store, key: str | None) -> providers.TeamMember:
    for member in await providers.team_of(actor_of(request), store):
        if str(member.link.id) == (key or ""):
            return member
    raise NotFound("no such team member")


@console
async def remove_member_form(request: Request) -> Response:
    actor = actor_of(request)
    store, me = await providers.console_store(actor, providers.EDITORS)
    member = await _team_member(request, store, request.query_params.get("team_member"))
    return _console_render(
        request,
        "marketplace/provider/remove.html",
        f"Remove {member.name or member.email} from your team?",
        store,
        me,
        thing=None,
        action="/provider/team/remove",
        back="/provider/team",
        button_text="Remove from team",
        hidden={"team_member": str(member.link.id)},
        explanation=f"They will no longer be able to work on {store.provider.name}'s stores "
        "on any council's website.",
    )


@console
async def remove_member(request: Request) -> Response:
    actor = actor_of(request)
    store, _ = await providers.console_store(actor, providers.EDITORS)
    values = await form_values(request)
    try:
        await providers.remove_from_team(actor, store, values.get("team_member"))
    except InvalidInput as refused:
        return await _team_page(request, 400, errors=field_errors(refused.problems))
    return see_other("/provider/team?saved=removed")


# --- The public store page ----------------------------------------------------------------


async def _viewable(request: Request) -> stores.StoreView:
    actor = actor_of(request)
    policy = accreditation_policy(request.state.plugins)
    store = await stores.store_by_slug(actor, request.path_params["store_slug"])
    return await stores.view_store(actor, policy, store)


def _version(store: Store) -> str:
    return str(int(store.updated_at.timestamp())) if store.updated_at else "0"


async def store_page(request: Request) -> Response:
    actor = actor_of(request)
    view = await _viewable(request)
    store = view.store
    policy = accreditation_policy(request.state.plugins)
    services = (
        await (await visible_services(actor, policy))
        .filter(store_id=store.id)
        .order_by("title", "id")
    )
    branded = store.tier == StoreTier.BRANDED
    return render(
        request,
        "marketplace/store/page.html",
        store.name,
        view=view,
        store=store,
        branded=branded,
        coloured=branded and bool(store.brand_colour and store.brand_text_colour),
        logo_url=stores.media_url(store.logo_key) if branded else None,
        photos=[
            {
                "photo": photo,
                "url": stores.media_url(photo.key),
                "thumbnail_url": stores.media_url(photo.thumbnail_key),
            }
            for photo in view.photos
        ]
        if branded
        else [],
        case_studies=view.case_studies if branded else [],
        services=services,
        pounds=pounds,
        unit_words=UNIT_WORDS,
        policy=policy,
        stylesheet_url=f"/stores/{store.slug}/store.css?v={_version(store)}",
        is_team=store.id in {s.id for s in await providers.stores_of(actor)},
    )


async def store_css(request: Request) -> Response:
    view = await _viewable(request)
    store = view.store
    branded = store.tier == StoreTier.BRANDED
    css = stores.store_stylesheet(
        store.brand_colour if branded else None, store.brand_text_colour if branded else None
    )
    current = request.query_params.get("v") == _version(store)
    cache = "public, max-age=86400" if current and view.public else "no-cache"
    return Response(css, media_type="text/css", headers={"Cache-Control": cache})


routes = [
    Route("/providers/join", join_form, methods=["GET"], name="providers:join-form"),
    Route("/providers/join", join, methods=["POST"], name="providers:join"),
    Route("/providers/bring", bring_form, methods=["GET"], name="providers:bring-form"),
    Route("/providers/bring", bring, methods=["POST"], name="providers:bring"),
    Route("/providers/invitations/{token}", invitation_form, methods=["GET"]),
    Route("/providers/invitations/{token}", accept_invitation, methods=["POST"]),
    Route("/provider", home, methods=["GET"], name="provider:home"),
    Route("/provider/status", change_status, methods=["POST"], name="provider:status"),
    Route("/provider/store", details_form, methods=["GET"], name="provider:store"),
    Route("/provider/store", change_details, methods=["POST"]),
    Route("/provider/store/branding", branding_form, methods=["GET"], name="provider:branding"),
    Route("/provider/store/branding", change_colours, methods=["POST"]),
    Route("/provider/store/preview.css", preview_css, methods=["GET"]),
    Route("/provider/store/logo", change_logo, methods=["POST"]),
    Route("/provider/store/logo/remove", delete_logo, methods=["POST"]),
    Route("/provider/store/case-studies", case_studies, methods=["GET"]),
    Route("/provider/store/case-studies/new", new_case_study_form, methods=["GET"]),
    Route("/provider/store/case-studies/new", add_case_study, methods=["POST"]),
    Route("/provider/store/case-studies/{case_study_id}", case_study_form, methods=["GET"]),
    Route("/provider/store/case-studies/{case_study_id}", change_case_study, methods=["POST"]),
    Route(
        "/provider/store/case-studies/{case_study_id}/remove",
        remove_case_study_form,
        methods=["GET"],
    ),
    Route(
        "/provider/store/case-studies/{case_study_id}/remove",
        remove_case_study,
        methods=["POST"],
    ),
    Route("/provider/store/photos", photos, methods=["GET"], name="provider:photos"),
    Route("/provider/store/photos", add_photo, methods=["POST"]),
    Route("/provider/store/photos/{photo_id}/remove", remove_photo_form, methods=["GET"]),
    Route("/provider/store/photos/{photo_id}/remove", remove_photo, methods=["POST"]),
    Route("/provider/team", team, methods=["GET"], name="provider:team"),
    Route("/provider/team", invite, methods=["POST"]),
    Route("/provider/team/remove", remove_member_form, methods=["GET"]),
    Route("/provider/team/remove", remove_member, methods=["POST"]),
    Route("/stores/{store_slug}", store_page, methods=["GET"], name="stores:page"),
    Route("/stores/{store_slug}/store.css", store_css, methods=["GET"], name="stores:css"),
]
