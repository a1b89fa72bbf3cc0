"""The demo councils' marketplaces: providers, stores, services, reviews, accreditation
and (in Riverbend) a community directory imported from an Open Referral UK feed.

Everything is made through the same services a provider, an officer or an import
uses (joining, store details and colours, the catalogue, applying and deciding,
the directory import), so the demo shows what the real code paths make: their
checks (a colour that fails contrast or an unknown postcode district stops the
seed), their audit events and their emails (read them in the development mailbox).
Reviews are the exception: nothing writes them yet (people will review a service
after ordering it), so they are saved directly.

Riverbend vets in ``open`` mode (everyone is listed; accredited providers get the
"Riverbend Approved" badge); Moorfield uses a ``kitemark`` (only accredited
providers are listed), with one application waiting in its officers' queue.
Districts are real ones (Harrow ``HA``, Leeds ``LS``): the demo councils are made
up, but a search checks that a postcode district can exist.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from core.accreditation import services as accreditation
from core.accreditation.evidence import Registrations, Upload
from core.clock import uk_today
from core.directory import jobs as directory
from core.identity.actor import Actor
from core.identity.models import Membership
from core.identity.operators import add_member_as_operator
from core.marketplace import catalogue, stores
from core.marketplace.models import PublishStatus, Review, Store, StoreTier, Unit, Visibility
from core.marketplace.providers import register_organisation
from core.runtime import Runtime
from tenants.models import Tenant

logger = logging.getLogger(__name__)
ASSETS = Path(__file__).parent / "demo_assets"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
EVERY_DAY = (*WEEKDAYS, "sat", "sun")


def days(names: Sequence[str], *spans: str) -> dict[str, list[str]]:
    """``days(WEEKDAYS, "09:00-17:00")`` -> the catalogue's ``{"mon": ["09:00-17:00"], ...}``."""
    return {name: list(spans) for name in names}


@dataclass(frozen=True)
class DemoService:
    """One catalogue item. ``areas``: postcode district -> that area's own price in pence,
    or ``None`` for the service's own ``price``. ``private_for``: the email addresses of
    the only members who see it. ``reviews``: (author's email, rating 1-5, words)."""

    title: str
    description: str
    category: str
    unit: Unit
    price: int
    areas: Mapping[str, int | None]
    availability: Mapping[str, Sequence[str]] = field(default_factory=dict)
    minimum_units: int = 1
    takes_bookings: bool = True
    private_for: tuple[str, ...] = ()
    reviews: tuple[tuple[str, int, str], ...] = ()


@dataclass(frozen=True)
class DemoEvidence:
    """What a provider sends with its application: registrations as typed on the form
    (dates are set from the day the demo is seeded) and documents from ``demo_assets``."""

    cqc_location_id: str = ""
    dbs_certificate_number: str = ""
    dbs_holder_name: str = ""
    insurance_policy: str = ""
    other_name: str = ""
    other_reference: str = ""
    documents: tuple[tuple[str, str], ...] = ()  # (file in demo_assets, title)
    note: str = ""

    def registrations(self, today: date) -> Registrations:
        return Registrations(
            cqc_location_id=self.cqc_location_id,
            dbs_certificate_number=self.dbs_certificate_number,
            dbs_holder_name=self.dbs_holder_name,
            insurance_policy=self.insurance_policy,
            insurance_expires_on=today + timedelta(days=300) if self.insurance_policy else None,
            other_name=self.other_name,
            other_reference=self.other_reference,
        )


@dataclass(frozen=True)
class DemoProvider:
    """An organisation, its owner and its store in one council. ``owner_signs_in``: the
    owner gets the demo password (and is listed in the README); other owners have no
    password. ``accreditation``: ``accredited`` (applied, then accredited by an officer
    for ``accredited_days``), ``applied`` (waiting in the queue) or ``None``."""

    organisation: str
    owner_email: str
    owner_name: str
    description: str
    phone: str
    email: str
    website: str
    address: str
    postcode: str
    services: tuple[DemoService, ...]
    owner_signs_in: bool = False
    tier: StoreTier = StoreTier.LISTING
    colours: tuple[str, str] | None = None  # (brand colour, text colour on it)
    logo: str | None = None  # a file in demo_assets
    case_studies: tuple[tuple[str, str], ...] = ()
    accreditation: Literal["accredited", "applied"] | None = None
    evidence: DemoEvidence = DemoEvidence()
    accredited_days: int = 365


@dataclass(frozen=True)
class DemoMarket:
    """One council's marketplace. ``reviewers``: (email, name) of people, with no
    password, who wrote reviews; ``directory_feed``: an Open Referral UK file in
    ``demo_assets`` the council's officer imports."""

    providers: tuple[DemoProvider, ...]
    reviewers: tuple[tuple[str, str], ...] = ()
    directory_feed: str | None = None


RIVERBEND = DemoMarket(
    reviewers=(
        ("margaret@riverbend.example", "Margaret Ellis"),
        ("tom@riverbend.example", "Tom Reed"),
    ),
    directory_feed="riverbend-community-directory.json",
    providers=(
        DemoProvider(
            organisation="Riverside Home Care",
            owner_email="provider@riverbend.example",
            owner_name="Grace Adeyemi",
            owner_signs_in=True,
            description="Home care from a local team who know Riverbend. We help with "
            "washing, dressing, meals and medicines, at the times that suit you, and we "
            "send the same small team of carers every week.\n\nRegistered with the Care "
            "Quality Commission.",
            phone="01632 960 301",
            email="care@riverside-homecare.example",
            website="www.riverside-homecare.example",
            address="12 College Road\nHarrow",
            postcode="HA1 1BA",
            tier=StoreTier.BRANDED,
            colours=("#1d4f91", "#ffffff"),
            logo="riverside-home-care-logo.svg",
            case_studies=(
                (
                    "Home from hospital in two days",
                    "After a fall, Mr A was ready to leave hospital but could not manage "
                    "stairs on his own. We started visits the day he came home: four a day "
                    "at first, then two as he got stronger.\n\nSix weeks later he needs one "
                    "morning visit and does his own shopping again.",
                ),
                (
                    "Staying independent after a stroke",
                    "Mrs K wanted to keep cooking for herself. Her carers help her prepare "
                    "meals safely rather than cooking for her, and her daughter sees every "
                    "visit's notes.",
                ),
            ),
            accreditation="accredited",
            evidence=DemoEvidence(
                cqc_location_id="1-101234567",
                insurance_policy="Public liability, Riverside Mutual policy RM-20418",
            ),
            services=(
                DemoService(
                    title="Home care visits",
                    description="A carer visits to help with getting up, washing, dressing, "
                    "meals and medicines. Visits of an hour or more; the price is for each "
                    "hour. Evening and weekend visits cost the same.",
                    category="personal-care",
                    unit=Unit.HOUR,
                    price=2_400,
                    areas={"HA1": None, "HA2": 2_600, "HA3": 2_750},
                    availability=days(EVERY_DAY, "07:00-22:00"),
                    reviews=(
                        ("dora@riverbend.example", 5, "Always on time, and so kind."),
                        (
                            "margaret@riverbend.example",
                            4,
                            "Friendly carers. The odd late visit at weekends.",
                        ),
                    ),
                ),
                DemoService(
                    title="Overnight sitting",
                    description="A carer stays overnight, awake, so a family carer can "
                    "sleep. From 10pm to 7am; the price is for the whole night.",
                    category="respite",
                    unit=Unit.SESSION,
                    price=13_500,
                    areas={"HA1": None, "HA2": None},
                    availability=days(EVERY_DAY, "00:00-07:00", "22:00-24:00"),
                ),
                DemoService(
                    title="Home care visits for existing clients",
                    description="The rate we agreed with people we already support, for "
                    "the same visits as before.",
                    category="personal-care",
                    unit=Unit.HOUR,
                    price=2_200,
                    areas={"HA1": None},
                    availability=days(EVERY_DAY, "07:00-22:00"),
                    private_for=("dora@riverbend.example",),
                ),
            ),
        ),
        DemoProvider(
            organisation="Harrow Hill Physiotherapy",
            owner_email="sunita@harrowhillphysio.example",
            owner_name="Sunita Rao",
            description="Chartered physiotherapists who visit you at home: after a fall, "
            "an operation or a stroke, or to stay steady on your feet.",
            phone="01632 960 311",
            email="visits@harrowhillphysio.example",
            website="www.harrowhillphysio.example",
            address="3 Peterborough Road\nHarrow",
            postcode="HA1 2BQ",
            accreditation="applied",
            evidence=DemoEvidence(
                insurance_policy="Professional indemnity, Chartered Society policy CSP-5531",
                other_name="Health and Care Professions Council",
                other_reference="PH123456",
                note="We are registered with the HCPC and insured through the Chartered "
                "Society of Physiotherapy.",
            ),
            services=(
                DemoService(
                    title="Physiotherapy at home",
                    description="An assessment and a plan of exercises, with visits to help "
                    "you keep to it. Each session lasts about 45 minutes.",
                    category="therapy",
                    unit=Unit.SESSION,
                    price=5_500,
                    areas={"HA1": None, "HA2": None, "HA3": 6_000},
                    availability=days(WEEKDAYS, "09:00-17:00"),
                    reviews=(("tom@riverbend.example", 5, "Back on my feet after my knee."),),
                ),
                DemoService(
                    title="Falls prevention exercise class",
                    description="A small class of strength and balance exercises, twice a "
                    "week for twelve weeks. Chairs to hold on to; no special clothes needed.",
                    category="therapy",
                    unit=Unit.SESSION,
                    price=800,
                    areas={"HA1": None},
                    availability=days(("tue", "thu"), "10:00-11:00"),
                ),
            ),
        ),
        DemoProvider(
            organisation="Greenway Community Transport",
            owner_email="dave@greenwaytransport.example",
            owner_name="Dave Millar",
            description="Accessible minibuses with trained drivers, for people who cannot "
            "use buses easily. A not-for-profit run by local volunteers.",
            phone="01632 960 321",
            email="bookings@greenwaytransport.example",
            website="www.greenwaytransport.example",
            address="Unit 5, Wealdstone Yard\nHarrow",
            postcode="HA3 5BD",
            services=(
                DemoService(
                    title="Door-to-door accessible minibus",
                    description="We collect you from your door and help you in and out: "
                    "to the shops, the doctor's or a day centre. The price is for each "
                    "journey; a return trip is two.",
                    category="transport",
                    unit=Unit.ITEM,
                    price=650,
                    areas={"HA1": None, "HA2": None, "HA3": 750},
                    availability=days(WEEKDAYS, "08:00-18:00"),
                    reviews=(
                        ("margaret@riverbend.example", 4, "Reliable, and the drivers help."),
                        ("dora@riverbend.example", 5, ""),
                    ),
                ),
                DemoService(
                    title="Accessible day trips",
                    description="A Saturday out to the coast, a garden or a market, with "
                    "a wheelchair-accessible minibus and a lunch stop.",
                    category="leisure",
                    unit=Unit.DAY,
                    price=3_500,
                    areas={"HA1": None, "HA2": None},
                    availability=days(("sat",), "09:00-17:00"),
                ),
            ),
        ),
        DemoProvider(
            organisation="Riverbend Carers' Café",
            owner_email="helen@carerscafe.example",
            owner_name="Helen Brooks",
            description="A small charity running free cafés where carers and the people "
            "they care for can meet, talk and get advice.",
            phone="01632 960 331",
            email="hello@carerscafe.example",
            website="www.carerscafe.example",
            address="The Old Library, Pinner Road\nHarrow",
            postcode="HA2 6EH",
            services=(
                DemoService(
                    title="Carers' drop-in café",
                    description="Tea, cake and company for unpaid carers. Free: just come "
                    "along, no need to book.",
                    category="leisure",
                    unit=Unit.SESSION,
                    price=0,
                    takes_bookings=False,
                    areas={"HA1": None, "HA2": None, "HA3": None},
                    availability={"wed": ["10:00-12:00"], "fri": ["14:00-16:00"]},
                ),
                DemoService(
                    title="Memory café",
                    description="A relaxed afternoon of music, reminiscence and games for "
                    "people living with dementia and those who care for them. Free.",
                    category="day-opportunities",
                    unit=Unit.SESSION,
                    price=0,
                    takes_bookings=False,
                    areas={"HA2": None},
                    availability={"mon": ["13:30-15:30"]},
                ),
            ),
        ),
    ),
)

MOORFIELD = DemoMarket(
    reviewers=(
        ("joan@moorfield.example", "Joan Whitaker"),
        ("raj@moorfield.example", "Raj Mistry"),
    ),
    providers=(
        DemoProvider(
            organisation="Moorland Care Partnership",
            owner_email="provider@moorfield.example",
            owner_name="Owen Hughes",
            owner_signs_in=True,
            description="Home care and live-in care across Moorfield, from carers who "
            "are employed, trained and paid the real living wage.",
            phone="01632 960 401",
            email="office@moorlandcare.example",
            website="www.moorlandcare.example",
            address="Canal Wharf House\nLeeds",
            postcode="LS1 4BR",
            tier=StoreTier.BRANDED,
            colours=("#7a2e0e", "#ffffff"),
            logo="moorland-care-logo.svg",
            case_studies=(
                (
                    "A week off for a family carer",
                    "Mr and Mrs B had not had a break in three years. A live-in carer "
                    "stayed with Mr B for a week while Mrs B visited her sister, and rang "
                    "her every evening with news.",
                ),
            ),
            accreditation="accredited",
            accredited_days=730,
            evidence=DemoEvidence(
                cqc_location_id="1-202345678",
                dbs_certificate_number="001234567890",
                dbs_holder_name="Owen Hughes",
                insurance_policy="Public liability, Northern Care Insurers NCI-7781",
            ),
            services=(
                DemoService(
                    title="Home care visits",
                    description="Help at home with personal care, meals and medicines, "
                    "from 30 minutes to several hours; the price is for each hour.",
                    category="personal-care",
                    unit=Unit.HOUR,
                    price=2_300,
                    areas={"LS1": None, "LS2": 2_450, "LS6": 2_600},
                    availability=days(EVERY_DAY, "07:00-22:00"),
                    reviews=(
                        ("joan@moorfield.example", 5, "They treat Mum like family."),
                        (
                            "raj@moorfield.example",
                            4,
                            "Good carers; the office is slow to ring back.",
                        ),
                    ),
                ),
                DemoService(
                    title="Live-in care",
                    description="A carer lives in your home and is there day and night. "
                    "The price is for each week, for at least two weeks.",
                    category="personal-care",
                    unit=Unit.WEEK,
                    price=98_000,
                    minimum_units=2,
                    areas={"LS1": None, "LS2": None},
                ),
                DemoService(
                    title="Respite breaks arranged by your broker",
                    description="Short breaks at the rate we agreed with brokers in "
                    "Moorfield, for the people they support.",
                    category="respite",
                    unit=Unit.DAY,
                    price=12_000,
                    areas={"LS1": None},
                    private_for=("broker@riverbend.example",),
                ),
            ),
        ),
        DemoProvider(
            organisation="Dales Day Centre",
            owner_email="ruth@dalesdaycentre.example",
            owner_name="Ruth Pickering",
            description="A day centre with activities, outings and a hot lunch, for "
            "older people and adults with disabilities.",
            phone="01632 960 411",
            email="welcome@dalesdaycentre.example",
            website="www.dalesdaycentre.example",
            address="2 Park Square\nLeeds",
            postcode="LS2 8AJ",
            accreditation="accredited",
            evidence=DemoEvidence(
                dbs_certificate_number="009876543210",
                dbs_holder_name="Ruth Pickering",
                insurance_policy="Public liability, Charity Cover CC-3310",
            ),
            services=(
                DemoService(
                    title="Day centre place",
                    description="A day of activities, a hot lunch and transport from your "
                    "door. The price is for one day.",
                    category="day-opportunities",
                    unit=Unit.DAY,
                    price=4_800,
                    areas={"LS1": None, "LS2": 5_200},
                    availability=days(WEEKDAYS, "09:30-15:30"),
                    reviews=(("raj@moorfield.example", 5, "Dad looks forward to Tuesdays."),),
                ),
                DemoService(
                    title="Friday coffee morning",
                    description="Free coffee and company, open to everyone. No need to book.",
                    category="leisure",
                    unit=Unit.SESSION,
                    price=0,
                    takes_bookings=False,
                    areas={"LS2": None},
                    availability={"fri": ["10:00-12:00"]},
                ),
            ),
        ),
        DemoProvider(
            organisation="Aire Valley Handyperson Service",
            owner_email="applicant@moorfield.example",
            owner_name="Callum Reid",
            owner_signs_in=True,
            description="Small repairs and adaptations that help you stay safe at home: "
            "grab rails, key safes, door and tap changes.",
            phone="01632 960 421",
            email="jobs@airevalleyhandy.example",
            website="www.airevalleyhandy.example",
            address="14 Kirkstall Road\nLeeds",
            postcode="LS4 2AZ",
            accreditation="applied",
            evidence=DemoEvidence(
                dbs_certificate_number="001122334455",
                dbs_holder_name="Callum Reid",
                insurance_policy="Public liability, Tradesure TS-90021",
                documents=(
                    (
                        "aire-valley-insurance-certificate.pdf",
                        "Public liability insurance certificate",
                    ),
                ),
                note="We have fitted adaptations for housing associations for ten years.",
            ),
            services=(
                DemoService(
                    title="Handyperson visits",
                    description="Small jobs around the home by a DBS-checked handyperson. "
                    "The price is for each hour; materials are extra.",
                    category="household",
                    unit=Unit.HOUR,
                    price=3_200,
                    areas={"LS1": None, "LS6": 3_500},
                    availability=days(WEEKDAYS, "08:00-17:00"),
                ),
                DemoService(
                    title="Grab rails fitted",
                    description="A grab rail fitted by the bath, toilet or front door, "
                    "rail included.",
                    category="equipment",
                    unit=Unit.ITEM,
                    price=4_500,
                    areas={"LS1": None, "LS2": None, "LS6": None},
                ),
            ),
        ),
    ),
)

MARKETS: dict[str, DemoMarket] = {"riverbend": RIVERBEND, "moorfield": MOORFIELD}


async def _asset(name: str) -> bytes:
    return await asyncio.to_thread((ASSETS / name).read_bytes)


async def _actor(tenant: Tenant, membership: Membership) -> Actor:
    """The member as a signed-in actor, with their roles as they are now."""
    fresh = await Membership.get(id=membership.id).prefetch_related("user")
    return Actor(tenant=tenant, user=fresh.user, membership=fresh)


async def _member(tenant: Tenant, email: str) -> Membership:
    return await Membership.get(tenant_id=tenant.id, user__email=email)


async def _service(tenant: Tenant, owner: Actor, store: Store, spec: DemoService) -> None:
    """A service added and published by the store's owner, then its reviews."""
    service = await catalogue.create_service(
        owner,
        store,
        catalogue.ServiceSpec(
            title=spec.title,
            description=spec.description,
            category=spec.category,
            unit=spec.unit.value,
            price=spec.price,
            minimum_units=spec.minimum_units,
            availability=spec.availability,
            areas=[catalogue.AreaSpec(district, price) for district, price in spec.areas.items()],
            visibility=(Visibility.PRIVATE if spec.private_for else Visibility.PUBLIC).value,
            audience=list(spec.private_for),
            takes_bookings=spec.takes_bookings,
        ),
    )
    await catalogue.change_status(owner, service, catalogue.PUBLISH)
    for email, rating, text in spec.reviews:
        await Review.create(
            tenant_id=tenant.id,
            service=service,
            author=await _member(tenant, email),
            rating=rating,
            text=text,
        )


async def _accreditation(
    runtime: Runtime, owner: Actor, officer: Actor, spec: DemoProvider, today: date
) -> None:
    """The owner applies with the evidence; for ``accredited`` an officer accredits."""
    evidence = spec.evidence
    uploads = [
        Upload(filename=name, data=await _asset(name), title=title)
        for name, title in evidence.documents
    ]
    applied = await accreditation.apply(
        runtime,
        owner,
        uploads=uploads,
        registrations=evidence.registrations(today),
        note=evidence.note,
    )
    if spec.accreditation == "accredited":
        await accreditation.decide(
            runtime,
            officer,
            applied.id,
            accreditation.Action.ACCREDIT.value,
            reason="We checked your registrations and insurance.",
            expires_on=today + timedelta(days=spec.accredited_days),
        )


async def _provider(
    runtime: Runtime, tenant: Tenant, officer: Actor, spec: DemoProvider, password: str
) -> None:
    """Join as a member registering an organisation, fill in and publish the store,
    add its services, then apply for accreditation."""
    member = await add_member_as_operator(
        tenant, spec.owner_email, spec.owner_name, (), password if spec.owner_signs_in else None
    )
    store = await register_organisation(await _actor(tenant, member), spec.organisation)
    owner = await _actor(tenant, member)  # now a provider owner here
    await stores.update_details(
        owner,
        store,
        name=store.name,
        description=spec.description,
        phone=spec.phone,
        email=spec.email,
        website=spec.website,
        address=spec.address,
        postcode=spec.postcode,
        tier=spec.tier.value,
    )
    if spec.colours is not None:
        await stores.update_colours(owner, store, *spec.colours)
    if spec.logo is not None:
        await stores.upload_logo(owner, store, runtime.storage, await _asset(spec.logo))
    for title, body in spec.case_studies:
        await stores.add_case_study(owner, store, title, body)
    await stores.set_status(owner, store, PublishStatus.LIVE.value)
    for service in spec.services:
        await _service(tenant, owner, store, service)
    if spec.accreditation is not None:
        await _accreditation(runtime, owner, officer, spec, uk_today())


async def seed_marketplace(
    runtime: Runtime, tenant: Tenant, officer: Membership, password: str
) -> None:
    """Fill a new demo council's marketplace; ``officer`` vets providers and imports the
    directory. Call it inside the council's creating transaction: it is not idempotent
    on its own (``tenants.demo.seed_demo`` skips councils that exist)."""
    market = MARKETS.get(tenant.slug)
    if market is None:
        return
    tenant = await Tenant.get(id=tenant.id)  # the plugin settings as saved (logo included)
    vetting = await _actor(tenant, officer)
    for email, name in market.reviewers:
        await add_member_as_operator(tenant, email, name, ("person",), None)
    for provider in market.providers:
        await _provider(runtime, tenant, vetting, provider, password)
    if market.directory_feed is not None:
        run = await directory.import_file(
            vetting, market.directory_feed, await _asset(market.directory_feed), False
        )
        if run.summary.get("outcome") != "imported":
            raise RuntimeError(f"the demo directory feed was refused: {run.summary}")
    logger.info("demo marketplace of %s: %d providers", tenant.slug, len(market.providers))
