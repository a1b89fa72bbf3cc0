"""People with a personal budget: registering them, their details, self-funders and the
people a broker or family member supports. Services only: no HTTP here.

Who may register a person: a signed-in member with the council permission to manage
budgets (council officers and administrators) or to manage users (administrators); an
API client needs ``people:write`` as before. Registering only ever gives the "person"
role, so officers, who allocate budgets but may not give staff roles, may do it.

Who may change a person's details: anyone with ``person:manage`` on them, that is
council officers and administrators, the person themselves, and circle members or
brokers with manage access. Review members only see them. The email address (the
sign-in) is not changed here.

Self-funders sign themselves up without an officer. A sign-up with an address that
already has an account is refused with the same words whatever the reason, and every
sign-up from one network address is counted, so the form cannot be used to test a list
of addresses quickly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import record
from core.budgets.allocation import MAX_PENCE, StreamSpec, add_stream, check_period
from core.budgets.figures import Figures, budget_figures
from core.budgets.forecast import Forecast, forecast
from core.budgets.funding import credit_due_instalments
from core.budgets.models import Budget, BudgetStatus, FundingStream, Schedule
from core.clock import uk_today, utcnow
from core.email.services import queue_email
from core.errors import CarepurseError, Conflict, FieldProblem, InvalidInput
from core.identity import throttle
from core.identity.accounts import check_new_password
from core.identity.actor import Actor
from core.identity.circles import grant_broker, people_supported_by
from core.identity.council_users import send_welcome
from core.identity.invitations import check_email, invite_to_circle
from core.identity.models import (
    AccessKind,
    AccessLevel,
    Membership,
    MembershipStatus,
    PersonAccess,
    Role,
    User,
)
from core.identity.permissions import refuse, require_council, require_member, require_person
from core.identity.roles import Permission
from core.identity.secrets import hash_password, verify_password
from core.ids import parse_uuid
from core.ledger.money import pounds
from core.people.models import BudgetManager, ContactPreference, PersonProfile
from core.postcodes import parse_postcode
from tenants.models import Tenant

# ---------------------------------------------------------------------------
# Checking what people type
# ---------------------------------------------------------------------------

MAX_AGE_YEARS = 120
MAX_NAME = 120
MAX_ADDRESS = 300
# A date of birth as a date, or as the three boxes of a date input (day, month, year).
DateInput = date | tuple[str, str, str] | None

CONTACT_LABELS = {
    ContactPreference.EMAIL: "Email",
    ContactPreference.PHONE: "Phone call",
    ContactPreference.TEXT: "Text message",
    ContactPreference.LETTER: "Letter",
}
MANAGER_LABELS = {
    BudgetManager.PERSON: "The person themselves",
    BudgetManager.CIRCLE: "A family member or friend",
    BudgetManager.BROKER: "A broker or budget manager",
    BudgetManager.COUNCIL: "The council",
}


def parse_phone(text: str) -> str | None:
    """A UK phone number, tidied (``07700 900982``, ``020 7946 0000``); ``None`` if not one."""
    digits = re.sub(r"[\s\-().]", "", text or "")
    for prefix in ("+44", "0044"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :].removeprefix("0")
    if not re.fullmatch(r"0[1-9][0-9]{8,9}", digits):
        return None
    if len(digits) == 11 and digits.startswith("02"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return f"{digits[:5]} {digits[5:]}"


def is_mobile(phone: str) -> bool:
    return phone.replace(" ", "").startswith("07") and len(phone.replace(" ", "")) == 11


def _words(you: bool) -> dict[str, str]:
    return {
        "your": "your" if you else "their",
        "you": "you" if you else "them",
        "they": "you" if you else "they",
    }


def _date_of_birth(value: DateInput, required: bool, problems: list[FieldProblem]) -> date | None:
    if isinstance(value, tuple):
        day, month, year = (part.strip() for part in value)
        if not (day or month or year):
            value = None
        else:
            try:
                if len(year) != 4:
                    raise ValueError
                value = date(int(year), int(month), int(day))
            except ValueError:
                problems.append(
                    FieldProblem(
                        "date_of_birth", "Date of birth must be a real date, like 27 3 1947"
                    )
                )
                return None
    if value is None:
        if required:
            problems.append(FieldProblem("date_of_birth", "Enter a date of birth"))
        return None
    today = uk_today()
    if value >= today:
        problems.append(FieldProblem("date_of_birth", "Date of birth must be in the past"))
    elif value < today - relativedelta(years=MAX_AGE_YEARS):
        problems.append(
            FieldProblem(
                "date_of_birth", f"Date of birth must be less than {MAX_AGE_YEARS} years ago"
            )
        )
    return value


@dataclass(frozen=True)
class Details:
    """A person's details, checked and tidied."""

    name: str
    date_of_birth: date | None
    address: str | None
    postcode: str | None
    phone: str | None
    contact_preference: ContactPreference
    preference_stated: bool = True


def _check_details(
    problems: list[FieldProblem],
    *,
    name: str,
    date_of_birth: DateInput,
    address: str | None,
    postcode: str | None,
    phone: str | None,
    contact_preference: str | None,
    required: frozenset[str],
    you: bool = False,
) -> Details:
    """Check every field, adding a problem for each; what a contact preference needs too."""
    w = _words(you)
    name = " ".join((name or "").split())
    if not name:
        problems.append(FieldProblem("name", f"Enter {w['your']} full name"))
    elif len(name) > MAX_NAME:
        problems.append(FieldProblem("name", f"Name must be {MAX_NAME} characters or fewer"))
    dob = _date_of_birth(date_of_birth, "date_of_birth" in required, problems)
    stated = contact_preference is not None
    try:
        preference = ContactPreference(contact_preference or ContactPreference.EMAIL.value)
        if stated and not contact_preference:
            raise ValueError
    except ValueError:
        problems.append(
            FieldProblem("contact_preference", f"Choose how {w['they']} like to be contacted")
        )
        preference, stated = ContactPreference.EMAIL, False
    lines = [" ".join(line.split()) for line in (address or "").splitlines()]
    tidy_address = "\n".join(line for line in lines if line) or None
    if tidy_address is None and (
        "address" in required or (stated and preference == ContactPreference.LETTER)
    ):
        problems.append(FieldProblem("address", f"Enter {w['your']} address"))
    elif tidy_address and len(tidy_address) > MAX_ADDRESS:
        problems.append(
            FieldProblem("address", f"Address must be {MAX_ADDRESS} characters or fewer")
        )
    tidy_postcode = None
    if (postcode or "").strip():
        tidy_postcode = parse_postcode(postcode or "")
        if tidy_postcode is None:
            problems.append(FieldProblem("postcode", "Enter a real postcode, like SW1A 1AA"))
    elif "postcode" in required or (stated and preference == ContactPreference.LETTER):
        problems.append(FieldProblem("postcode", "Enter a postcode, like SW1A 1AA"))
    tidy_phone = None
    if (phone or "").strip():
        tidy_phone = parse_phone(phone or "")
        if tidy_phone is None:
            problems.append(
                FieldProblem(
                    "phone", "Enter a UK phone number, like 01632 960 001 or 07700 900 982"
                )
            )
        elif preference == ContactPreference.TEXT and not is_mobile(tidy_phone):
            problems.append(
                FieldProblem(
                    "phone", "Enter a mobile number, like 07700 900 982, to get text messages"
                )
            )
    elif stated and preference == ContactPreference.PHONE:
        problems.append(
            FieldProblem(
                "phone", f"Enter a phone number, or choose another way to contact {w['you']}"
            )
        )
    elif stated and preference == ContactPreference.TEXT:
        problems.append(
            FieldProblem(
                "phone", f"Enter a mobile number, or choose another way to contact {w['you']}"
            )
        )
    return Details(name, dob, tidy_address, tidy_postcode, tidy_phone, preference, stated)


def _check_email_field(email: str, field: str, problems: list[FieldProblem]) -> str | None:
    try:
        return check_email(email)
    except InvalidInput:
        problems.append(FieldProblem(field, "Enter an email address, like name@example.com"))
        return None


# ---------------------------------------------------------------------------
# Registering a person (council staff and API clients)
# ---------------------------------------------------------------------------


async def require_registrar(actor: Actor) -> None:
    """Officers (manage budgets) and admins (manage users); API clients need people:write."""
    if not actor.is_api_client and Permission.MANAGE_BUDGETS in actor.council_permissions:
        await require_council(actor, Permission.MANAGE_BUDGETS)
    else:
        await require_council(actor, Permission.MANAGE_USERS)


async def brokers(actor: Actor) -> list[Membership]:
    """Active brokers of the actor's council, by name, for choosing who manages a budget."""
    await require_registrar(actor)
    assert actor.tenant is not None
    members = await Membership.filter(
        tenant_id=actor.tenant.id, status=MembershipStatus.ACTIVE
    ).prefetch_related("user")
    found = [m for m in members if Role.BROKER.value in m.roles]
    return sorted(found, key=lambda m: m.user.display_name.lower())


async def _broker(tenant_id: int, broker_id: object) -> Membership | None:
    key = parse_uuid(broker_id)
    if key is None:
        return None
    broker = await Membership.get_or_none(
        id=key, tenant_id=tenant_id, status=MembershipStatus.ACTIVE
    ).prefetch_related("user")
    return broker if broker is not None and Role.BROKER.value in broker.roles else None


async def register_person(
    actor: Actor,
    *,
    name: str,
    date_of_birth: DateInput,
    address: str | None,
    postcode: str | None,
    email: str | None = None,
    phone: str | None = None,
    contact_preference: str | None = None,
    budget_manager: str = BudgetManager.PERSON.value,
    manager_email: str | None = None,
    broker_id: object = None,
    invite_person: bool = True,
    site_url: str,
    complete: bool = True,
) -> Membership:
    """Register a person with a budget, and invite them, or whoever manages for them.

    ``complete`` (the console) requires date of birth, address and postcode; the API
    (``complete=False``) takes what a partner system has, checking whatever is given.
    With ``invite_person`` and an email the person is sent a link to set up their
    sign-in; a circle manager is invited to the circle with manage access; a broker
    is appointed with manage access; the council needs nothing more.
    """
    await require_registrar(actor)
    tenant = actor.tenant
    assert tenant is not None
    problems: list[FieldProblem] = []
    details = _check_details(
        problems,
        name=name,
        date_of_birth=date_of_birth,
        address=address,
        postcode=postcode,
        phone=phone,
        contact_preference=contact_preference,
        required=frozenset({"date_of_birth", "address", "postcode"} if complete else ()),
    )
    email = (email or "").strip() or None
    if email:
        email = _check_email_field(email, "email", problems)
    elif details.preference_stated and details.contact_preference == ContactPreference.EMAIL:
        problems.append(
            FieldProblem(
                "email", "Enter their email address, or choose another way to contact them"
            )
        )
    elif invite_person and budget_manager == BudgetManager.PERSON.value:
        problems.append(
            FieldProblem(
                "email",
                "Enter their email address so we can send them a link to sign in, "
                "or untick the box if they will not sign in",
            )
        )
    try:
        manager = BudgetManager(budget_manager or "")
    except ValueError:
        problems.append(FieldProblem("budget_manager", "Choose who will manage the budget"))
        manager = BudgetManager.COUNCIL
    broker = None
    if manager == BudgetManager.CIRCLE:
        if not (manager_email or "").strip():
            problems.append(
                FieldProblem(
                    "manager_email",
                    "Enter the email address of the family member or friend who will manage "
                    "the budget",
                )
            )
        else:
            manager_email = _check_email_field(manager_email or "", "manager_email", problems)
            if manager_email and manager_email == email:
                problems.append(
                    FieldProblem(
                        "manager_email",
                        "Enter the email address of someone other than the person",
                    )
                )
    elif manager == BudgetManager.BROKER:
        broker = await _broker(tenant.id, broker_id)
        if broker is None:
            problems.append(FieldProblem("broker", "Choose a broker"))
    if problems:
        raise InvalidInput("check the details", problems)
    if manager in (BudgetManager.CIRCLE, BudgetManager.BROKER):
        # Inviting to a circle or appointing a broker is council staff's power.
        await require_council(actor, Permission.MANAGE_CIRCLE)
    # Not stated (API): email if there is an address to write to, else a letter.
    preference = (
        details.contact_preference
        if details.preference_stated or email
        else ContactPreference.LETTER
    )
    async with in_transaction():
        user = await User.get_or_none(email=email) if email else None
        if user is not None and await Membership.exists(tenant_id=tenant.id, user_id=user.id):
            raise Conflict(f"{email} already has an account with this council")
        if user is None:
            user = await User.create(email=email, display_name=details.name)
        member = await Membership.create(tenant_id=tenant.id, user=user, roles=[Role.PERSON.value])
        member.user = user
        await PersonProfile.create(
            tenant_id=tenant.id,
            membership=member,
            date_of_birth=details.date_of_birth,
            address=details.address,
            postcode=details.postcode,
            phone=details.phone,
            contact_preference=preference,
            budget_manager=manager,
            manager=broker,
        )
        invited = bool(email and invite_person)
        if invited:
            await send_welcome(actor, member, site_url)
        if manager == BudgetManager.CIRCLE:
            await invite_to_circle(
                actor, member, manager_email or "", AccessLevel.MANAGE, None, site_url
            )
        elif manager == BudgetManager.BROKER:
            assert broker is not None
            await grant_broker(actor, member, broker.id, AccessLevel.MANAGE, None)
        await record(
            tenant.id,
            AuditAction.PERSON_REGISTERED,
            actor,
            target_type="person",
            target_id=member.id,
            target_label=details.name,
            details={
                "budget_manager": manager.value,
                "contact_preference": preference.value,
                "sign_in_link_sent": invited,
                "self_funder": False,
            },
        )
    return member


# ---------------------------------------------------------------------------
# A person's details: seeing and changing them
# ---------------------------------------------------------------------------


async def profile_of(person: Membership) -> PersonProfile | None:
    return await PersonProfile.get_or_none(membership_id=person.id).prefetch_related(
        "manager__user"
    )


async def profiles_of(people: list[Membership]) -> dict[Any, PersonProfile]:
    """``{membership id: profile}`` in one query (people registered before profiles have none)."""
    rows = await PersonProfile.filter(membership_id__in=[p.id for p in people])
    return {row.membership_id: row for row in rows}  # type: ignore[attr-defined]


async def circle_managers(person: Membership) -> list[Membership]:
    """Circle members with live manage access: who "a family member or friend" is."""
    today = uk_today()
    accesses = await PersonAccess.filter(
        tenant_id=person.tenant_id,
        person_id=person.id,
        revoked_at__isnull=True,
        kind=AccessKind.CIRCLE,
        access=AccessLevel.MANAGE,
    ).prefetch_related("grantee__user")
    return [a.grantee for a in accesses if a.expires_on is None or a.expires_on >= today]


async def update_profile(
    actor: Actor,
    person: Membership,
    *,
    name: str,
    date_of_birth: DateInput,
    address: str | None,
    postcode: str | None,
    phone: str | None,
    contact_preference: str,
) -> PersonProfile:
    """Change a person's details. Details already recorded can be corrected, not removed."""
    await require_person(actor, person, Permission.MANAGE_PERSON)
    await person.fetch_related("user")
    profile = await PersonProfile.get_or_none(membership_id=person.id)
    recorded = frozenset(
        field
        for field in ("date_of_birth", "address", "postcode")
        if profile is not None and getattr(profile, field)
    )
    you = actor.membership is not None and actor.membership.id == person.id
    problems: list[FieldProblem] = []
    details = _check_details(
        problems,
        name=name,
        date_of_birth=date_of_birth,
        address=address,
        postcode=postcode,
        phone=phone,
        contact_preference=contact_preference,
        required=recorded,
        you=you,
    )
    if details.contact_preference == ContactPreference.EMAIL and not person.user.email:
        who = "You have" if you else "They have"
        problems.append(
            FieldProblem(
                "contact_preference",
                f"{who} no email address here. Choose another way, or ask the council to add one",
            )
        )
    if problems:
        raise InvalidInput("check the details", problems)
    values = {
        "date_of_birth": details.date_of_birth,
        "address": details.address,
        "postcode": details.postcode,
        "phone": details.phone,
        "contact_preference": details.contact_preference,
    }
    async with in_transaction():
        if profile is None:
            profile = await PersonProfile.create(
                tenant_id=person.tenant_id, membership=person, **values
            )
            changed = [k for k, v in values.items() if v is not None]
        else:
            changed = [k for k, v in values.items() if getattr(profile, k) != v]
            if changed:
                profile.update_from_dict(values)
                await profile.save(update_fields=[*changed, "updated_at"])
        if details.name != person.user.display_name:
            changed.append("name")
            await User.filter(id=person.user.id).update(display_name=details.name)
            person.user.display_name = details.name
        if changed:
            await record(
                person.tenant_id,
                AuditAction.PROFILE_CHANGED,
                actor,
                target_type="person",
                target_id=person.id,
                target_label=details.name,
                details={"changed": sorted(changed)},  # which fields, never their values
            )
    return profile


# ---------------------------------------------------------------------------
# Self-funders: signing up, and their own money
# ---------------------------------------------------------------------------

SIGN_UP_REFUSAL = (
    "We could not create an account with these details. If you have used this website "
    "before, sign in or reset your password"
)
SIGN_UPS_PER_WINDOW = 10  # per network address, in throttle.WINDOW
SELF_FUNDED = "self-funded"
OWN_MONEY = "Your own money"


class SignUpThrottled(CarepurseError):
    def __init__(self, until: datetime) -> None:
        super().__init__("too many sign-ups")
        self.until = until


def sign_up_key(ip: str | None) -> str:
    return f"sign-up:{throttle.address_key(ip)}"


def check_sign_up_password(
    password: str, confirm: str, address: str | None, problems: list[FieldProblem]
) -> None:
    """The password rules every sign-up form shows, added to the form's ``problems``."""
    try:
        check_new_password(password, address)
    except InvalidInput as refused:
        problems += [
            FieldProblem("password", f"Your password {p.message}") for p in refused.problems
        ]
    if password != confirm:
        problems.append(FieldProblem("confirm", "Enter the same password twice"))


async def count_sign_up(tenant: Tenant, ip: str | None, address: str, reason: str) -> None:
    """Every sign-up attempt from an address counts (self-funders and providers share the
    limit); past it the attempt is audited and refused with SignUpThrottled."""
    key = sign_up_key(ip)
    await throttle.record_failure(key, SIGN_UPS_PER_WINDOW)
    until = await throttle.blocked_until(key)
    if until is not None:
        await record(
            tenant.id,
            AuditAction.SIGN_IN_FAILED,
            Actor(tenant=tenant, ip=ip),
            target_label=address,
            details={"reason": reason},
        )
        raise SignUpThrottled(until)


async def sign_up_self_funder(
    tenant: Tenant,
    *,
    name: str,
    email: str,
    password: str,
    confirm: str,
    postcode: str,
    date_of_birth: DateInput = None,
    ip: str | None = None,
    site_url: str,
) -> User:
    """Create an account for someone paying for their own care, and its person profile.

    An address that already has an account is refused with :data:`SIGN_UP_REFUSAL`,
    the words used for every refusal, and its owner is emailed how to sign in. Someone
    with an account at another council joins this one by giving that account's password.
    """
    problems: list[FieldProblem] = []
    details = _check_details(
        problems,
        name=name,
        date_of_birth=date_of_birth,
        address=None,
        postcode=postcode,
        phone=None,
        contact_preference=ContactPreference.EMAIL.value,
        required=frozenset({"postcode"}),
        you=True,
    )
    address = _check_email_field(email, "email", problems) if (email or "").strip() else None
    if not (email or "").strip():
        problems.append(FieldProblem("email", "Enter your email address"))
    check_sign_up_password(password, confirm, address, problems)
    if problems:
        raise InvalidInput("check your details", problems)
    assert address is not None
    await count_sign_up(tenant, ip, address, "sign-up throttled")
    user = await User.get_or_none(email=address)
    if user is not None:
        user = await _join_with_existing_account(tenant, user, details, password, ip, site_url)
    else:
        try:
            async with in_transaction():
                user = await User.create(
                    email=address,
                    display_name=details.name,
                    password_hash=hash_password(password),
                    password_changed_at=utcnow(),
                )
                await _make_self_funder(tenant, user, details, ip, existing_account=False)
        except IntegrityError:  # signed up a moment ago by another request
            raise InvalidInput(SIGN_UP_REFUSAL, [FieldProblem("email", SIGN_UP_REFUSAL)]) from None
    return user


async def _join_with_existing_account(
    tenant: Tenant, user: User, details: Details, password: str, ip: str | None, site_url: str
) -> User:
    """The right password of an account with no place here yet joins it; anything else is
    the generic refusal, and the account's owner is told how to sign in."""
    # Always the same password work, as long as creating an account takes: no timing clue.
    password_ok = verify_password(user.password_hash, password)
    blocked = await throttle.blocked_until(throttle.account_key(user.email or ""))
    member_here = await Membership.exists(tenant_id=tenant.id, user_id=user.id)
    if password_ok and blocked is None and not member_here:
        async with in_transaction():
            await _make_self_funder(tenant, user, details, ip, existing_account=True)
        return user
    if not password_ok and user.password_hash:  # a wrong guess counts as at sign-in
        await throttle.record_sign_in_failure(user.email or "", ip)
    await record(
        tenant.id,
        AuditAction.SIGN_IN_FAILED,
        Actor(tenant=tenant, ip=ip),
        target_label=user.email,
        details={"reason": "sign-up refused: the address has an account"},
    )
    base = site_url.rstrip("/")
    await queue_email(
        tenant.id,
        user.email or "",
        f"Someone tried to create an account with {tenant.name}",
        f"Hello {user.display_name},\n\nSomeone tried to create a new account on "
        f"{tenant.name}'s care and support website with this email address. You already "
        f"have an account.\n\nIf it was you, sign in at:\n\n{base}/sign-in\n\nIf you have "
        f"forgotten your password, reset it at:\n\n{base}/forgotten-password\n\nIf it was "
        f"not you, you can ignore this email. Nothing has changed.\n",
        purpose="sign-up-refused",
    )
    raise InvalidInput(SIGN_UP_REFUSAL, [FieldProblem("email", SIGN_UP_REFUSAL)])


async def _make_self_funder(
    tenant: Tenant, user: User, details: Details, ip: str | None, *, existing_account: bool
) -> Membership:
    member = await Membership.create(tenant_id=tenant.id, user=user, roles=[Role.PERSON.value])
    await PersonProfile.create(
        tenant_id=tenant.id,
        membership=member,
        date_of_birth=details.date_of_birth,
        postcode=details.postcode,
        contact_preference=ContactPreference.EMAIL,
        budget_manager=BudgetManager.PERSON,
        self_funder=True,
    )
    await record(
        tenant.id,
        AuditAction.PERSON_REGISTERED,
        Actor(tenant=tenant, user=user, membership=member, ip=ip),
        target_type="person",
        target_id=member.id,
        target_label=user.display_name,
        details={"self_funder": True, "signed_up": True, "existing_account": existing_account},
    )
    return member


async def current_self_funded_budget(person: Membership) -> Budget | None:
    """The person's active self-funded budget for a period that has not ended, if any."""
    stream = (
        await FundingStream.filter(
            tenant_id=person.tenant_id,
            funding_type=SELF_FUNDED,
            budget__person_id=person.id,
            budget__status=BudgetStatus.ACTIVE,
            budget__period_end__gte=uk_today(),
        )
        .order_by("-created_at")
        .prefetch_related("budget")
        .first()
    )
    return stream.budget if stream is not None else None


async def require_self_funder(actor: Actor) -> Membership:
    """The signed-in person, if they pay for their own care; anyone else is refused."""
    member = require_member(actor)
    profile = await PersonProfile.get_or_none(membership_id=member.id)
    if Role.PERSON not in actor.roles or profile is None or not profile.self_funder:
        raise await refuse(actor, Permission.SPEND_BUDGET, "self-funded budget")
    return member


async def open_self_funded_budget(actor: Actor, amount_pence: int) -> Budget:
    """A self-funder's own budget for this UK financial year: one "self-funded" stream paid
    once, today, with ``amount_pence``; more can be added later as top-ups.

    Only the person themselves, and one active self-funded budget at a time. No council
    permission is needed: it is their own money.
    """
    member = await require_self_funder(actor)
    if not isinstance(amount_pence, int) or amount_pence <= 0:
        raise InvalidInput("enter an amount", [FieldProblem("amount", "Enter an amount above £0")])
    if amount_pence > MAX_PENCE:
        raise InvalidInput(
            "too much", [FieldProblem("amount", f"Enter an amount up to {pounds(MAX_PENCE)}")]
        )
    tenant = actor.tenant
    assert tenant is not None and actor.user is not None
    today = uk_today()
    start, end = check_period(None, None)
    async with in_transaction():
        # One at a time: the person's row is locked (PostgreSQL) while we look and create.
        await Membership.filter(id=member.id).select_for_update().first()
        if await current_self_funded_budget(member) is not None:
            raise Conflict("you already have a budget for your own money")
        budget = await Budget.create(
            tenant_id=tenant.id,
            person=member,
            period_start=start,
            period_end=end,
            created_by=actor.audit_label[:300],
        )
        await add_stream(
            budget,
            StreamSpec(
                funding_type=SELF_FUNDED,
                instalment_pence=amount_pence,
                schedule=Schedule.ONE_OFF,
                first_payment_on=today,
                name=OWN_MONEY,
                top_ups_allowed=True,
            ),
            0,
        )
        await record(
            tenant.id,
            AuditAction.BUDGET_ALLOCATED,
            actor,
            target_type="budget",
            target_id=budget.id,
            target_label=actor.user.display_name,
            details={
                "period": [start.isoformat(), end.isoformat()],
                "streams": [SELF_FUNDED],
                "self_funded": True,
                "amount_pence": amount_pence,
            },
        )
    await credit_due_instalments(tenant.id, today, budget_id=budget.id)
    return budget


# ---------------------------------------------------------------------------
# Everyone a member supports, with their money: the broker's dashboard
# ---------------------------------------------------------------------------


def whole_pounds(pence: int) -> str:
    """``£820`` for whole pounds, ``£820.50`` otherwise."""
    text = pounds(pence)
    return text.removesuffix(".00")


@dataclass(frozen=True)
class SupportedBudget:
    """One row of the dashboard: a person, and one of their budgets (if they have one)."""

    person: Membership
    access: PersonAccess
    budget: Budget | None = None
    funding: str = ""
    figures: Figures | None = None
    outlook: Forecast | None = None
    warning: str | None = None
    warning_kind: str | None = None  # "overspend" or "underspend"

    @property
    def can_act(self) -> bool:
        return self.access.access == AccessLevel.MANAGE


def warning_for(
    outlook: Forecast, figures: Figures, underspend_percent: int
) -> tuple[str, str] | None:
    """``("Runs out on 3 March", "overspend")`` or ``("£820 likely unspent", "underspend")``.

    Unspent money is a warning when it is more than ``underspend_percent`` of the money
    the period brings (the council's monitoring threshold).
    """
    if outlook.runs_out_on is not None:
        day = outlook.runs_out_on
        year = "" if day.year == outlook.today.year else f" {day.year}"
        return f"Runs out on {day.day} {day:%B}{year}", "overspend"
    left = outlook.underspend_pence
    period_money = figures.received_pence + outlook.still_to_arrive_pence
    if period_money > 0 and left > 0 and left * 100 > period_money * underspend_percent:
        return f"{whole_pounds(left)} likely unspent", "underspend"
    return None


async def supported_budgets(actor: Actor, *, underspend_percent: int = 20) -> list[SupportedBudget]:
    """Every person the signed-in member supports (circle or broker access), each current
    budget with its money and forecast warning; people by name."""
    member = require_member(actor)
    accesses = await people_supported_by(member)
    today = uk_today()
    people = [a.person for a in accesses if Role.PERSON.value in a.person.roles]
    budgets = await Budget.filter(
        tenant_id=member.tenant_id,
        person_id__in=[p.id for p in people],
        status=BudgetStatus.ACTIVE,
        period_start__lte=today,
        period_end__gte=today,
    ).order_by("period_start", "created_at")
    by_person: dict[Any, list[Budget]] = {}
    for budget in budgets:
        by_person.setdefault(budget.person_id, []).append(budget)  # type: ignore[attr-defined]
    rows: list[SupportedBudget] = []
    seen: set[Any] = set()
    # By name; where someone has two grants for one person, the manage one counts.
    ordered = sorted(
        accesses,
        key=lambda a: (
            a.person.user.display_name.lower(),
            str(a.person.id),
            a.access != AccessLevel.MANAGE,
        ),
    )
    for access in ordered:
        person = access.person
        if Role.PERSON.value not in person.roles or person.id in seen:
            continue
        seen.add(person.id)
        own = by_person.get(person.id, [])
        if not own:
            rows.append(SupportedBudget(person, access))
        for budget in own:
            money = await budget_figures(budget)
            outlook = await forecast(budget, today)
            warning = warning_for(outlook, money.total, underspend_percent)
            rows.append(
                SupportedBudget(
                    person,
                    access,
                    budget,
                    ", ".join(s.stream.name for s in money.streams),
                    money.total,
                    outlook,
                    warning[0] if warning else None,
                    warning[1] if warning else None,
                )
            )
    return rows


async def supports_anyone(member: Membership) -> bool:
    return bool(await people_supported_by(member))
