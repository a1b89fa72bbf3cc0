"""The two demo councils `make run` shows: different names, logos, colours and plugins,
and a marketplace in each (`tenants.demo_market`)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from core.budgets.allocation import StreamSpec, allocate_budget
from core.budgets.models import RecurringCommitment, Schedule
from core.budgets.schedule import uk_financial_year
from core.clock import uk_today
from core.identity.actor import Actor
from core.identity.models import AccessKind, AccessLevel, Membership, PersonAccess
from core.identity.operators import add_member_as_operator
from core.runtime import Runtime
from tenants import services
from tenants.demo_market import seed_marketplace
from tenants.demo_orders import seed_orders
from tenants.logo import upload_logo
from tenants.models import Tenant

logger = logging.getLogger(__name__)
ASSETS = Path(__file__).parent / "demo_assets"


DEMO_PASSWORD = "demo password 2026"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class DemoCouncil:
    slug: str
    name: str
    logo: str
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    people: tuple[DemoPerson, ...] = ()


DEMO_COUNCILS = (
    DemoCouncil(
        slug="riverbend",
        name="Riverbend Borough Council",
        logo="riverbend-logo.svg",
        people=(
            DemoPerson("admin@riverbend.example", "Alex Morgan", ("council_admin",)),
            DemoPerson("officer@riverbend.example", "Priya Shah", ("council_officer",)),
            DemoPerson("dora@riverbend.example", "Dora Wilkins", ("person",)),
            DemoPerson("broker@riverbend.example", "Ben Okafor", ("broker",)),
        ),
        plugins={
            "council-branding": {
                "service_name": "Care and support marketplace",
                "brand_colour": "#00594f",
                "link_colour": "#00594f",
                "footer_links": [
                    {"text": "Riverbend Council website", "href": "https://www.riverbend.example/"},
                    {"text": "Privacy notice", "href": "https://www.riverbend.example/privacy"},
                ],
                "contact": {
                    "phone": "01632 960 111",
                    "email": "adultcare@riverbend.example",
                    "address": "Civic Centre, Station Road, Riverbend RB1 1AA",
                    "opening_hours": "Monday to Friday, 9am to 5pm",
                },
            },
            # Open listing: every live store is listed, accredited ones get the badge.
            "accreditation": {"mode": "open", "badge_label": "Riverbend Approved"},
            # Two days to answer an order, a day's notice to cancel, a week to dispute.
            "ordering": {"response_hours": 48, "notice_hours": 24, "auto_confirm_days": 7},
        },
    ),
    DemoCouncil(
        slug="moorfield",
        name="Moorfield District Council",
        logo="moorfield-logo.svg",
        people=(
            DemoPerson("admin@moorfield.example", "Sam Patel", ("council_admin",)),
            DemoPerson("officer@moorfield.example", "Hannah Clarke", ("council_officer",)),
            DemoPerson("broker@riverbend.example", "Ben Okafor", ("broker",)),
        ),
        plugins={
            "council-branding": {
                "service_name": "My Care Purse",
                "brand_colour": "#4a2d7f",
                "link_colour": "#5a2f9e",
                "footer_links": [
                    {
                        "text": "Moorfield District Council",
                        "href": "https://www.moorfield.example/",
                    },
                    {"text": "Cookies", "href": "https://www.moorfield.example/cookies"},
                ],
                "contact": {
                    "phone": "01632 960 222",
                    "email": "carepurse@moorfield.example",
                    "address": "Moorfield House, High Street, Moorfield MF2 3BB",
                    "opening_hours": "Monday to Thursday 8.30am to 5pm, Friday 8.30am to 4.30pm",
                },
            },
            "service-notice": {
                "title": "New website",
                "text": "Moorfield's care purse has moved to this new website. Your budget and "
                "bookings have moved with it.",
                "link_text": "Tell us what you think",
                "link_href": "/contact",
            },
            # A kitemark: only providers Moorfield's officers have accredited are listed.
            "accreditation": {
                "mode": "kitemark",
                "badge_label": "Moorfield Kitemark",
                "required_evidence": ["insurance", "dbs"],
            },
            # A day to answer an order, two days' notice to cancel, three days to dispute.
            "ordering": {"response_hours": 24, "notice_hours": 48, "auto_confirm_days": 3},
        },
    ),
)


async def seed_demo(runtime: Runtime) -> list[Tenant]:
    """Create the demo councils if they are missing; never overwrites an operator's changes."""
    created = []
    for council in DEMO_COUNCILS:
        if await Tenant.exists(slug=council.slug):
            continue
        # All or nothing: a logo that fails to upload leaves no half-made council.
        async with in_transaction():
            tenant = await _create(runtime, council)
        logger.info("demo council %s created", council.slug)
        created.append(tenant)
    return created


async def _demo_budget(tenant: Tenant, officer: Membership, person: Membership) -> None:
    """A two-stream budget with planned home care, so the budget pages have something to show."""
    await officer.fetch_related("user")
    actor = Actor(tenant=tenant, user=officer.user, membership=officer)
    start, _ = uk_financial_year(uk_today())
    budget = await allocate_budget(
        actor,
        person,
        [
            StreamSpec("direct-payment", 40_000, Schedule.FOUR_WEEKLY, first_payment_on=start),
            StreamSpec("nhs-chc", 120_000, Schedule.ONE_OFF, first_payment_on=start),
        ],
    )
    await RecurringCommitment.create(
        tenant_id=tenant.id,
        budget=budget,
        description="Home care, 5 hours a week",
        amount_pence=9_250,
        schedule=Schedule.WEEKLY,
        starts_on=uk_today(),
    )


async def _create(runtime: Runtime, council: DemoCouncil) -> Tenant:
    tenant = await services.create_tenant(
        council.slug, council.name, base_domain=runtime.settings.base_domain
    )
    tenant = await services.configure_plugins(
        tenant,
        runtime.registry,
        enable=list(council.plugins),
        settings={name: dict(config) for name, config in council.plugins.items()},
    )
    logo = await asyncio.to_thread((ASSETS / council.logo).read_bytes)
    await upload_logo(runtime, tenant, council.logo, logo)
    members = {
        person.roles[0]: await add_member_as_operator(
            tenant, person.email, person.name, person.roles, DEMO_PASSWORD
        )
        for person in council.people
    }
    if "person" in members and "broker" in members:
        # The demo broker manages the demo person's budget, to show delegation.
        await PersonAccess.create(
            tenant=tenant,
            person=members["person"],
            grantee=members["broker"],
            kind=AccessKind.BROKER,
            access=AccessLevel.MANAGE,
        )
    if "person" in members and "council_officer" in members:
        await _demo_budget(tenant, members["council_officer"], members["person"])
    if "council_officer" in members:
        # Providers, services, reviews, accreditation and the community directory.
        await seed_marketplace(runtime, tenant, members["council_officer"], DEMO_PASSWORD)
    if {"council_officer", "person", "broker"} <= set(members):
        # Orders, a delivery to confirm, a question to a provider, a broker's caseload.
        await seed_orders(
            runtime, tenant, members["council_officer"], members["person"], members["broker"]
        )
    return await Tenant.get(id=tenant.id)
