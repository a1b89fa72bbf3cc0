"""Two fully populated councils, for walks that try every route across councils.

Each council has one of everything a route can name: staff, a person with a
circle and a broker, a pending invitation, a reset link, a switch ticket, an
API client, audit events, emails and a public file. Raw tokens are kept so a
walk can put council B's tokens in council A's URLs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from core.accreditation.models import Accreditation, Evidence, EvidenceKind
from core.budgets.models import Budget, RecurringCommitment, Schedule
from core.clock import uk_today, utcnow
from core.directory.shapes import service_at_location_id
from core.identity.models import (
    AccessKind,
    AccessLevel,
    Invitation,
    InvitationPurpose,
    Membership,
    PasswordResetToken,
    PersonAccess,
    SessionHandoff,
)
from core.identity.secrets import new_token, token_digest
from core.ledger.holds import place_hold
from core.marketplace.models import (
    CaseStudy,
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
    UnmetNeed,
)
from core.oauth.services import create_client_as_operator
from core.orders.models import (
    BasketItem,
    Booking,
    BookingKind,
    BookingSession,
    BulkRun,
    ChangeProposal,
    Delivery,
    Enquiry,
    EnquiryMessage,
    Notification,
    Order,
    SessionStatus,
)
from core.runtime import Runtime
from tenants.logo import upload_logo
from tenants.models import Tenant
from tests.factories import make_tenant
from tests.support.budgets import funded_budget, one_off
from tests.support.members import make_member


def logo_for(prefix: str) -> bytes:
    """A logo unique to the council, so its content-hashed address is too."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><title>{}</title></svg>'
    return svg.format(prefix).encode()


@dataclass
class Council:
    """One council and everything in it; ``markers`` are strings that must never leak."""

    tenant: Tenant
    admin: Membership
    officer: Membership
    person: Membership
    family: Membership
    broker: Membership
    access: PersonAccess
    invitation: Invitation
    invitation_token: str
    reset_token: str
    switch_token: str
    client_id: str
    client_secret: str
    logo_key: str
    budget_id: str = ""
    stream_id: str = ""
    hold_id: str = ""
    commitment_id: str = ""
    marketplace: dict[str, str] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)

    def path_values(self) -> dict[str, str]:
        """What to put in each path parameter a route may have."""
        return {
            "person_id": str(self.person.id),
            "member_id": str(self.person.id),
            "access_id": str(self.access.id),
            "invitation_id": str(self.invitation.id),
            "token": self.invitation_token,
            "client_id": self.client_id,
            "message_id": "00000000-0000-0000-0000-000000000000",
            "key": self.logo_key,
            "provider": "oidc-sign-in",
            "path": "carepurse.css",
            "slug": self.tenant.slug,
            "budget_id": self.budget_id,
            "stream_id": self.stream_id,
            "hold_id": self.hold_id,
            "commitment_id": self.commitment_id,
            **self.marketplace,
        }


async def make_marketplace(tenant: Tenant, prefix: str, person: Membership) -> dict[str, str]:
    """A provider with a live store, a service (one area price), a case study, a
    pending accreditation with evidence, a council category and an unmet need."""
    owner = await make_member(tenant, ["provider_owner"], email=f"owner@{prefix}.example")
    provider = await Provider.create(name=f"{prefix.title()}secret Care Ltd")
    await ProviderUser.create(provider=provider, user=owner.user, role=ProviderRole.OWNER)
    store = await Store.create(
        tenant=tenant,
        provider=provider,
        name=provider.name,
        slug=f"{prefix}-care",
        status=PublishStatus.LIVE,
        description=f"{prefix.title()}secret store",
    )
    service = await Service.create(
        tenant_id=tenant.id,
        store=store,
        title=f"{prefix.title()}secret home care",
        category="personal-care",
        unit=Unit.HOUR,
        unit_price_pence=2_000,
        status=PublishStatus.LIVE,
    )
    area = await ServiceArea.create(
        tenant_id=tenant.id, service=service, district="HA1", price_pence=2_200
    )
    study = await CaseStudy.create(
        tenant_id=tenant.id, store=store, title=f"{prefix.title()}secret story", body="..."
    )
    accreditation = await Accreditation.create(tenant=tenant, provider=provider)
    evidence = await Evidence.create(
        tenant_id=tenant.id,
        accreditation=accreditation,
        kind=EvidenceKind.INSURANCE,
        title=f"{prefix.title()}secret insurance",
    )
    category = await ServiceCategory.create(
        tenant=tenant,
        code=f"{prefix}-cafe",
        label=f"{prefix.title()}secret cafes",
        parent_code="day-opportunities",
    )
    need = await UnmetNeed.create(
        tenant_id=tenant.id, membership=person, words=f"{prefix}secret horse riding"
    )
    orders = await make_orders(tenant, prefix, person, owner, service)
    return {
        **orders,
        "provider_id": str(provider.id),
        "store_id": str(store.id),
        "store_slug": store.slug,
        "service_id": str(service.id),
        "service_at_location_id": service_at_location_id(service.id),
        "area_id": str(area.id),
        "case_study_id": str(study.id),
        "accreditation_id": str(accreditation.id),
        "evidence_id": str(evidence.id),
        "category_id": str(category.id),
        "category_code": category.code,
        "need_id": str(need.id),
        "photo_id": "00000000-0000-0000-0000-000000000001",
    }


async def make_orders(
    tenant: Tenant, prefix: str, person: Membership, owner: Membership, service: Service
) -> dict[str, str]:
    """An order with a booking, a delivered visit, a proposed change, a review, an enquiry,
    a bulk run, a notice and a basket item, made directly (the services are tested
    elsewhere)."""
    budget = await Budget.filter(person_id=person.id).first()
    assert budget is not None
    now = utcnow()
    order = await Order.create(
        id=uuid.uuid4(),
        tenant_id=tenant.id,
        person=person,
        placed_by=person,
        budget=budget,
        store_id=service.store_id,  # type: ignore[attr-defined]
        respond_by=now + timedelta(days=2),
        total_pence=2_000,
    )
    booking = await Booking.create(
        id=uuid.uuid4(),
        tenant_id=tenant.id,
        order=order,
        service=service,
        kind=BookingKind.ONE_OFF,
        unit=service.unit,
        unit_price_pence=2_000,
        starts_on=uk_today(),
        ends_on=uk_today(),
        start_time="10:00",
        end_time="11:00",
        committed_pence=2_000,
    )
    session = await BookingSession.create(
        id=uuid.uuid4(),
        tenant_id=tenant.id,
        booking=booking,
        local_date=uk_today(),
        starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(hours=1),
        amount_pence=2_000,
        status=SessionStatus.DELIVERED,
    )
    delivery = await Delivery.create(
        id=uuid.uuid4(),
        tenant_id=tenant.id,
        session=session,
        worker_name=f"{prefix.title()}secret Worker",
        started_at=session.starts_at,
        ended_at=session.ends_at,
        recorded_by=owner,
    )
    proposal = await ChangeProposal.create(
        id=uuid.uuid4(),
        tenant_id=tenant.id,
        booking=booking,
        proposed_by=owner,
        new_start_time="14:00",
        new_end_time="15:00",
        message=f"{prefix.title()}secret afternoon",
    )
    review = await Review.create(
        tenant_id=tenant.id, service=service, author=person, rating=4, text="Kind and on time"
    )
    enquiry = await Enquiry.create(
        id=uuid.uuid4(),
        tenant_id=tenant.id,
        service=service,
        store_id=service.store_id,  # type: ignore[attr-defined]
        person=person,
        started_by=person,
        subject=f"{prefix.title()}secret question",
    )
    await EnquiryMessage.create(
        tenant_id=tenant.id, enquiry=enquiry, author=person, body="Do you work weekends?"
    )
    run = await BulkRun.create(
        id=uuid.uuid4(),
        tenant_id=tenant.id,
        broker=person,
        service=service,
        on_date=uk_today(),
        start_time="10:00",
        end_time="11:00",
    )
    notice = await Notification.create(
        id=uuid.uuid4(),
        tenant_id=tenant.id,
        recipient=person,
        kind="order_placed",
        title="Your order has been sent",
    )
    item = await BasketItem.create(
        id=uuid.uuid4(),
        tenant_id=tenant.id,
        person=person,
        added_by=person,
        service=service,
        on_date=uk_today() + timedelta(days=3),
        start_time="10:00",
        end_time="11:00",
        unit_price_pence=2_000,
    )
    return {
        "order_id": str(order.id),
        "booking_id": str(booking.id),
        "session_id": str(session.id),
        "delivery_id": str(delivery.id),
        "proposal_id": str(proposal.id),
        "review_id": str(review.id),
        "enquiry_id": str(enquiry.id),
        "run_id": str(run.id),
        "notification_id": str(notice.id),
        "item_id": str(item.id),
    }


async def make_council(runtime: Runtime, prefix: str) -> Council:
    name = f"{prefix.title()}secret Borough Council"
    tenant = await make_tenant(f"{prefix}council", name)
    admin = await make_member(
        tenant, ["council_admin"], name=f"{prefix.title()} Admin", email=f"admin@{prefix}.example"
    )
    officer = await make_member(tenant, ["council_officer"], email=f"officer@{prefix}.example")
    person = await make_member(
        tenant,
        ["person"],
        name=f"{prefix.title()}ina Secretperson",
        email=f"person@{prefix}.example",
    )
    family = await make_member(tenant, [], email=f"family@{prefix}.example")
    broker = await make_member(tenant, ["broker"], email=f"broker@{prefix}.example")
    access = await PersonAccess.create(
        tenant=tenant,
        person=person,
        grantee=family,
        kind=AccessKind.CIRCLE,
        access=AccessLevel.REVIEW,
    )
    await PersonAccess.create(
        tenant=tenant,
        person=person,
        grantee=broker,
        kind=AccessKind.BROKER,
        access=AccessLevel.MANAGE,
    )
    invitation_token, reset_token, switch_token = new_token(), new_token(), new_token()
    invitation = await Invitation.create(
        tenant=tenant,
        email=f"invitee@{prefix}.example",
        purpose=InvitationPurpose.CIRCLE,
        person=person,
        access=AccessLevel.REVIEW,
        token_hash=token_digest(invitation_token),
        expires_at=utcnow() + timedelta(days=7),
    )
    await PasswordResetToken.create(
        user=person.user,
        token_hash=token_digest(reset_token),
        expires_at=utcnow() + timedelta(hours=1),
    )
    await SessionHandoff.create(
        id=token_digest(switch_token),
        user=admin.user,
        tenant=tenant,
        expires_at=utcnow() + timedelta(minutes=1),
    )
    client, secret = await create_client_as_operator(
        tenant, f"{prefix.title()}secret case system", ["people:read", "people:write", "audit:read"]
    )
    logo_url = await upload_logo(runtime, tenant, "logo.svg", logo_for(prefix))
    await tenant.refresh_from_db()
    council = Council(
        tenant=tenant,
        admin=admin,
        officer=officer,
        person=person,
        family=family,
        broker=broker,
        access=access,
        invitation=invitation,
        invitation_token=invitation_token,
        reset_token=reset_token,
        switch_token=switch_token,
        client_id=client.client_id,
        client_secret=secret,
        logo_key=logo_url.removeprefix("/media/"),
    )
    budget = await funded_budget(tenant, one_off(50_000), person=person)
    stream = await budget.streams.all().first()
    hold = await place_hold(budget, 1_000, "leisure", f"{prefix.title()}secret swimming", "test")
    plan = await RecurringCommitment.create(
        tenant_id=tenant.id,
        budget=budget,
        description=f"{prefix.title()}secret care",
        amount_pence=500,
        schedule=Schedule.WEEKLY,
        starts_on=budget.period_start,
    )
    council.budget_id, council.stream_id = str(budget.id), str(stream.id)
    council.hold_id, council.commitment_id = str(hold.id), str(plan.id)
    council.marketplace = await make_marketplace(tenant, prefix, person)
    council.markers = [
        name,
        person.user.display_name,
        f"@{prefix}.example",
        client.client_id,
        f"{prefix.title()}secret case system",
        f"{prefix.title()}secret swimming",
        f"{prefix.title()}secret care",
        f"{prefix.title()}secret Care Ltd",
        f"{prefix.title()}secret home care",
        f"{prefix.title()}secret story",
        f"{prefix.title()}secret insurance",
        f"{prefix.title()}secret cafes",
        f"{prefix}secret horse riding",
        f"{prefix.title()}secret Worker",
        f"{prefix.title()}secret afternoon",
        f"{prefix.title()}secret question",
    ]
    return council
