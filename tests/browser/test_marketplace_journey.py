"""The marketplace end to end in Chromium, as the people who use it, in a council that
lists only the providers it has accredited ("kitemark").

Two providers sign up through "Register your organisation", fill in their stores, add
services (one priced differently in another postcode district), make them live and
apply for accreditation. A person searching from their postcode finds only the
accredited provider's service; once the council officer has accredited the second
provider too, the person finds both at the right area price, compares them side by
side and, when a search finds nothing, tells the council what was missing.

Only the council, its officer and the person's account are made directly; everything
else happens in the browser. axe checks each kind of page the first time it is seen.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Locator, Page

from core.accreditation.models import Accreditation, AccreditationStatus
from core.clock import uk_today
from core.marketplace.models import PublishStatus, Service, ServiceArea, Store, UnmetNeed
from tests.factories import make_tenant
from tests.functional.accreditation.conftest import PDF
from tests.support.accessibility import assert_accessible
from tests.support.members import PASSWORD, make_member

pytestmark = pytest.mark.browser

COUNCIL = "markshire"
BADGE = "Markshire Approved"
OFFICER = "olu@markshire.example"
PERSON = "pat@example.org"
PERSON_POSTCODE = "ha2 7ab"  # district HA2
OWNER_PASSWORD = "a provider's long passphrase"
NEXT_YEAR = str(uk_today().year + 1)

Window = Callable[[], Awaitable[Page]]


@dataclass(frozen=True)
class Offer:
    """A service as its provider types it into the form."""

    title: str
    description: str
    category: str
    unit: str  # the radio's label: Hour, Session, Day or Week
    price: str
    areas: str  # one district a line, optionally followed by that district's price


@dataclass(frozen=True)
class Organisation:
    name: str
    owner: str
    email: str
    description: str
    phone: str
    offers: tuple[Offer, ...]


KIND_HANDS = Organisation(
    name="Kind Hands Care",
    owner="Olga Owner",
    email="olga@kindhands.example",
    description="Care and activities for adults, across Markshire.\n\nFamily run since 1998.",
    phone="020 7946 0000",
    offers=(
        Offer(
            title="Swimming lessons",
            description="One to one swimming lessons in the leisure centre pool.",
            category="leisure",
            unit="Session",
            price="15.00",
            areas="HA1\nHA2 18.00",  # dearer in HA2
        ),
        Offer(
            title="Help at home",
            description="Washing, dressing and meals, at home.",
            category="personal-care",
            unit="Hour",
            price="22.00",
            areas="HA1\nHA2",
        ),
    ),
)
RIVERSIDE = Organisation(
    name="Riverside Swim Club",
    owner="Rob Owner",
    email="rob@riverside.example",
    description="A friendly swimming club for everyone.",
    phone="020 7946 0001",
    offers=(
        Offer(
            title="Aqua swimming club",
            description="Group swimming, with a helper in the water.",
            category="leisure",
            unit="Session",
            price="9.00",
            areas="HA2",
        ),
    ),
)


# --- Accessibility: once for each kind of page ---------------------------------------------

_checked: set[tuple[str, tuple[str, ...]]] = set()
_ID = re.compile(r"/(?:[0-9a-f-]{8,}|\d+)(?=/|$)")


async def accessible(page: Page) -> None:
    """axe on this page unless a page of the same kind (path and query fields) passed."""
    url = urlsplit(page.url)
    kind = (_ID.sub("/{id}", url.path), tuple(sorted({k for k, _ in parse_qsl(url.query)})))
    if kind not in _checked:
        await assert_accessible(page)
        _checked.add(kind)


async def click_button(page: Page, name: str) -> None:
    await page.get_by_role("button", name=name, exact=True).click()
    await page.wait_for_load_state()
    await accessible(page)


async def follow(page: Page, name: str) -> None:
    await page.get_by_role("link", name=name, exact=True).first.click()
    await page.wait_for_load_state()
    await accessible(page)


async def sign_in(page: Page, site, email: str, password: str = PASSWORD) -> None:
    await page.goto(site(COUNCIL, "/sign-in"))
    await accessible(page)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(lambda url: "/sign-in" not in url)


@pytest_asyncio.fixture
async def window(browser: Browser, db: None) -> AsyncIterator[Window]:
    """``await window()``: a new browser window with its own cookies, for one person."""
    _checked.clear()
    contexts = []

    async def open_window() -> Page:
        context = await browser.new_context(viewport={"width": 1024, "height": 768})
        contexts.append(context)
        return await context.new_page()

    yield open_window
    for context in contexts:
        await context.close()


# --- The provider ----------------------------------------------------------------------


async def to_console(page: Page) -> None:
    """The header's link (the accreditation page's breadcrumb has the same words)."""
    await page.get_by_role("link", name="Provider console").first.click()
    await page.wait_for_url("**/provider")


async def provider_registers(page: Page, site, who: Organisation) -> None:
    await page.goto(site(COUNCIL, "/sign-in"))
    await follow(page, "Register your organisation")
    assert await page.get_by_text("has accredited your organisation").is_visible()
    await page.get_by_label("Name of your organisation").fill(who.name)
    await page.get_by_label("Your full name").fill(who.owner)
    await page.get_by_label("Email address").fill(who.email)
    await page.get_by_label("Choose a password").fill(OWNER_PASSWORD)
    await page.get_by_label("Type the password again").fill(OWNER_PASSWORD)
    await click_button(page, "Register organisation")
    assert page.url.endswith("/provider?joined=1")


async def provider_fills_in_store(page: Page, who: Organisation) -> None:
    await follow(page, "Store details")
    await page.get_by_label("Description").fill(who.description)
    await page.get_by_label("Phone number (optional)").fill(who.phone)
    await page.get_by_label("Listing", exact=True).check()
    await click_button(page, "Save details")
    assert await page.get_by_text("Your store's details are saved.").is_visible()


async def provider_adds_service(page: Page, offer: Offer) -> None:
    await to_console(page)
    await follow(page, "Your services")
    await follow(page, "Add a service")
    await page.get_by_label("Name of the service").fill(offer.title)
    await page.get_by_label("Description").fill(offer.description)
    await page.get_by_label("Kind of service").select_option(offer.category)
    await page.get_by_label(offer.unit, exact=True).check()
    await page.get_by_label("Price", exact=True).fill(offer.price)
    await page.get_by_label("Exempt from VAT").check()
    await page.get_by_label("Yes, people can order it here").check()
    await page.get_by_label("Areas you cover").fill(offer.areas)
    await page.get_by_label("Everyone").check()
    await click_button(page, "Save as a draft")
    assert await page.get_by_text("Service saved as a draft").is_visible()
    await click_button(page, f"Publish {offer.title}")
    assert await page.get_by_text("Service published").is_visible()


async def provider_makes_store_live(page: Page) -> None:
    await to_console(page)
    await click_button(page, "Make your store live")
    assert await page.get_by_text("Your store is live.").is_visible()
    # Live, but hidden until the council accredits the provider.
    assert await page.get_by_text("the council has not accredited this provider yet").is_visible()


async def provider_applies_for_accreditation(page: Page, who: Organisation) -> None:
    await follow(page, "Accreditation")
    assert await page.get_by_text("Not applied yet").is_visible()
    await page.get_by_label("Upload a document").set_input_files(
        {"name": "safeguarding.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    await page.get_by_label("What is the document? (optional)").fill(
        f"{who.name} safeguarding policy"
    )
    await click_button(page, "Apply for accreditation")
    assert await page.get_by_text("Your application has been sent to the council.").is_visible()


async def provider_builds_store_and_applies(page: Page, site, who: Organisation) -> None:
    await provider_registers(page, site, who)
    await provider_fills_in_store(page, who)
    for offer in who.offers:
        await provider_adds_service(page, offer)
    await provider_makes_store_live(page)
    await provider_applies_for_accreditation(page, who)


# --- The council officer -------------------------------------------------------------------


async def officer_accredits(page: Page, who: Organisation) -> None:
    await page.get_by_role("link", name="Council console").click()
    await page.wait_for_load_state()
    await accessible(page)
    await follow(page, "Accreditation")
    await follow(page, who.name)
    await page.get_by_label("Accredit", exact=True).check()
    await page.locator("#expires_on-day").fill("31")
    await page.locator("#expires_on-month").fill("3")
    await page.locator("#expires_on-year").fill(NEXT_YEAR)
    await click_button(page, "Save decision")
    assert await page.get_by_text("The provider is accredited.").is_visible()


# --- The person ----------------------------------------------------------------------------


async def person_searches(page: Page, site, words: str, postcode: str = "") -> None:
    """From the council's home page, as a person types it."""
    await page.goto(site(COUNCIL, "/"))
    await accessible(page)
    await page.get_by_label("What are you looking for?").fill(words)
    await page.get_by_label("Your postcode (optional)").fill(postcode)
    await page.get_by_role("button", name="Search", exact=True).click()
    await page.wait_for_url("**/search?*")
    await accessible(page)


async def person_compares(page: Page, *titles: str) -> None:
    for title in titles:
        await page.get_by_label(f"Compare {title}").check()
    await page.get_by_role("button", name="Compare the services you ticked").click()
    await page.wait_for_url("**/compare?*")
    await accessible(page)
    assert await page.get_by_role("heading", name="Compare services").is_visible()


async def person_tells_the_council(page: Page, details: str) -> None:
    await page.get_by_label("What were you looking for? (optional)").fill(details)
    await page.get_by_role("button", name="Tell the council what you were looking for").click()
    await page.wait_for_url("**/search/needs/thank-you*")
    await accessible(page)
    assert await page.get_by_role("heading", name="Thank you for telling us").is_visible()


def result(page: Page, title: str) -> Locator:
    """The search result card for ``title``."""
    return page.locator(".cp-service-card").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


# --- The journey ---------------------------------------------------------------------------


async def test_providers_are_accredited_then_found_compared_and_a_gap_is_reported(window, site):
    tenant = await make_tenant(
        COUNCIL,
        "Markshire Council",
        plugins={
            "accreditation": {
                "mode": "kitemark",
                "badge_label": BADGE,
                "required_evidence": ["document"],
            }
        },
    )
    await make_member(tenant, ["council_officer"], name="Olu Officer", email=OFFICER)
    await make_member(tenant, ["person"], name="Pat Person", email=PERSON)

    # Riverside Swim Club joins, builds its store and is accredited.
    riverside = await window()
    await provider_builds_store_and_applies(riverside, site, RIVERSIDE)
    officer = await window()
    await sign_in(officer, site, OFFICER)
    await officer_accredits(officer, RIVERSIDE)

    # Kind Hands Care joins, builds its store with two services and applies.
    kind_hands = await window()
    await provider_builds_store_and_applies(kind_hands, site, KIND_HANDS)

    # Before the council accredits Kind Hands, a person in HA2 finds only Riverside.
    person = await window()
    await sign_in(person, site, PERSON)
    await person_searches(person, site, "swimming", PERSON_POSTCODE)
    assert await person.get_by_role("heading", name="1 service found").is_visible()
    assert await result(person, "Aqua swimming club").count() == 1
    assert await result(person, "Swimming lessons").count() == 0
    assert await person.get_by_text("Kind Hands Care").count() == 0

    # The officer accredits Kind Hands, whose console now says everyone can see its store.
    await officer_accredits(officer, KIND_HANDS)
    await to_console(kind_hands)
    assert await kind_hands.get_by_text("Everyone. See your store page").is_visible()

    # Now the same search finds both, at HA2's prices, with the council's badge.
    await person_searches(person, site, "swimming", PERSON_POSTCODE)
    assert await person.get_by_role("heading", name="2 services found").is_visible()
    assert await person.get_by_text("Prices are for HA2 7AB.").is_visible()
    lessons = result(person, "Swimming lessons")
    assert await lessons.get_by_text("£18.00 a session in HA2").is_visible()  # not HA1's £15
    assert await lessons.get_by_text("Kind Hands Care").is_visible()
    assert await lessons.get_by_text(BADGE).is_visible()
    club = result(person, "Aqua swimming club")
    assert await club.get_by_text("£9.00 a session in HA2").is_visible()
    assert await result(person, "Help at home").count() == 0  # not about swimming

    # Side by side, still at HA2's prices.
    await person_compares(person, "Swimming lessons", "Aqua swimming club")
    assert await person.get_by_text("Prices are for HA2 7AB").is_visible()
    assert await person.get_by_role("rowheader", name="Price in HA2").is_visible()
    assert await person.get_by_role("cell", name="£18.00 a session", exact=True).is_visible()
    assert await person.get_by_role("cell", name="£9.00 a session", exact=True).is_visible()
    assert await person.get_by_role("cell", name=BADGE).count() == 2
    await person.get_by_role("link", name="Swimming lessons").click()
    await person.wait_for_url("**/services/*?postcode=HA2")
    await accessible(person)
    assert await person.get_by_text("£18.00 a session in HA2").is_visible()
    await person.go_back()
    await person.get_by_role("link", name="Back to the search results").click()
    await person.wait_for_url("**/search?*")

    # Nothing for horse riding: the person tells the council.
    await person.get_by_label("What are you looking for?").fill("horse riding")
    await person.get_by_role("button", name="Search", exact=True).click()
    await person.wait_for_url("**/search?*")
    assert await person.get_by_role("heading", name="No services found").is_visible()
    await assert_accessible(person)  # same address as the results, but the need form instead
    await person_tells_the_council(person, "Riding for the disabled, on Saturdays")

    # What the browser did is what was stored.
    stores = {s.name: s for s in await Store.filter(tenant_id=tenant.id)}
    assert set(stores) == {"Kind Hands Care", "Riverside Swim Club"}
    assert {s.status for s in stores.values()} == {PublishStatus.LIVE}
    accreditations = await Accreditation.filter(tenant_id=tenant.id)
    assert [a.status for a in accreditations] == [AccreditationStatus.ACCREDITED] * 2
    lessons_row = await Service.get(tenant_id=tenant.id, title="Swimming lessons")
    assert lessons_row.unit_price_pence == 1_500
    areas = {a.district: a.price_pence for a in await ServiceArea.filter(service=lessons_row)}
    assert areas == {"HA1": None, "HA2": 1_800}
    assert await Service.filter(tenant_id=tenant.id, status=PublishStatus.LIVE).count() == 3
    (need,) = await UnmetNeed.filter(tenant_id=tenant.id)
    assert (need.words, need.district) == ("horse riding", "HA2")
    assert need.details == "Riding for the disabled, on Saturdays"
