"""The catalogue: providers add services (areas with their own prices, private audiences,
free community services, photos), publish and pause them; councils add categories that
budgets treat as their parent; the services API filters and never crosses councils."""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
from PIL import Image

from core.accreditation.models import Accreditation, AccreditationStatus
from core.audit.models import AuditEvent
from core.budgets.categories import HEALTH_ELIGIBLE
from core.clock import utcnow
from core.errors import InvalidInput
from core.identity.actor import Actor
from core.identity.models import Invitation, InvitationPurpose
from core.ledger.errors import FundingRestricted
from core.ledger.holds import place_hold
from core.marketplace import catalogue
from core.marketplace.catalogue import AreaSpec, ServiceSpec, check_spec
from core.marketplace.categories import category_label_for, kinds_of_service
from core.marketplace.districts import district_or_none, known_district
from core.marketplace.models import (
    Photo,
    PrivateAudience,
    Provider,
    ProviderRole,
    ProviderUser,
    PublishStatus,
    Review,
    Service,
    ServiceArea,
    ServiceCategory,
    Store,
    Unit,
    Visibility,
)
from tests.factories import make_tenant
from tests.support.api import bearer_headers
from tests.support.budgets import funded_budget, one_off
from tests.support.members import SAME_ORIGIN, make_member, sign_in

PROBLEMS = "https://carepurse.example/problems/"


# --- helpers ----------------------------------------------------------------------------


async def provider_with_store(tenant, name="Kind Hands Care", slug="kind-hands", **store):
    provider = await Provider.create(name=name)
    values = {"status": PublishStatus.LIVE, "phone": "020 7946 0000"} | store
    shop = await Store.create(tenant=tenant, provider=provider, name=name, slug=slug, **values)
    return provider, shop


async def team_member(tenant, provider, role="owner", **member):
    """Someone in the provider's team here (a manager or staff has accepted an invitation)."""
    someone = await make_member(tenant, [f"provider_{role}"], **member)
    await ProviderUser.create(provider=provider, user=someone.user, role=ProviderRole(role))
    if role != "owner":
        await Invitation.create(
            tenant=tenant,
            email=someone.user.email,
            purpose=InvitationPurpose.COUNCIL,
            roles=[f"provider_{role}"],
            token_hash=uuid.uuid4().hex,
            expires_at=utcnow() + timedelta(days=7),
            accepted_at=utcnow(),
            accepted_by=someone.user,
        )
    return someone


async def signed_in(client_for, tenant, member):
    client = client_for(tenant)
    response = await sign_in(client, member.user.email)
    assert response.status_code == 303, response.text
    return client


def service_form(**changes: str) -> dict[str, str]:
    form = {
        "title": "Help at home",
        "description": "Washing, dressing and getting breakfast.\n\nWe stay as long as you need.",
        "category": "personal-care",
        "unit": "hour",
        "price": "20.00",
        "vat_treatment": "exempt",
        "minimum_units": "2",
        "takes_bookings": "yes",
        "day-mon": "yes",
        "mon-from": "09:00",
        "mon-to": "17:00",
        "day-sat": "yes",
        "sat-from": "10:00",
        "sat-to": "13:00",
        "areas": "HA1\nHA2 24.50",
        "visibility": "public",
        "audience": "",
    }
    form.update(changes)
    return form


async def add(client, **changes) -> Service:
    response = await client.post(
        "/provider/services/new", data=service_form(**changes), headers=SAME_ORIGIN
    )
    assert response.status_code == 303, response.text
    service_id = re.search(r"/provider/services/([0-9a-f-]{36})", response.headers["location"])
    return await Service.get(id=service_id.group(1))


async def publish(client, service, action="publish"):
    return await client.post(
        f"/provider/services/{service.id}/status", data={"action": action}, headers=SAME_ORIGIN
    )


def png(width=640, height=480, colour=(40, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- building a store ------------------------------------------------------------------


async def test_a_provider_builds_a_store_with_two_services_one_priced_otherwise_in_another_district(
    app, client_for
):
    tenant = await make_tenant()
    provider, store = await provider_with_store(tenant)
    owner = await team_member(tenant, provider, name="Olga Owner")
    client = await signed_in(client_for, tenant, owner)

    form = await client.get("/provider/services/new")
    assert form.status_code == 200 and form.text.count("<h1") == 1
    care = await add(client)
    club = await add(
        client,
        title="Swimming club",
        category="leisure",
        unit="session",
        price="8",
        areas="HA1",
        **{"day-mon": "", "day-sat": ""},
    )
    assert care.status == PublishStatus.DRAFT and care.store_id == store.id
    assert care.unit_price_pence == 2_000 and care.minimum_units == 2
    assert care.availability == {"mon": ["09:00-17:00"], "sat": ["10:00-13:00"]}
    areas = {a.district: a.price_pence for a in await ServiceArea.filter(service_id=care.id)}
    assert areas == {"HA1": None, "HA2": 2_450}
    assert club.availability == {} and club.unit == Unit.SESSION

    # Drafts are the team's only.
    visitor = client_for(tenant)
    assert (await visitor.get(f"/services/{care.id}")).status_code == 404
    for service in (care, club):
        assert (await publish(client, service)).status_code == 303
    listing = await client.get("/provider/services")
    assert listing.text.count(">Live<") == 2
    assert "Help at home" in listing.text and "Swimming club" in listing.text

    # The public page: the price where the visitor lives.
    page = await visitor.get(f"/services/{care.id}")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    words = text_of(page.text)
    assert "£20.00 an hour" in words and "HA2: £24.50 an hour" in words
    assert "Monday: 09:00 to 17:00" in words and "Saturday: 10:00 to 13:00" in words
    assert "2 hours" in words and "No VAT: exempt as a welfare service" in words
    assert "No reviews yet" in words and 'href="/stores/kind-hands"' in page.text
    there = text_of((await visitor.get(f"/services/{care.id}?postcode=ha2+7ab")).text)
    assert "£24.50 an hour in HA2" in there
    home = text_of((await visitor.get(f"/services/{care.id}?postcode=HA1")).text)
    assert "£20.00 an hour in HA1" in home
    elsewhere = text_of((await visitor.get(f"/services/{club.id}?postcode=HA2 1AA")).text)
    assert "Not offered in HA2" in elsewhere
    unknown = await visitor.get(f"/services/{care.id}?postcode=HA99")
    assert unknown.status_code == 400 and "HA99 is not a postcode district" in unknown.text
    nonsense = await visitor.get(f"/services/{care.id}?postcode=banana")
    assert "We do not recognise that postcode" in nonsense.text

    # Every change was audited.
    changes = await AuditEvent.filter(tenant_id=tenant.id, action="service_changed").count()
    assert changes == 4  # two added, two published


async def test_editing_keeps_the_form_and_replaces_areas(app, client_for):
    tenant = await make_tenant()
    provider, _ = await provider_with_store(tenant)
    manager = await team_member(tenant, provider, "manager")
    client = await signed_in(client_for, tenant, manager)
    care = await add(client)

    page = await client.get(f"/provider/services/{care.id}")
    assert page.status_code == 200
    assert "HA1\nHA2 24.50</textarea>" in page.text
    assert 'id="mon-from" name="mon-from" type="text" spellcheck="false" value="09:00"' in page.text

    changed = await client.post(
        f"/provider/services/{care.id}",
        data=service_form(price="21.00", areas="HA2 7AB 26\nHA3", **{"day-sat": ""}),
        headers=SAME_ORIGIN,
    )
    assert changed.status_code == 303
    await care.refresh_from_db()
    assert care.unit_price_pence == 2_100 and care.availability == {"mon": ["09:00-17:00"]}
    areas = {a.district: a.price_pence for a in await ServiceArea.filter(service_id=care.id)}
    assert areas == {"HA2": 2_600, "HA3": None}


# --- validation --------------------------------------------------------------------------


async def test_every_bad_field_is_named_in_plain_words(app, client_for):
    tenant = await make_tenant()
    provider, _ = await provider_with_store(tenant)
    owner = await team_member(tenant, provider)
    client = await signed_in(client_for, tenant, owner)

    response = await client.post(
        "/provider/services/new",
        data=service_form(
            title="  ",
            description="",
            category="horse-riding",
            unit="fortnight",
            price="-5",
            vat_treatment="maybe",
            minimum_units="0",
            areas="HA99\nXYZ\nHA1 -3\nHA1",
            audience="nobody@example.org",
            visibility="private",
            **{"mon-from": "25:00"},
        ),
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 400
    words = text_of(response.text)
    for message in (
        "Enter the name of the service",
        "Describe the service in a few plain sentences",
        "Choose the kind of service from the list",
        "Choose what the price is for",
        "The price must be £0 or more",
        "Choose how VAT applies to the price",
        "Enter the smallest booking as a whole number from 1 to 1000",
        "Monday: enter times like 09:00 to 17:00",
        "HA99 is not a postcode district",
        "XYZ is not a postcode district",
        "The price in HA1 must be £0 or more",
        "No one with the email nobody@example.org uses this council's site",
    ):
        assert message in words, message
    assert 'href="#areas"' in response.text and 'href="#price"' in response.text
    assert await Service.all().count() == 0

    fraction = await client.post(
        "/provider/services/new", data=service_form(price="12.505"), headers=SAME_ORIGIN
    )
    assert "The price must be in pounds and whole pence" in text_of(fraction.text)
    words_price = await client.post(
        "/provider/services/new", data=service_form(price="twelve"), headers=SAME_ORIGIN
    )
    assert "Enter the price in pounds, like 12.50" in text_of(words_price.text)
    backwards = await client.post(
        "/provider/services/new",
        data=service_form(**{"mon-from": "17:00", "mon-to": "09:00"}),
        headers=SAME_ORIGIN,
    )
    assert "Monday: the finish time must be after the start time" in text_of(backwards.text)
    no_areas = await client.post(
        "/provider/services/new", data=service_form(areas=""), headers=SAME_ORIGIN
    )
    assert "Enter at least one postcode district" in text_of(no_areas.text)
    assert await Service.all().count() == 0


async def test_the_rules_behind_the_form(app):
    tenant = await make_tenant()
    other = await make_tenant()
    elsewhere = await make_member(other, ["person"], email="far@example.org")

    def spec(**changes) -> ServiceSpec:
        values = {
            "title": "Gardening",
            "description": "We mow and weed.",
            "category": "household",
            "unit": "hour",
            "price": 1_500,
            "areas": [AreaSpec("ha1")],
        } | changes
        return ServiceSpec(**values)

    checked = await check_spec(tenant.id, spec(areas=[AreaSpec("HA1 2AB", 1_500)]))
    assert checked.areas == {"HA1": None}  # the same as the service's price: no override
    for price, message in (
        (-1, "The price must be £0 or more"),
        (10_000_001, "The price must be £100,000.00 or less"),
        ("1.001", "whole pence"),
        ("£1,250.5", None),
    ):
        if message is None:
            assert (await check_spec(tenant.id, spec(price=price))).values[
                "unit_price_pence"
            ] == 125_050
            continue
        with pytest.raises(InvalidInput) as refused:
            await check_spec(tenant.id, spec(price=price))
        assert any(message in p.message for p in refused.value.problems if p.field == "price")
    with pytest.raises(InvalidInput) as refused:
        await check_spec(
            tenant.id,
            spec(
                availability={"mon": ["09:00-12:00", "11:00-13:00"], "funday": ["09:00-10:00"]},
                audience=[elsewhere.user.email, "not-an-email"],
            ),
        )
    messages = [p.message for p in refused.value.problems]
    assert "Monday: the times overlap" in messages
    assert any("'funday' is not a day" in m for m in messages)
    # Someone in another council is "no one" here: nothing more is given away.
    assert "No one with the email far@example.org uses this council's site" in messages
    assert "not-an-email is not an email address" in messages

    assert known_district("HA9") and not known_district("HA99") and not known_district("AA1")
    assert district_or_none("w1a 1aa") == "W1A" and district_or_none("QA1") is None


# --- who sees what ------------------------------------------------------------------------


async def test_private_services_are_seen_only_by_the_people_named(app, client_for):
    tenant = await make_tenant()
    provider, _ = await provider_with_store(tenant)
    owner = await team_member(tenant, provider)
    client = await signed_in(client_for, tenant, owner)
    client_person = await make_member(tenant, ["person"], email="cara@example.org")
    stranger = await make_member(tenant, ["person"], email="stan@example.org")
    broker = await make_member(tenant, ["broker"], email="bob.broker@example.org")

    private = await add(
        client,
        title="Evening visits for existing clients",
        visibility="private",
        audience="Cara@Example.org\nbob.broker@example.org",
    )
    assert (await publish(client, private)).status_code == 303
    named = set(
        await PrivateAudience.filter(service_id=private.id).values_list("membership_id", flat=True)
    )
    assert named == {client_person.id, broker.id}
    edit = await client.get(f"/provider/services/{private.id}")
    assert "cara@example.org" in edit.text and "bob.broker@example.org" in edit.text

    assert (await client_for(tenant).get(f"/services/{private.id}")).status_code == 404
    stranger_client = await signed_in(client_for, tenant, stranger)
    assert (await stranger_client.get(f"/services/{private.id}")).status_code == 404
    for member in (client_person, broker):
        seen = await (await signed_in(client_for, tenant, member)).get(f"/services/{private.id}")
        assert seen.status_code == 200 and ">Private<" in seen.text
    # The provider's own team sees it too, and is told who cannot.
    team_view = await client.get(f"/services/{private.id}")
    assert team_view.status_code == 200

    # A partner system reading the catalogue is nobody named.
    reader = client_for(tenant)
    headers = await bearer_headers(reader, tenant, ["catalogue:read"])
    listed = await reader.get("/api/v1/services", headers=headers)
    assert listed.json()["items"] == []
    assert (await reader.get(f"/api/v1/services/{private.id}", headers=headers)).status_code == 404


async def test_a_free_community_service_says_contact_the_provider(app, client_for):
    tenant = await make_tenant()
    provider, _ = await provider_with_store(
        tenant, "Riverside Lunch Club", "riverside", email="hello@riverside.example"
    )
    owner = await team_member(tenant, provider)
    client = await signed_in(client_for, tenant, owner)
    lunch = await add(
        client,
        title="Friday lunch club",
        category="day-opportunities",
        unit="session",
        price="0",
        takes_bookings="no",
        minimum_units="1",
    )
    assert lunch.unit_price_pence == 0 and lunch.takes_bookings is False
    await publish(client, lunch)

    page = await client_for(tenant).get(f"/services/{lunch.id}")
    words = text_of(page.text)
    assert ">Free<" in page.text and "Contact the provider" in words
    assert "takes no bookings on this website" in words
    assert 'href="tel:02079460000"' in page.text and "hello@riverside.example" in words
    assert "No minimum" in words
    [card] = await catalogue.cards_for(tenant.id, [lunch], _open_policy())
    assert card.free and card.price_words == "Free"


def _open_policy():
    from core.accreditation.policy import AccreditationPolicy

    return AccreditationPolicy()


async def test_status_changes_and_who_may_make_them(app, client_for):
    tenant = await make_tenant()
    provider, store = await provider_with_store(tenant)
    owner = await team_member(tenant, provider)
    staff = await team_member(tenant, provider, "staff", name="Sid Staff")
    client = await signed_in(client_for, tenant, owner)
    care = await add(client)

    assert (await publish(client, care, "pause")).status_code == 409  # a draft is not live
    assert (await publish(client, care)).status_code == 303
    again = await publish(client, care)
    assert again.status_code == 409 and "already live" in again.text
    assert (await publish(client, care, "pause")).status_code == 303
    await care.refresh_from_db()
    assert care.status == PublishStatus.PAUSED
    assert (await client_for(tenant).get(f"/services/{care.id}")).status_code == 404
    assert (await publish(client, care)).status_code == 303

    # Staff may look but not change.
    staff_client = await signed_in(client_for, tenant, staff)
    page = await staff_client.get(f"/provider/services/{care.id}")
    assert page.status_code == 200 and "Only your organisation's owners and managers" in page.text
    assert (await publish(staff_client, care, "pause")).status_code == 403
    refused = await staff_client.post(
        f"/provider/services/{care.id}", data=service_form(title="Mine"), headers=SAME_ORIGIN
    )
    assert refused.status_code == 403
    assert (await staff_client.get("/provider/services/new")).status_code == 200
    assert "You cannot add services here" in (await staff_client.get("/provider/services/new")).text

    # Nobody outside the team: another provider here, a person, another council's owner.
    rival, _ = await provider_with_store(tenant, "Rival Care", "rival")
    rival_owner = await team_member(tenant, rival)
    person = await make_member(tenant, ["person"])
    other = await make_tenant()
    far_provider, _ = await provider_with_store(other, "Far Care", "far")
    far_owner = await team_member(other, far_provider)
    for member, council in ((rival_owner, tenant), (person, tenant), (far_owner, other)):
        outsider = await signed_in(client_for, council, member)
        assert (await outsider.get(f"/provider/services/{care.id}")).status_code == 404
        assert (await publish(outsider, care, "pause")).status_code == 404
    await care.refresh_from_db()
    assert care.status == PublishStatus.LIVE

    # A service with no areas (say, made by an import) cannot be published.
    bare = await Service.create(
        tenant_id=tenant.id, store=store, title="Bare", category="leisure", unit=Unit.ITEM,
        unit_price_pence=100,
    )  # fmt: skip
    refused = await publish(client, bare)
    assert refused.status_code == 400
    assert "Enter at least one postcode district before publishing" in text_of(refused.text)


async def test_the_service_page_shows_rating_and_the_councils_badge(app, client_for):
    tenant = await make_tenant()
    provider, _ = await provider_with_store(tenant)
    owner = await team_member(tenant, provider)
    client = await signed_in(client_for, tenant, owner)
    care = await add(client)
    await publish(client, care)
    for rating in (4, 5):
        author = await make_member(tenant, ["person"])
        await Review.create(tenant_id=tenant.id, service=care, author=author, rating=rating)
    await Accreditation.create(
        tenant=tenant, provider=provider, status=AccreditationStatus.ACCREDITED
    )
    words = text_of((await client_for(tenant).get(f"/services/{care.id}")).text)
    assert "4.5 out of 5 (2 reviews)" in words and "Council approved" in words


# --- categories --------------------------------------------------------------------------


async def test_council_categories_count_as_their_parent_for_budgets(app, client_for):
    tenant = await make_tenant()
    officer = await make_member(tenant, ["council_officer"])
    client = await signed_in(client_for, tenant, officer)
    page = await client.get("/council/categories")
    assert page.status_code == 200 and "Personal care at home" in page.text

    bad = await client.post(
        "/council/categories",
        data={"label": "", "code": "therapy", "parent_code": "", "taxonomy": "esdServiceTypes"},
        headers=SAME_ORIGIN,
    )
    words = text_of(bad.text)
    assert bad.status_code == 400
    assert "Enter a name of up to 120 characters" in words
    assert "That code is a standard category's" in words
    assert "Choose the standard category it comes under" in words
    assert "Enter both the Open Referral taxonomy and the term id, or neither" in words

    for label, code, parent, taxonomy, term in (
        ("Hydrotherapy", "hydrotherapy", "therapy", "esdServiceTypes", "1234"),
        ("Cafe club", "cafe-club", "leisure", "", ""),
    ):
        added = await client.post(
            "/council/categories",
            data={
                "label": label,
                "code": code,
                "parent_code": parent,
                "taxonomy": taxonomy,
                "term_id": term,
            },
            headers=SAME_ORIGIN,
        )
        assert added.status_code == 303
    again = await client.post(
        "/council/categories",
        data={"label": "Again", "code": "hydrotherapy", "parent_code": "therapy"},
        headers=SAME_ORIGIN,
    )
    assert "The council already has a category with this code" in text_of(again.text)
    row = await ServiceCategory.get(tenant_id=tenant.id, code="hydrotherapy")
    assert (row.parent_code, row.taxonomy, row.term_id) == ("therapy", "esdServiceTypes", "1234")
    assert await category_label_for(tenant.id, "hydrotherapy") == "Hydrotherapy"
    kinds = [k.code for k in await kinds_of_service(tenant.id)]
    assert kinds.index("hydrotherapy") == kinds.index("therapy") + 1
    assert await AuditEvent.filter(tenant_id=tenant.id, action="category_added").count() == 2

    # NHS money pays for health categories only: hydrotherapy counts as therapy.
    budget = await funded_budget(
        tenant, one_off(50_000, "nhs-chc", allowed_categories=list(HEALTH_ELIGIBLE))
    )
    hold = await place_hold(budget, 1_000, "hydrotherapy", "Pool session", "test")
    assert hold.category == "hydrotherapy"
    with pytest.raises(FundingRestricted) as refused:
        await place_hold(budget, 1_000, "cafe-club", "Cafe", "test")
    assert "may not be spent on cafe club" in str(refused.value)
    # Another council's category means nothing here.
    other = await make_tenant()
    await ServiceCategory.create(tenant=other, code="far-only", label="Far", parent_code="therapy")
    with pytest.raises(InvalidInput):
        await place_hold(budget, 1_000, "far-only", "Far", "test")

    # Providers file services under it.
    provider, _ = await provider_with_store(tenant)
    owner = await team_member(tenant, provider)
    provider_client = await signed_in(client_for, tenant, owner)
    form = await provider_client.get("/provider/services/new")
    assert '<optgroup label="Therapy">' in form.text and 'value="hydrotherapy"' in form.text
    pool = await add(provider_client, title="Pool therapy", category="hydrotherapy")
    await publish(provider_client, pool)
    assert "Hydrotherapy" in text_of((await provider_client.get(f"/services/{pool.id}")).text)

    # Only market officers add categories.
    person = await signed_in(client_for, tenant, await make_member(tenant, ["person"]))
    assert (await person.get("/council/categories")).status_code == 403
    assert (
        await person.post(
            "/council/categories",
            data={"label": "X", "code": "x", "parent_code": "leisure"},
            headers=SAME_ORIGIN,
        )
    ).status_code == 403


# --- photos --------------------------------------------------------------------------


async def test_photos_are_resized_described_and_limited(app, client_for):
    tenant = await make_tenant()
    provider, _ = await provider_with_store(tenant)
    owner = await team_member(tenant, provider)
    client = await signed_in(client_for, tenant, owner)
    care = await add(client)
    storage = app.state.runtime.storage
    url = f"/provider/services/{care.id}/photos"

    def upload(data=None, alt="A carer and a man laughing over tea", name="tea.png"):
        files = {"photo": (name, data if data is not None else png(2400, 1800), "image/png")}
        return client.post(url, data={"alt_text": alt}, files=files, headers=SAME_ORIGIN)

    no_alt = await upload(alt=" ")
    assert no_alt.status_code == 400
    assert "Describe the photo for people who cannot see it" in text_of(no_alt.text)
    not_photo = await upload(b"%PDF-1.4 not a picture", name="cv.pdf")
    assert not_photo.status_code == 400 and "JPEG, PNG or WebP" in not_photo.text
    too_big = await upload(b"\x89PNG" + b"0" * 5_000_001)
    assert "5 MB or smaller" in text_of(too_big.text)
    assert await Photo.all().count() == 0

    added = await upload()
    assert added.status_code == 303
    photo = await Photo.get(service_id=care.id)
    assert photo.alt_text == "A carer and a man laughing over tea"
    full = await storage.get(tenant.id, photo.key)
    thumb = await storage.get(tenant.id, photo.thumbnail_key)
    with Image.open(io.BytesIO(full.data)) as picture:
        assert picture.format == "JPEG" and max(picture.size) <= 1600
    with Image.open(io.BytesIO(thumb.data)) as picture:
        assert picture.width <= 400
    # Public files: the page shows the thumbnail with its description, /media serves it.
    await publish(client, care)
    page = await client_for(tenant).get(f"/services/{care.id}")
    thumb_url = catalogue.media_url(photo.thumbnail_key)
    assert f'src="{thumb_url}" alt="A carer and a man laughing over tea"' in page.text
    assert (await client_for(tenant).get(thumb_url)).status_code == 200

    for _ in range(catalogue.MAX_PHOTOS - 1):
        assert (await upload(png(300, 200))).status_code == 303
    full_up = await upload(png(300, 200))
    assert full_up.status_code == 400 and "up to 6 photos" in text_of(full_up.text)

    removed = await client.post(
        f"/provider/services/{care.id}/photos/{photo.id}/delete", headers=SAME_ORIGIN
    )
    assert removed.status_code == 303
    assert await Photo.filter(service_id=care.id).count() == catalogue.MAX_PHOTOS - 1
    assert photo.key not in await storage.list(tenant.id, "public/catalogue/")


# --- the API ----------------------------------------------------------------------------


async def _catalogue(app, client_for):
    """A council with two providers' live services, and a reader's token."""
    tenant = await make_tenant()
    provider, store = await provider_with_store(tenant)
    owner = await team_member(tenant, provider)
    client = await signed_in(client_for, tenant, owner)
    care = await add(client)  # HA1 £20, HA2 £24.50
    club = await add(
        client, title="Swimming club", category="leisure", unit="session", price="8", areas="HA1"
    )
    second, _ = await provider_with_store(tenant, "Riverside", "riverside")
    second_owner = await team_member(tenant, second)
    second_client = await signed_in(client_for, tenant, second_owner)
    await ServiceCategory.create(
        tenant=tenant, code="cafe-club", label="Cafe club", parent_code="leisure"
    )
    cafe = await add(
        second_client,
        title="Cafe club",
        category="cafe-club",
        unit="session",
        price="0",
        areas="HA2",
        takes_bookings="no",
    )
    draft = await add(client, title="Draft thing")
    for service, by in ((care, client), (club, client), (cafe, second_client)):
        await publish(by, service)
    reader = client_for(tenant)
    reader.headers.update(await bearer_headers(reader, tenant, ["catalogue:read"]))
    return tenant, store, (care, club, cafe, draft), reader, client


async def test_the_services_api_filters(app, client_for):
    _tenant, store, (care, _club, _cafe, draft), reader, owner_client = await _catalogue(
        app, client_for
    )

    async def titles(**params):
        response = await reader.get("/api/v1/services", params=params)
        assert response.status_code == 200, response.text
        return sorted(item["title"] for item in response.json()["items"])

    assert await titles() == ["Cafe club", "Help at home", "Swimming club"]
    assert await titles(q="swim") == ["Swimming club"]
    assert await titles(category="leisure") == ["Cafe club", "Swimming club"]
    assert await titles(category="cafe-club") == ["Cafe club"]
    assert await titles(free="true") == ["Cafe club"]
    assert await titles(free="false") == ["Help at home", "Swimming club"]
    assert await titles(postcode="HA2 7AB") == ["Cafe club", "Help at home"]
    assert await titles(postcode="HA2", min_price_pence="2400") == ["Help at home"]
    assert await titles(max_price_pence="1999") == ["Cafe club", "Swimming club"]
    assert await titles(store_id=str(store.id)) == ["Help at home", "Swimming club"]

    in_ha2 = (await reader.get("/api/v1/services", params={"postcode": "ha2"})).json()["items"]
    prices = {item["title"]: item["price_pence"] for item in in_ha2}
    assert prices == {"Help at home": 2_450, "Cafe club": 0}
    item = next(i for i in in_ha2 if i["title"] == "Help at home")
    assert item["unit_price_pence"] == 2_000 and item["district"] == "HA2"
    assert {(a["district"], a["price_pence"]) for a in item["areas"]} == {
        ("HA1", None),
        ("HA2", 2_450),
    }
    assert item["audience"] is None and item["status"] == "live"
    cafe_item = next(i for i in in_ha2 if i["title"] == "Cafe club")
    assert cafe_item["free"] and cafe_item["takes_bookings"] is False
    assert cafe_item["category_label"] == "Cafe club"

    # Paging by cursor.
    first = (await reader.get("/api/v1/services", params={"limit": "2"})).json()
    assert len(first["items"]) == 2 and first["next"]
    rest = (await reader.get(first["next"])).json()
    assert len(rest["items"]) == 1 and rest["next"] is None

    # The store's own team sees its drafts with store_id.
    mine = await owner_client.get("/api/v1/services", params={"store_id": str(store.id)})
    assert sorted(i["title"] for i in mine.json()["items"]) == [
        "Draft thing",
        "Help at home",
        "Swimming club",
    ]
    drafts = await owner_client.get(
        "/api/v1/services", params={"store_id": str(store.id), "status": "draft"}
    )
    assert [i["title"] for i in drafts.json()["items"]] == ["Draft thing"]

    # Bad queries name their field.
    bad = await reader.get(
        "/api/v1/services",
        params={"postcode": "HA99", "min_price_pence": "-1", "free": "maybe", "category": "x"},
    )
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")
    problems = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert problems["postcode"] == "HA99 is not a postcode district"
    assert set(problems) == {"postcode", "min_price_pence", "free", "category"}

    one = await reader.get(f"/api/v1/services/{care.id}", params={"postcode": "HA2"})
    assert one.status_code == 200 and one.json()["price_pence"] == 2_450
    assert (await reader.get(f"/api/v1/services/{draft.id}")).status_code == 404


async def test_the_services_api_never_crosses_councils(app, client_for):
    tenant, _, (care, *_), reader, _ = await _catalogue(app, client_for)
    other = await make_tenant()
    far = client_for(other)
    far.headers.update(await bearer_headers(far, other, ["catalogue:read", "catalogue:write"]))
    missing = await far.get(f"/api/v1/services/{care.id}")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert (await far.get("/api/v1/services")).json()["items"] == []
    patched = await far.patch(f"/api/v1/services/{care.id}", json={"title": "Taken over"})
    assert patched.status_code == 404
    await care.refresh_from_db()
    assert care.title == "Help at home"
    assert (await reader.get("/api/v1/services/not-a-uuid")).status_code == 404
    nobody = client_for(tenant)
    assert (await nobody.get("/api/v1/services")).status_code == 401


async def test_council_systems_and_store_owners_write_through_the_api(app, client_for):
    tenant, store, (care, *_), reader, owner_client = await _catalogue(app, client_for)
    writer = client_for(tenant)
    writer.headers.update(await bearer_headers(writer, tenant, ["catalogue:write"]))
    body = {
        "store_id": str(store.id),
        "title": "Overnight sitting",
        "description": "Someone awake in your home overnight.",
        "category": "respite",
        "unit": "day",
        "unit_price_pence": 12_000,
        "availability": {"fri": ["20:00-24:00"]},
        "areas": [{"district": "HA1"}, {"district": "HA3 1AB", "price_pence": 13_000}],
    }
    created = await writer.post("/api/v1/services", json=body)
    assert created.status_code == 201, created.text
    made = created.json()
    assert made["status"] == "draft" and made["audience"] == []
    assert created.headers["location"] == f"/api/v1/services/{made['id']}"
    assert {(a["district"], a["price_pence"]) for a in made["areas"]} == {
        ("HA1", None),
        ("HA3", 13_000),
    }
    live = await writer.patch(f"/api/v1/services/{made['id']}", json={"status": "live"})
    assert live.status_code == 200 and live.json()["status"] == "live"
    again = await writer.patch(f"/api/v1/services/{made['id']}", json={"status": "live"})
    assert again.status_code == 200  # already live: nothing to do
    cheaper = await writer.patch(
        f"/api/v1/services/{made['id']}", json={"unit_price_pence": 11_000}
    )
    assert cheaper.json()["unit_price_pence"] == 11_000
    assert len(cheaper.json()["areas"]) == 2  # untouched

    # Money is whole pence, never rounded; every problem names its field.
    fraction = await writer.post("/api/v1/services", json=body | {"unit_price_pence": 12.5})
    assert fraction.status_code == 400
    assert fraction.json()["errors"][0]["field"] == "unit_price_pence"
    negative = await writer.post(
        "/api/v1/services",
        json=body | {"unit_price_pence": -1, "areas": [{"district": "HA99"}]},
    )
    assert negative.status_code == 422
    fields = {e["field"]: e["message"] for e in negative.json()["errors"]}
    assert fields == {
        "unit_price_pence": "The price must be £0 or more",
        "areas": "HA99 is not a postcode district",
    }
    other = await make_tenant()
    _, far_store = await provider_with_store(other, "Far", "far")
    elsewhere = await writer.post("/api/v1/services", json=body | {"store_id": str(far_store.id)})
    assert elsewhere.status_code == 422 and elsewhere.json()["errors"][0]["field"] == "store_id"
    extra = await writer.post("/api/v1/services", json=body | {"price": 5})
    assert extra.status_code == 400 and extra.json()["errors"][0]["field"] == "price"

    # A reader may not write.
    refused = await reader.post("/api/v1/services", json=body)
    assert refused.status_code == 403 and "catalogue:write" in refused.json()["detail"]
    assert (await reader.patch(f"/api/v1/services/{care.id}", json={})).status_code == 403

    # The store's owner writes with their session; its staff may not.
    own = await owner_client.post(
        "/api/v1/services", json=body | {"title": "By the owner"}, headers=SAME_ORIGIN
    )
    assert own.status_code == 201
    staff = await team_member(tenant, await store.provider, "staff")
    staff_client = await signed_in(client_for, tenant, staff)
    denied = await staff_client.post("/api/v1/services", json=body, headers=SAME_ORIGIN)
    assert denied.status_code == 403
    paused = await owner_client.patch(
        f"/api/v1/services/{care.id}", json={"status": "paused"}, headers=SAME_ORIGIN
    )
    assert paused.json()["status"] == "paused"


async def test_the_openapi_document_describes_the_services_api(app, client_for):
    tenant = await make_tenant()
    document = (await client_for(tenant).get("/api/v1/openapi.json")).json()
    paths = document["paths"]
    assert set(paths["/services"]) == {"get", "post"}
    assert set(paths["/services/{service_id}"]) == {"get", "patch"}
    assert "ServiceOut" in document["components"]["schemas"]
    assert "NewService" in document["components"]["schemas"]
    names = {p["name"] for p in paths["/services"]["get"]["parameters"]}
    assert {"q", "category", "postcode", "min_price_pence", "free", "store_id"} <= names


async def test_the_catalogue_actor_checks_stand_alone(app):
    """The service layer refuses on its own, whatever the page or API does."""
    tenant = await make_tenant()
    provider, store = await provider_with_store(tenant)
    staff = await team_member(tenant, provider, "staff")
    actor = Actor(tenant=tenant, user=staff.user, membership=staff)
    spec = ServiceSpec(
        title="X",
        description="Y",
        category="leisure",
        unit="item",
        price=0,
        areas=[AreaSpec("HA1")],
        visibility=Visibility.PUBLIC.value,
    )
    from core.identity.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        await catalogue.create_service(actor, store, spec)
    officer = await make_member(tenant, ["council_officer"])
    council = Actor(tenant=tenant, user=officer.user, membership=officer)
    made = await catalogue.create_service(council, store, spec)
    assert made.status == PublishStatus.DRAFT
