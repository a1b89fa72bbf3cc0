"""Providers join a council's marketplace, bring their organisation to another council,
invite their team and build a store: details, colours, logo, case studies and photos;
who may see the store's page; the providers API."""

from __future__ import annotations

import html
import io
import re

import pytest
from PIL import Image

from core.accreditation.models import Accreditation, AccreditationStatus
from core.audit.models import AuditEvent
from core.email.models import EmailMessage
from core.identity.models import Invitation, Membership, User
from core.marketplace.models import (
    CaseStudy,
    Photo,
    Provider,
    ProviderRole,
    ProviderUser,
    PublishStatus,
    Service,
    Store,
    StoreTier,
    Unit,
)
from core.marketplace.providers import slug_for
from core.oauth.services import create_client_as_operator
from core.people.services import SIGN_UP_REFUSAL
from core.storage.base import FileMissing
from tests.factories import make_tenant
from tests.support.members import PASSWORD, SAME_ORIGIN, make_member, sign_in

JOIN = {
    "organisation": "Riverside Home Care",
    "name": "Rita Owner",
    "email": "rita@example.org",
    "password": "rita's long passphrase",
    "confirm": "rita's long passphrase",
}
DETAILS = {
    "name": "Riverside Home Care",
    "description": "Help at home, day and night.\n\nWe have worked in the borough since 1998.",
    "phone": "01632 960 001",
    "email": "hello@riverside.example",
    "website": "www.riverside.example",
    "address": "1 Mill Lane\nRiverbend",
    "postcode": "cr2 6xh",
    "tier": "branded",
}


def text(response) -> str:
    return html.unescape(response.text)


def picture(width: int = 1200, height: int = 800, kind: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 110, 160)).save(out, kind, **options)
    return out.getvalue()


async def join(client, **changes):
    return await client.post("/providers/join", data=JOIN | changes, headers=SAME_ORIGIN)


async def joined(client_for, tenant, **changes):
    """A provider who signed up through the form: their signed-in client and store."""
    client = client_for(tenant)
    response = await join(client, **changes)
    assert response.status_code == 303, text(response)
    user = await User.get(email=(JOIN | changes)["email"])
    link = await ProviderUser.get(user_id=user.id)
    store = await Store.get(tenant_id=tenant.id, provider_id=link.provider_id)
    return client, store


async def post(client, url, **data):
    return await client.post(url, data=data, headers=SAME_ORIGIN)


async def upload(client, url, field, filename, data, content_type, **fields):
    return await client.post(
        url, data=fields, files={field: (filename, data, content_type)}, headers=SAME_ORIGIN
    )


async def live_store(client, store):
    response = await post(client, "/provider/store", **DETAILS)
    assert response.status_code == 303, text(response)
    response = await post(client, "/provider/status", status="live")
    assert response.status_code == 303, text(response)
    await store.refresh_from_db()
    assert store.status == PublishStatus.LIVE


# --- Joining --------------------------------------------------------------------------


async def test_a_provider_joins_and_gets_a_draft_store_and_a_console(app, client_for):
    tenant = await make_tenant("riverbend", "Riverbend Council")
    client = client_for(tenant)
    sign_in_page = await client.get("/sign-in")
    assert 'href="/providers/join"' in sign_in_page.text
    form = await client.get("/providers/join")
    assert form.status_code == 200 and form.text.count("<h1") == 1
    assert 'href="/providers/bring"' in form.text

    response = await join(client)

    assert response.status_code == 303
    assert response.headers["location"] == "/provider?joined=1"
    user = await User.get(email="rita@example.org")
    member = await Membership.get(tenant_id=tenant.id, user_id=user.id)
    assert member.roles == ["provider_owner"]
    link = await ProviderUser.get(user_id=user.id)
    assert link.role == ProviderRole.OWNER
    provider = await Provider.get(id=link.provider_id)
    store = await Store.get(provider_id=provider.id)
    assert provider.name == store.name == "Riverside Home Care"
    assert (store.tenant_id, store.slug, store.status) == (
        tenant.id,
        "riverside-home-care",
        PublishStatus.DRAFT,
    )
    assert await AuditEvent.filter(action="provider_joined", target_id=str(store.id)).exists()

    console = await client.get(response.headers["location"])  # signed in by joining
    assert console.status_code == 200 and console.text.count("<h1") == 1
    page = text(console)
    assert "Your organisation is registered" in page and "Draft" in page
    for link_to in ("/provider/services", "/provider/accreditation", "/provider/store"):
        assert f'href="{link_to}"' in page
    assert "Only your team and the council, because it is a draft" in page
    assert 'href="/provider">Provider console' in page
    account = await client.get("/account")
    assert "Go to your provider console" in account.text


async def test_joining_names_every_field_that_needs_fixing(app, client_for):
    tenant = await make_tenant()
    response = await client_for(tenant).post(
        "/providers/join",
        data={"email": "not an address", "password": "short", "confirm": "other"},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 400
    page = text(response)
    for message in (
        "Enter the name of your organisation",
        "Enter your full name",
        "Enter an email address, like name@example.com",
        "Your password must be at least 10 characters",
        "Enter the same password twice",
    ):
        assert message in page
    assert not await Provider.exists()


async def test_joining_never_says_whether_an_address_has_an_account(app, client_for):
    tenant = await make_tenant("riverbend", "Riverbend Council")
    elsewhere = await make_tenant("moorfield", "Moorfield Council")
    await make_member(tenant, ["person"], email="here@example.org")
    await make_member(elsewhere, ["person"], email="there@example.org")

    answers = []
    for email, password in (
        ("here@example.org", PASSWORD),  # an account here, the right password
        ("here@example.org", "a wrong passphrase"),
        ("there@example.org", "a wrong passphrase"),  # an account elsewhere
    ):
        response = await join(client_for(tenant), email=email, password=password, confirm=password)
        assert response.status_code == 400
        answers.append(re.sub(r'value="[^"]*"', "", response.text))
        assert SIGN_UP_REFUSAL in text(response)
    assert len(set(answers)) == 1, "every refusal reads the same"
    assert not await Provider.exists()
    warned = await EmailMessage.filter(to_address="here@example.org", purpose="sign-up-refused")
    assert len(warned) == 2 and "/providers/bring" in warned[0].body_text

    # The right password of an account at another council joins: one login for both.
    response = await join(
        client_for(tenant), email="there@example.org", password=PASSWORD, confirm=PASSWORD
    )
    assert response.status_code == 303
    user = await User.get(email="there@example.org")
    assert await Membership.filter(user_id=user.id).count() == 2
    assert (await Membership.get(tenant_id=tenant.id, user_id=user.id)).roles == ["provider_owner"]


async def test_provider_sign_ups_share_the_self_funders_throttle(app, client_for):
    tenant = await make_tenant()
    client = client_for(tenant)
    for number in range(10):
        response = await join(client, email=f"someone{number}@example.org", organisation="Org")
        assert response.status_code == 303
        client.cookies.clear()
    response = await join(client, email="one.more@example.org")
    assert response.status_code == 429
    assert "too many attempts to register" in text(response)


async def test_a_signed_in_member_registers_their_organisation(app, client_for):
    tenant = await make_tenant()
    member = await make_member(tenant, ["person"], email="pa@example.org")
    client = client_for(tenant)
    await sign_in(client, "pa@example.org")
    form = await client.get("/providers/join")
    assert 'name="password"' not in form.text and 'name="organisation"' in form.text
    refused = await post(client, "/providers/join", organisation="")
    assert refused.status_code == 400 and "Enter the name of your organisation" in text(refused)

    response = await post(client, "/providers/join", organisation="Pat's Personal Assistance")

    assert response.headers["location"] == "/provider?joined=1"
    await member.refresh_from_db()
    assert member.roles == ["person", "provider_owner"]
    store = await Store.get(tenant_id=tenant.id)
    assert store.slug == "pats-personal-assistance"
    again = await client.get("/providers/join")
    assert again.status_code == 303 and again.headers["location"] == "/provider"


def test_store_addresses_are_plain_and_readable():
    assert slug_for("St Mary’s Home Care Ltd.") == "st-marys-home-care-ltd"
    assert slug_for("Café Crème & Co") == "cafe-creme-co"
    assert slug_for("!!!") == "provider"


async def test_a_second_store_with_the_same_name_gets_its_own_address(app, client_for):
    tenant = await make_tenant()
    await joined(client_for, tenant)
    _, second = await joined(client_for, tenant, email="other@example.org")
    assert second.slug == "riverside-home-care-2"


# --- Bringing an organisation to another council ----------------------------------------


async def test_an_owner_brings_their_organisation_to_a_second_council(app, client_for):
    riverbend = await make_tenant("riverbend", "Riverbend Council")
    moorfield = await make_tenant("moorfield", "Moorfield Council")
    client, first = await joined(client_for, riverbend)
    assert (await post(client, "/provider/store", **DETAILS)).status_code == 303
    saved = await post(client, "/provider/store/branding", brand_colour="#1d5c8c", action="save")
    assert saved.status_code == 303

    elsewhere = client_for(moorfield)
    form = await elsewhere.get("/providers/bring")
    assert form.status_code == 200 and form.text.count("<h1") == 1
    wrong = await post(elsewhere, "/providers/bring", email=JOIN["email"], password="wrong one!")
    assert wrong.status_code == 400 and "Enter a correct email address and password" in text(wrong)
    assert not await Store.exists(tenant_id=moorfield.id)

    response = await post(
        elsewhere, "/providers/bring", email=JOIN["email"], password=JOIN["password"]
    )

    assert response.status_code == 303 and response.headers["location"] == "/provider?brought=1"
    second = await Store.get(tenant_id=moorfield.id)
    assert second.provider_id == first.provider_id and second.id != first.id
    assert second.status == PublishStatus.DRAFT
    assert (second.description, second.phone, second.brand_colour, second.tier) == (
        DETAILS["description"],
        "01632 960001",
        "#1d5c8c",
        StoreTier.BRANDED,
    )
    user = await User.get(email=JOIN["email"])
    assert (await Membership.get(tenant_id=moorfield.id, user_id=user.id)).roles == [
        "provider_owner"
    ]
    console = await elsewhere.get(response.headers["location"])
    assert "Your organisation now has a store here" in text(console)
    assert await Provider.all().count() == 1
    # Nothing more to bring: said plainly.
    again = await post(elsewhere, "/providers/bring", organisation="")
    assert again.status_code == 303 and again.headers["location"] == "/provider"


async def test_only_an_owner_with_a_store_elsewhere_can_bring_one(app, client_for):
    riverbend = await make_tenant("riverbend", "Riverbend Council")
    moorfield = await make_tenant("moorfield", "Moorfield Council")
    await make_member(riverbend, ["person"], email="person@example.org")
    response = await post(
        client_for(moorfield), "/providers/bring", email="person@example.org", password=PASSWORD
    )
    assert response.status_code == 400
    assert "does not own a provider organisation" in text(response)
    assert not await Membership.exists(tenant_id=moorfield.id)
    empty = await post(client_for(moorfield), "/providers/bring")
    assert "Enter your email address" in text(empty) and "Enter your password" in text(empty)


async def test_an_owner_of_two_organisations_chooses_which_to_bring(app, client_for):
    riverbend = await make_tenant("riverbend", "Riverbend Council")
    moorfield = await make_tenant("moorfield", "Moorfield Council")
    await joined(client_for, riverbend)
    other = await Provider.create(name="Second Org")
    user = await User.get(email=JOIN["email"])
    await ProviderUser.create(provider=other, user=user, role=ProviderRole.OWNER)
    await Store.create(tenant=await make_tenant(), provider=other, name="Second Org", slug="s")
    bringing = client_for(moorfield)
    response = await post(
        bringing, "/providers/bring", email=JOIN["email"], password=JOIN["password"]
    )
    assert response.status_code == 200 and "Which organisation do you want to bring here?" in text(
        response
    )
    response = await post(
        bringing,
        "/providers/bring",
        email=JOIN["email"],
        password=JOIN["password"],
        organisation=str(other.id),
    )
    assert response.status_code == 303
    assert (await Store.get(tenant_id=moorfield.id)).provider_id == other.id


# --- The team -----------------------------------------------------------------------------


def invitation_link(message: EmailMessage) -> str:
    return re.search(r"/providers/invitations/\S+", message.body_text).group(0)


async def test_an_owner_invites_a_manager_who_invites_staff(app, client_for):
    tenant = await make_tenant("riverbend", "Riverbend Council")
    owner, _ = await joined(client_for, tenant)
    team = await owner.get("/provider/team")
    assert team.status_code == 200 and "Rita Owner" in team.text

    response = await post(owner, "/provider/team", email="Mo@Example.org", role="manager")

    assert response.status_code == 303
    page = text(await owner.get(response.headers["location"]))
    assert "Invitation sent to mo@example.org" in page and "Invited" in page
    message = await EmailMessage.get(to_address="mo@example.org")
    assert "Rita Owner has invited you to join Riverside Home Care" in message.subject
    invitation = await Invitation.get(email="mo@example.org")
    assert invitation.roles == ["provider_manager"] and invitation.purpose == "council"

    mo = client_for(tenant)
    offer = await mo.get(invitation_link(message))
    assert offer.status_code == 200 and offer.text.count("<h1") == 1
    assert "join Riverside Home Care" in text(offer) and "as a manager" in text(offer)
    accepted = await post(
        mo,
        invitation_link(message),
        name="Mo Manager",
        password="mo's long passphrase",
        confirm="mo's long passphrase",
    )
    assert accepted.status_code == 303 and accepted.headers["location"] == "/provider?welcome=1"
    assert "joined Riverside Home Care" in text(await mo.get(accepted.headers["location"]))
    user = await User.get(email="mo@example.org")
    assert (await Membership.get(tenant_id=tenant.id, user_id=user.id)).roles == [
        "provider_manager"
    ]
    assert "Mo Manager" in (await owner.get("/provider/team")).text

    # A manager changes the store and invites staff, but not other managers.
    assert (await post(mo, "/provider/store", **DETAILS)).status_code == 303
    refused = await post(mo, "/provider/team", email="max@example.org", role="manager")
    assert refused.status_code == 400 and "Managers can invite staff only" in text(refused)
    assert (
        await post(mo, "/provider/team", email="sam@example.org", role="staff")
    ).status_code == 303
    staff_message = await EmailMessage.get(to_address="sam@example.org")
    sam = client_for(tenant)
    await post(
        sam,
        invitation_link(staff_message),
        name="Sam Staff",
        password="sam's long passphrase",
        confirm="sam's long passphrase",
    )
    # Staff add case studies but do not change the store or the team.
    assert (await sam.get("/provider")).status_code == 200
    assert (await post(sam, "/provider/store", **DETAILS)).status_code == 403
    assert (await post(sam, "/provider/status", status="live")).status_code == 403
    assert (
        await post(sam, "/provider/team", email="x@example.org", role="staff")
    ).status_code == 403
    added = await post(
        sam, "/provider/store/case-studies/new", title="A story", body="It went well."
    )
    assert added.status_code == 303

    # The owner removes Sam: Sam can no longer work on the store.
    sam_link = await ProviderUser.get(user__email="sam@example.org")
    confirm = await owner.get(f"/provider/team/remove?team_member={sam_link.id}")
    assert confirm.status_code == 200 and "Remove Sam Staff from your team?" in text(confirm)
    removed = await post(owner, "/provider/team/remove", team_member=str(sam_link.id))
    assert removed.status_code == 303
    assert not await ProviderUser.exists(id=sam_link.id)
    sam_user = await User.get(email="sam@example.org")
    assert (await Membership.get(tenant_id=tenant.id, user_id=sam_user.id)).roles == []
    assert (await sam.get("/provider")).status_code == 403
    assert await AuditEvent.filter(action="team_member_removed").exists()
    # Nobody removes an owner, and a manager does not remove a manager.
    owner_link = await ProviderUser.get(role=ProviderRole.OWNER)
    refused = await post(mo, "/provider/team/remove", team_member=str(owner_link.id))
    assert refused.status_code == 400 and "You cannot remove an owner" in text(refused)


async def test_inviting_reads_the_same_whether_or_not_the_address_has_an_account(app, client_for):
    tenant = await make_tenant()
    owner, _ = await joined(client_for, tenant)
    await make_member(await make_tenant(), ["person"], email="known@example.org", name="Kim Known")
    known = await post(owner, "/provider/team", email="known@example.org", role="staff")
    unknown = await post(owner, "/provider/team", email="nobody@example.org", role="staff")
    assert known.status_code == unknown.status_code == 303
    page = text(await owner.get("/provider/team"))
    assert "Kim Known" not in page, "an existing account's name is not shown before it accepts"
    assert page.count("Invited") == 2


async def test_an_invitation_counts_only_once_it_is_accepted(app, client_for):
    """Someone already working for another provider here is not given a second store's
    console just because they were invited: they must accept."""
    tenant = await make_tenant()
    owner, store = await joined(client_for, tenant)
    other_client, _ = await joined(
        client_for, tenant, email="olga@example.org", organisation="Olga's Care"
    )
    await post(owner, "/provider/team", email="olga@example.org", role="manager")
    console = text(await other_client.get("/provider"))
    assert "Olga's Care" in console
    assert (await other_client.get(f"/stores/{store.slug}")).status_code == 404
    message = await EmailMessage.get(to_address="olga@example.org", purpose="invitation")
    page = await other_client.get(invitation_link(message))
    assert "Enter its password to accept" in text(page)
    accepted = await post(other_client, invitation_link(message), password=JOIN["password"])
    assert accepted.status_code == 303
    assert (await other_client.get(f"/stores/{store.slug}")).status_code == 200


# --- The store: details, status, colours ------------------------------------------------


async def test_store_details_are_checked_and_saved(app, client_for):
    tenant = await make_tenant()
    client, store = await joined(client_for, tenant)
    form = await client.get("/provider/store")
    assert form.status_code == 200 and form.text.count("<h1") == 1
    refused = await post(
        client,
        "/provider/store",
        **DETAILS | {"name": "", "phone": "12", "email": "x", "postcode": "nowhere", "tier": "x"},
    )
    assert refused.status_code == 400
    for message in (
        "Enter your store's name",
        "Enter a UK phone number",
        "Enter an email address, like name@example.com",
        "Enter a real postcode, like SW1A 1AA",
        "Choose a listing or a branded store page",
    ):
        assert message in text(refused)

    assert (await post(client, "/provider/store", **DETAILS)).status_code == 303

    await store.refresh_from_db()
    assert store.postcode == "CR2 6XH" and store.website == "https://www.riverside.example"
    assert store.tier == StoreTier.BRANDED and store.address == "1 Mill Lane\nRiverbend"
    event = await AuditEvent.filter(action="store_changed").order_by("-sequence").first()
    assert "description" in event.details["changed"]


async def test_a_store_goes_live_only_with_a_description_and_a_way_to_get_in_touch(app, client_for):
    tenant = await make_tenant()
    client, store = await joined(client_for, tenant)
    refused = await post(client, "/provider/status", status="live")
    assert refused.status_code == 400
    assert "Before your store can go live: add a description" in text(refused)
    await live_store(client, store)
    paused = await post(client, "/provider/status", status="paused")
    assert paused.headers["location"] == "/provider?saved=paused"


@pytest.mark.parametrize(
    ("brand", "brand_text", "field", "message"),
    [
        ("#ffdd00", "", "brand_colour", "Brand colour #ffdd00 is too light for headings"),
        ("#1d5c8c", "#2b6a9a", "brand_text_colour", "Text colour #2b6a9a is hard to read"),
        ("blurple", "", "brand_colour", "Enter the brand colour as a hex code"),
        ("#1d5c8c", "nope", "brand_text_colour", "Enter the text colour as a hex code"),
        ("", "#ffffff", "brand_colour", "Enter a brand colour, or clear the text colour too"),
    ],
)
async def test_colours_that_are_hard_to_read_are_refused_naming_the_field(
    app, client_for, brand, brand_text, field, message
):
    tenant = await make_tenant()
    client, store = await joined(client_for, tenant)
    for action in ("check", "save"):
        response = await post(
            client,
            "/provider/store/branding",
            brand_colour=brand,
            brand_text_colour=brand_text,
            action=action,
        )
        assert response.status_code == 400
        page = text(response)
        assert f'<a href="#{field}">{message}' in page
        assert f'id="{field}-error"' in page
    await store.refresh_from_db()
    assert store.brand_colour is None


async def test_readable_colours_are_checked_then_saved_and_style_only_the_store(app, client_for):
    tenant = await make_tenant()
    client, store = await joined(client_for, tenant)
    checked = await post(client, "/provider/store/branding", brand_colour="1D5C8C", action="check")
    assert checked.status_code == 200
    page = text(checked)
    assert "#ffffff on #1d5c8c" in page and "Passes" in page and "not saved yet" in page
    assert "/provider/store/preview.css?brand_colour=%231d5c8c" in checked.text
    await store.refresh_from_db()
    assert store.brand_colour is None, "checking does not save"
    preview = await client.get(
        "/provider/store/preview.css?brand_colour=%231d5c8c&brand_text_colour=%23ffffff"
    )
    assert "background-color: #1d5c8c" in preview.text
    hostile = await client.get("/provider/store/preview.css?brand_colour=red;}body{x:y")
    assert "body" not in hostile.text

    saved = await post(client, "/provider/store/branding", brand_colour="#1d5c8c", action="save")
    assert saved.headers["location"] == "/provider/store/branding?saved=colours"
    await store.refresh_from_db()
    assert (store.brand_colour, store.brand_text_colour) == ("#1d5c8c", "#ffffff")
    await live_store(client, store)
    page = await client_for(tenant).get(f"/stores/{store.slug}")
    css_url = re.search(r'href="(/stores/[^"]+/store\.css\?v=\d+)"', page.text).group(1)
    css = await client_for(tenant).get(css_url)
    assert css.headers["content-type"].startswith("text/css")
    assert ".cp-store-banner--branded { background-color: #1d5c8c; color: #ffffff;" in css.text
    assert "cp-store-banner--branded" in page.text
    # The council's own header and stylesheet stay.
    assert 'class="cp-header"' in page.text and "/theme.css?v=" in page.text
    assert " style=" not in page.text


# --- Logo and photos ----------------------------------------------------------------------


async def test_a_logo_must_be_a_small_image(app, client_for):
    tenant = await make_tenant()
    client, store = await joined(client_for, tenant)
    storage = app.state.runtime.storage
    too_big = await upload(
        client,
        "/provider/store/logo",
        "logo",
        "logo.png",
        b"\x89PNG" + b"0" * 1_000_000,
        "image/png",
    )
    assert too_big.status_code == 400 and "The logo must be 1 MB or smaller" in text(too_big)
    not_image = await upload(
        client, "/provider/store/logo", "logo", "logo.png", b"just some words", "image/png"
    )
    assert not_image.status_code == 400
    assert "The logo must be an SVG, PNG, JPEG or WebP image" in text(not_image)
    nothing = await upload(client, "/provider/store/logo", "logo", "", b"", "image/png")
    assert "Choose a logo to upload" in text(nothing)

    saved = await upload(
        client, "/provider/store/logo", "logo", "logo.png", picture(300, 100), "image/png"
    )

    assert saved.headers["location"] == "/provider/store/branding?saved=logo"
    await store.refresh_from_db()
    assert store.logo_key.startswith(f"public/stores/{store.id}/logo-")
    served = await client.get("/media/" + store.logo_key.removeprefix("public/"))
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    first_key = store.logo_key
    await upload(
        client, "/provider/store/logo", "logo", "l.jpg", picture(kind="JPEG"), "image/jpeg"
    )
    await store.refresh_from_db()
    assert store.logo_key.endswith(".jpg")
    with pytest.raises(FileMissing):
        await storage.get(tenant.id, first_key)
    await post(client, "/provider/store/logo/remove")
    await store.refresh_from_db()
    assert store.logo_key is None


async def test_photos_are_checked_resized_and_stored_with_thumbnails(app, client_for):
    tenant = await make_tenant()
    client, store = await joined(client_for, tenant)
    storage = app.state.runtime.storage
    too_big = await upload(
        client,
        "/provider/store/photos",
        "photo",
        "big.jpg",
        b"\xff\xd8\xff" + b"0" * 5_000_000,
        "image/jpeg",
        alt_text="Big",
    )
    assert too_big.status_code == 400 and "The photo must be 5 MB or smaller" in text(too_big)
    for name, data in (("notes.txt", b"not a picture"), ("logo.svg", b"<svg></svg>")):
        refused = await upload(
            client, "/provider/store/photos", "photo", name, data, "image/png", alt_text="x"
        )
        assert refused.status_code == 400
        assert "The photo must be a JPEG, PNG or WebP image" in text(refused)
    no_alt = await upload(
        client, "/provider/store/photos", "photo", "garden.png", picture(), "image/png"
    )
    assert no_alt.status_code == 400
    assert "Describe the photo for people who cannot see it" in text(no_alt)
    assert not await Photo.exists()

    # A camera's photo with its location: re-saved without it, 1600 wide, and a thumbnail.
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}
    camera = picture(2400, 1600, "JPEG", exif=exif)
    saved = await upload(
        client,
        "/provider/store/photos",
        "photo",
        "garden.jpg",
        camera,
        "image/jpeg",
        alt_text="Two people planting tomatoes in a garden",
    )

    assert saved.headers["location"] == "/provider/store/photos?saved=added"
    photo = await Photo.get(store_id=store.id)
    assert photo.alt_text == "Two people planting tomatoes in a garden" and photo.service_id is None
    assert photo.key.startswith(f"public/stores/{store.id}/photos/")
    full = Image.open(io.BytesIO((await storage.get(tenant.id, photo.key)).data))
    thumbnail = Image.open(io.BytesIO((await storage.get(tenant.id, photo.thumbnail_key)).data))
    assert full.size == (1600, 1067) and thumbnail.size == (400, 267)
    assert not full.getexif() and not thumbnail.getexif()
    page = await client.get("/provider/store/photos")
    assert "/media/" + photo.thumbnail_key.removeprefix("public/") in page.text
    served = await client.get("/media/" + photo.thumbnail_key.removeprefix("public/"))
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"

    confirm = await client.get(f"/provider/store/photos/{photo.id}/remove")
    assert confirm.status_code == 200 and confirm.text.count("<h1") == 1
    removed = await post(client, f"/provider/store/photos/{photo.id}/remove")
    assert removed.status_code == 303 and not await Photo.exists()
    for key in (photo.key, photo.thumbnail_key):
        with pytest.raises(FileMissing):
            await storage.get(tenant.id, key)


async def test_an_oversized_upload_is_refused_before_it_is_read(app, client_for):
    tenant = await make_tenant()
    client, _ = await joined(client_for, tenant)
    response = await client.post(
        "/provider/store/photos",
        content=b"0" * 100,
        headers=SAME_ORIGIN
        | {"content-type": "multipart/form-data; boundary=x", "content-length": "30000000"},
    )
    assert response.status_code == 413 and "The photo must be 5 MB or smaller" in text(response)


# --- Case studies ---------------------------------------------------------------------------


async def test_case_studies_are_added_changed_and_removed(app, client_for):
    tenant = await make_tenant()
    client, store = await joined(client_for, tenant)
    form = await client.get("/provider/store/case-studies/new")
    assert form.status_code == 200 and form.text.count("<h1") == 1
    empty = await post(client, "/provider/store/case-studies/new", title="", body="")
    assert empty.status_code == 400
    assert "Enter a title for the case study" in text(empty) and "Enter the case study" in text(
        empty
    )

    added = await post(
        client,
        "/provider/store/case-studies/new",
        title="Back to the allotment",
        body="Dora wanted to garden again.\n\n\n\nNow she goes twice a week.",
    )

    assert added.headers["location"] == "/provider/store/case-studies?saved=added"
    study = await CaseStudy.get(store_id=store.id)
    assert study.body == "Dora wanted to garden again.\n\nNow she goes twice a week."
    listing = await client.get("/provider/store/case-studies")
    assert "Back to the allotment" in listing.text
    edit = await client.get(f"/provider/store/case-studies/{study.id}")
    assert "Back to the allotment" in edit.text
    changed = await post(
        client, f"/provider/store/case-studies/{study.id}", title="The allotment", body="Better."
    )
    assert changed.status_code == 303
    await study.refresh_from_db()
    assert (study.title, study.body) == ("The allotment", "Better.")
    assert (await client.get(f"/provider/store/case-studies/{study.id}/remove")).status_code == 200
    removed = await post(client, f"/provider/store/case-studies/{study.id}/remove")
    assert removed.status_code == 303 and not await CaseStudy.exists()
    assert (await client.get(f"/provider/store/case-studies/{study.id}")).status_code == 404


# --- Who sees a store -------------------------------------------------------------------------


async def test_a_store_page_is_public_only_when_live(app, client_for):
    tenant = await make_tenant("riverbend", "Riverbend Council")
    client, store = await joined(client_for, tenant)
    visitor = client_for(tenant)
    assert (await visitor.get(f"/stores/{store.slug}")).status_code == 404
    assert (await visitor.get(f"/stores/{store.slug}/store.css")).status_code == 404
    preview = await client.get(f"/stores/{store.slug}")
    assert preview.status_code == 200 and "Not live" in preview.text
    assert "because it is a draft" in text(preview)
    officer = await make_member(tenant, ["council_officer"])
    staff = client_for(tenant)
    await sign_in(staff, officer.user.email)
    assert (await staff.get(f"/stores/{store.slug}")).status_code == 200
    someone = await make_member(tenant, ["person"])
    person = client_for(tenant)
    await sign_in(person, someone.user.email)
    assert (await person.get(f"/stores/{store.slug}")).status_code == 404

    await live_store(client, store)
    await post(client, "/provider/store/case-studies/new", title="A good story", body="It helped.")
    await upload(
        client,
        "/provider/store/photos",
        "photo",
        "p.png",
        picture(),
        "image/png",
        alt_text="Our garden",
    )
    await upload(client, "/provider/store/logo", "logo", "l.png", picture(200, 80), "image/png")
    service = await Service.create(
        tenant_id=tenant.id,
        store=store,
        title="Help at home",
        category="personal-care",
        unit=Unit.HOUR,
        unit_price_pence=2_250,
        status=PublishStatus.LIVE,
    )
    await Service.create(
        tenant_id=tenant.id,
        store=store,
        title="Not ready yet",
        category="personal-care",
        unit=Unit.HOUR,
        unit_price_pence=1_000,
    )

    page = await visitor.get(f"/stores/{store.slug}")

    assert page.status_code == 200 and page.text.count("<h1") == 1
    shown = text(page)
    assert "Not live" not in shown and "Riverside Home Care" in shown
    assert "We have worked in the borough since 1998." in shown
    assert "Help at home" in shown and "£22.50 an hour" in shown and "Not ready yet" not in shown
    assert f'href="/services/{service.id}"' in page.text
    assert "A good story" in shown and 'alt="Our garden"' in page.text
    assert "Riverside Home Care logo" in shown
    assert "01632 960001" in shown and "Riverbend Council" in shown

    # A listing is a simple card: no logo, photos or case studies.
    await post(client, "/provider/store", **DETAILS | {"tier": "listing"})
    listing = text(await visitor.get(f"/stores/{store.slug}"))
    assert "Help at home" in listing
    assert "A good story" not in listing and "Our garden" not in listing and "logo" not in listing

    await post(client, "/provider/status", status="paused")
    assert (await visitor.get(f"/stores/{store.slug}")).status_code == 404


async def test_under_a_kitemark_only_accredited_providers_stores_are_public(
    app, client_for, registry
):
    tenant = await make_tenant(
        registry=registry,
        plugins={"accreditation": {"mode": "kitemark", "badge_label": "Riverbend Approved"}},
    )
    client, store = await joined(client_for, tenant)
    await live_store(client, store)
    visitor = client_for(tenant)
    assert (await visitor.get(f"/stores/{store.slug}")).status_code == 404
    assert (await visitor.get("/api/v1/providers")).json()["items"] == []
    own = await client.get(f"/stores/{store.slug}")
    assert "the council has not accredited this provider yet" in text(own)
    console = text(await client.get("/provider"))
    assert "The council must accredit you before people can see your store" in console

    await Accreditation.create(
        tenant=tenant, provider_id=store.provider_id, status=AccreditationStatus.ACCREDITED
    )

    page = await visitor.get(f"/stores/{store.slug}")
    assert page.status_code == 200 and "Riverbend Approved" in page.text
    items = (await visitor.get("/api/v1/providers")).json()["items"]
    assert [item["id"] for item in items] == [str(store.id)] and items[0]["accredited"]


async def test_another_councils_stores_and_their_parts_are_not_found(app, client_for):
    riverbend = await make_tenant("riverbend", "Riverbend Council")
    moorfield = await make_tenant("moorfield", "Moorfield Council")
    ours, our_store = await joined(client_for, riverbend)
    theirs, their_store = await joined(
        client_for, moorfield, email="tom@example.org", organisation="Moorfield Secret Care"
    )
    await live_store(theirs, their_store)
    await post(theirs, "/provider/store/case-studies/new", title="Secret story", body="Shh.")
    await upload(
        theirs,
        "/provider/store/photos",
        "photo",
        "p.png",
        picture(),
        "image/png",
        alt_text="Secret",
    )
    study = await CaseStudy.get(store_id=their_store.id)
    photo = await Photo.get(store_id=their_store.id)
    before = (await Store.get(id=their_store.id)).updated_at

    for method, url in (
        ("GET", f"/stores/{their_store.slug}"),
        ("GET", f"/stores/{their_store.slug}/store.css"),
        ("GET", f"/provider/store/case-studies/{study.id}"),
        ("POST", f"/provider/store/case-studies/{study.id}"),
        ("POST", f"/provider/store/case-studies/{study.id}/remove"),
        ("GET", f"/provider/store/photos/{photo.id}/remove"),
        ("POST", f"/provider/store/photos/{photo.id}/remove"),
        ("GET", f"/api/v1/providers/{their_store.id}"),
        (
            "GET",
            "/provider/team/remove?team_member="
            + str((await ProviderUser.get(user__email="tom@example.org")).id),
        ),
    ):
        response = await ours.request(
            method,
            url,
            data={"title": "x", "body": "y"} if method == "POST" else None,
            headers=SAME_ORIGIN,
        )
        assert response.status_code == 404, (method, url, response.status_code)
        assert "Secret" not in response.text
    assert await CaseStudy.exists(id=study.id) and await Photo.exists(id=photo.id)
    assert (await Store.get(id=their_store.id)).updated_at == before
    assert (await client_for(riverbend).get(f"/stores/{our_store.slug}")).status_code == 404


async def test_people_outside_a_providers_team_have_no_console(app, client_for):
    tenant = await make_tenant()
    await make_member(tenant, ["council_admin"], email="admin@example.org")
    client = client_for(tenant)
    assert (await client.get("/provider")).headers["location"].startswith("/sign-in")
    await sign_in(client, "admin@example.org")
    for url in ("/provider", "/provider/store", "/provider/team", "/provider/store/photos"):
        response = await client.get(url)
        assert response.status_code == 403 and "You do not have a store here" in text(response)
    assert (await post(client, "/provider/status", status="live")).status_code == 403


# --- The API --------------------------------------------------------------------------------


async def test_the_providers_api_shows_what_the_website_shows(app, client_for):
    tenant = await make_tenant()
    first_client, first = await joined(client_for, tenant)
    second_client, second = await joined(
        client_for, tenant, email="b@example.org", organisation="Bee Care"
    )
    _, draft = await joined(client_for, tenant, email="c@example.org", organisation="Draft Care")
    await live_store(first_client, first)
    await live_store(second_client, second)
    await post(first_client, "/provider/store/case-studies/new", title="Story", body="Told.")
    await post(first_client, "/provider/store/branding", brand_colour="#1d5c8c", action="save")
    anonymous = client_for(tenant)

    page = (await anonymous.get("/api/v1/providers?limit=1")).json()
    rest = (await anonymous.get(page["next"])).json()

    ids = [item["id"] for item in page["items"] + rest["items"]]
    assert sorted(ids) == sorted([str(first.id), str(second.id)])
    assert rest["next"] is None or (await anonymous.get(rest["next"])).json()["items"] == []
    one = (await anonymous.get(f"/api/v1/providers/{first.id}")).json()
    assert one["name"] == "Riverside Home Care" and one["url"] == f"/stores/{first.slug}"
    assert one["contact"]["phone"] == "01632 960001" and one["brand_colour"] == "#1d5c8c"
    assert [c["title"] for c in one["case_studies"]] == ["Story"]
    assert one["public"] and not one["accredited"]
    missing = await anonymous.get(f"/api/v1/providers/{draft.id}")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    bad = await anonymous.get("/api/v1/providers?limit=0&cursor=nope")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"limit", "cursor"}

    client, secret = await create_client_as_operator(tenant, "Council CRM", ["catalogue:read"])
    token = (
        await anonymous.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, secret),
        )
    ).json()["access_token"]
    seen = await anonymous.get(
        f"/api/v1/providers/{draft.id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert seen.status_code == 200 and seen.json()["status"] == "draft"
    assert not seen.json()["public"]
    document = (await anonymous.get("/api/v1/openapi.json")).json()
    assert {"/providers", "/providers/{store_id}"} <= set(document["paths"])
