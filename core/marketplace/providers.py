"""Providers on a council's site: joining, bringing an organisation from another council,
the team, and who may do what to a store. Services only: no HTTP here.

A provider organisation (:class:`Provider`) is one body across councils; its people are
:class:`ProviderUser` rows (owner, manager, staff). In each council where it trades it has
one :class:`Store`, and each of its people who works there has a membership of that
council with the matching role (``provider_owner``, ``provider_manager``,
``provider_staff``). Both are needed to act for a store: :func:`require_provider`.

Joining (``/providers/join``) works like a self-funder's sign-up
(:func:`core.people.services.sign_up_self_funder`): every refusal reads the same,
whether or not the address has an account, the account's owner is emailed, and every
attempt from a network address counts towards the sign-up throttle it shares with
self-funders. Someone with an account at another council may join by giving that
account's password.

Bringing (``/providers/bring``) is for an owner whose organisation already trades in
another council: they sign in with their usual password (the same checks, throttle and
audit as the sign-in page), and the organisation gets a draft store here, its details
copied from its newest store elsewhere.

The team: owners invite managers and staff, managers invite staff. The
:class:`ProviderUser` row is made when the invitation is sent (an account without a
password is made for a new address, as when a council adds someone) and the council
role is given when the invitation is accepted, so nobody acts for a store before they
have accepted. The team belongs to the organisation, so it is the same in every
council; a colleague needs accepting an invitation on each council's site they work on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import record
from core.clock import utcnow
from core.email.services import queue_email
from core.errors import CarepurseError, Conflict, FieldProblem, InvalidInput, NotFound
from core.identity import throttle
from core.identity.accounts import (
    NotAMember,
    normalise_email,
    sign_in_with_password,
)
from core.identity.actor import Actor
from core.identity.invitations import check_email, open_invitation
from core.identity.models import (
    Invitation,
    InvitationPurpose,
    Membership,
    MembershipStatus,
    Role,
    User,
)
from core.identity.permissions import PermissionDenied, require_member
from core.identity.roles import Permission
from core.identity.secrets import hash_password, new_token, token_digest, verify_password
from core.marketplace.models import (
    Provider,
    ProviderRole,
    ProviderUser,
    PublishStatus,
    Source,
    Store,
)
from core.people.services import (
    SIGN_UP_REFUSAL,
    check_sign_up_password,
    count_sign_up,
)
from tenants.models import Tenant

MAX_ORGANISATION = 200
MAX_NAME = 120
INVITATION_LIFETIME = timedelta(days=7)
# An invitation is made just after the team place it offers, in the same transaction.
CLOCK_SLACK = timedelta(seconds=5)

# The council role that goes with each role in the organisation.
COUNCIL_ROLE: dict[ProviderRole, Role] = {
    ProviderRole.OWNER: Role.PROVIDER_OWNER,
    ProviderRole.MANAGER: Role.PROVIDER_MANAGER,
    ProviderRole.STAFF: Role.PROVIDER_STAFF,
}
PROVIDER_ROLE_VALUES = frozenset(role.value for role in COUNCIL_ROLE.values())
ROLE_LABELS = {
    ProviderRole.OWNER: "Owner",
    ProviderRole.MANAGER: "Manager",
    ProviderRole.STAFF: "Staff",
}
ROLE_HINTS = {
    ProviderRole.MANAGER: "Can change the store, its services, case studies and photos, "
    "and invite staff.",
    ProviderRole.STAFF: "Can add case studies and photos, and see everything else.",
}

# Who may do what to a store.
EVERYONE = (ProviderRole.OWNER, ProviderRole.MANAGER, ProviderRole.STAFF)
EDITORS = (ProviderRole.OWNER, ProviderRole.MANAGER)
OWNERS = (ProviderRole.OWNER,)
# Whom each role may invite to the team, or remove from it.
MAY_INVITE: dict[ProviderRole, tuple[ProviderRole, ...]] = {
    ProviderRole.OWNER: (ProviderRole.MANAGER, ProviderRole.STAFF),
    ProviderRole.MANAGER: (ProviderRole.STAFF,),
    ProviderRole.STAFF: (),
}


class NoStore(CarepurseError):
    """The signed-in member is not part of any provider's team with a store here."""


class NoOrganisationToBring(CarepurseError):
    """The account owns no organisation that trades elsewhere but not here yet."""


class ChooseOrganisation(CarepurseError):
    """The account owns several organisations that could come here: pick one."""

    def __init__(self, choices: list[Provider]) -> None:
        super().__init__("choose an organisation")
        self.choices = choices


# ---------------------------------------------------------------------------
# Who may act for a store
# ---------------------------------------------------------------------------


def is_provider_member(membership: Membership | None) -> bool:
    """An active membership with one of the provider roles."""
    return (
        membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and bool(PROVIDER_ROLE_VALUES & set(membership.roles))
    )


async def _refuse_store(actor: Actor, store: Store, roles: Sequence[ProviderRole]) -> None:
    await record(
        actor.tenant.id if actor.tenant else None,
        AuditAction.PERMISSION_REFUSED,
        actor,
        target_type="store",
        target_id=store.id,
        target_label=f"needs provider role {'/'.join(r.value for r in roles)}",
    )


async def confirmed_provider_ids(user_id: object) -> set[Any]:
    """The organisations whose team ``user_id`` has agreed to be in.

    An owner made the organisation (or was made its owner). Anyone else was invited,
    and their place counts once they have accepted a provider invitation sent after it
    was made (on any council's site: the team is the organisation's).
    """
    links = await ProviderUser.filter(user_id=user_id)
    confirmed = {link.provider_id for link in links if link.role == ProviderRole.OWNER}  # type: ignore[attr-defined]
    others = [link for link in links if link.role != ProviderRole.OWNER]
    if others:
        accepted = [
            invitation.created_at
            for invitation in await Invitation.filter(
                accepted_by_id=user_id,
                purpose=InvitationPurpose.COUNCIL,
                accepted_at__isnull=False,
            )
            if _is_provider_invitation(invitation)
        ]
        for link in others:
            if any(sent >= link.created_at - CLOCK_SLACK for sent in accepted):
                confirmed.add(link.provider_id)  # type: ignore[attr-defined]
    return confirmed


async def require_provider(
    actor: Actor, store: Store, roles: Sequence[ProviderRole] = EVERYONE
) -> ProviderUser:
    """The actor's place in ``store``'s organisation, if it has one of ``roles``.

    They must be in the organisation's team with the right role (having accepted, see
    :func:`confirmed_provider_ids`) *and* have an active membership of this council with
    a provider role. Another council's store is a :class:`NotFound`; anyone else is
    refused (audited) with :class:`PermissionDenied`.
    """
    membership = require_member(actor)
    if actor.tenant is None or store.tenant_id != actor.tenant.id:
        raise NotFound("no such store")
    assert actor.user is not None
    link = await ProviderUser.get_or_none(provider_id=store.provider_id, user_id=actor.user.id)
    in_team = (
        link is not None
        and is_provider_member(membership)
        and store.provider_id in await confirmed_provider_ids(actor.user.id)  # type: ignore[attr-defined]
    )
    if not in_team or link is None or link.role not in roles:
        await _refuse_store(actor, store, roles)
        if in_team:
            raise PermissionDenied(f"only a provider {' or '.join(roles)} may do this")
        raise PermissionDenied("you are not part of this provider's team")
    return link


async def stores_of(actor: Actor) -> list[Store]:
    """The stores here of the organisations the actor works for, by name."""
    if actor.tenant is None or actor.user is None or not is_provider_member(actor.membership):
        return []
    providers = await confirmed_provider_ids(actor.user.id)
    return (
        await Store.filter(tenant_id=actor.tenant.id, provider_id__in=list(providers) or [None])
        .order_by("name", "id")
        .prefetch_related("provider")
    )


async def console_store(
    actor: Actor, roles: Sequence[ProviderRole] = EVERYONE
) -> tuple[Store, ProviderUser]:
    """The store the signed-in provider works on here, and their place in its team.

    Someone in two organisations trading in one council works on the first by name.
    Raises :class:`NoStore` for anyone who is not in a provider's team here.
    """
    require_member(actor)
    stores = await stores_of(actor)
    if not stores:
        raise NoStore("you are not part of a provider's team on this website")
    store = stores[0]
    return store, await require_provider(actor, store, roles)


async def may_see_unpublished(actor: Actor, store: Store) -> bool:
    """The store's own team, and council staff who vet or shape the market, see a store
    that is not public (a draft, paused or not yet accredited): never audited, never
    refused, only asked."""
    if actor.tenant is None or store.tenant_id != actor.tenant.id:
        return False
    if actor.is_api_client:
        return "catalogue:read" in actor.scopes
    if actor.user is None or actor.membership is None:
        return False
    if actor.council_permissions & {Permission.MANAGE_MARKET, Permission.ACCREDIT_PROVIDERS}:
        return True
    if not is_provider_member(actor.membership):
        return False
    return store.provider_id in await confirmed_provider_ids(actor.user.id)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# Checking what people type
# ---------------------------------------------------------------------------


def tidy(text: str | None) -> str:
    return " ".join((text or "").split())


def check_organisation(organisation: str, problems: list[FieldProblem]) -> str:
    organisation = tidy(organisation)
    if not organisation:
        problems.append(FieldProblem("organisation", "Enter the name of your organisation"))
    elif len(organisation) > MAX_ORGANISATION:
        problems.append(
            FieldProblem(
                "organisation",
                f"Name of your organisation must be {MAX_ORGANISATION} characters or fewer",
            )
        )
    return organisation


def slug_for(name: str) -> str:
    """``"St Mary's Home Care Ltd"`` -> ``"st-marys-home-care-ltd"`` (at most 60 characters)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"['’]", "", plain.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60].strip("-")
    return slug or "provider"


async def _free_slug(tenant_id: int, name: str) -> str:
    base = slug_for(name)
    taken = set(
        await Store.filter(tenant_id=tenant_id, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


# ---------------------------------------------------------------------------
# Joining: a new organisation and its first store
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    user: User
    store: Store


def _add_roles(membership: Membership, roles: Iterable[str]) -> list[str]:
    return sorted(set(membership.roles) | set(roles))


async def _give_council_role(tenant: Tenant, user: User, role: Role) -> Membership:
    """Add ``role`` to the user's membership here, making the membership if need be."""
    membership = await Membership.get_or_none(tenant_id=tenant.id, user_id=user.id)
    if membership is None:
        membership = await Membership.create(tenant_id=tenant.id, user=user, roles=[role.value])
    elif role.value not in membership.roles:
        membership.roles = _add_roles(membership, [role.value])
        await Membership.filter(id=membership.id).update(roles=membership.roles)
    membership.user = user
    return membership


async def _open_store(
    tenant: Tenant, provider: Provider, name: str, copy_from: Store | None = None
) -> Store:
    values: dict[str, Any] = {}
    if copy_from is not None:
        values = {
            field: getattr(copy_from, field)
            for field in (
                "description",
                "tier",
                "brand_colour",
                "brand_text_colour",
                "phone",
                "email",
                "website",
                "address",
                "postcode",
            )
        }
    return await Store.create(
        tenant_id=tenant.id,
        provider=provider,
        name=name,
        slug=await _free_slug(tenant.id, name),
        status=PublishStatus.DRAFT,
        source=Source.PROVIDER,
        **values,
    )


async def _new_organisation(
    tenant: Tenant, user: User, organisation: str, ip: str | None, how: str
) -> Store:
    """A provider owned by ``user``, its draft store here and the owner's council role."""
    membership = await _give_council_role(tenant, user, Role.PROVIDER_OWNER)
    provider = await Provider.create(name=organisation)
    await ProviderUser.create(provider=provider, user=user, role=ProviderRole.OWNER)
    store = await _open_store(tenant, provider, organisation)
    await record(
        tenant.id,
        AuditAction.PROVIDER_JOINED,
        Actor(tenant=tenant, user=user, membership=membership, ip=ip),
        target_type="store",
        target_id=store.id,
        target_label=organisation,
        details={"how": how, "provider_id": str(provider.id)},
    )
    return store


async def join_as_provider(
    tenant: Tenant,
    *,
    organisation: str,
    name: str,
    email: str,
    password: str,
    confirm: str,
    ip: str | None = None,
    site_url: str,
) -> Joined:
    """Sign up a provider organisation: an account, its owner role here, a draft store.

    Any refusal after the fields are checked is :data:`SIGN_UP_REFUSAL`, whatever the
    reason; an address with an account here is never told apart from a mistake.
    """
    problems: list[FieldProblem] = []
    organisation = check_organisation(organisation, problems)
    name = tidy(name)
    if not name:
        problems.append(FieldProblem("name", "Enter your full name"))
    elif len(name) > MAX_NAME:
        problems.append(FieldProblem("name", f"Your name must be {MAX_NAME} characters or fewer"))
    address = None
    if not (email or "").strip():
        problems.append(FieldProblem("email", "Enter your email address"))
    else:
        try:
            address = check_email(email)
        except InvalidInput:
            problems.append(FieldProblem("email", "Enter an email address, like name@example.com"))
    check_sign_up_password(password, confirm, address, problems)
    if problems:
        raise InvalidInput("check your details", problems)
    assert address is not None
    await count_sign_up(tenant, ip, address, "provider sign-up throttled")
    user = await User.get_or_none(email=address)
    if user is not None:
        return await _join_with_existing_account(tenant, user, organisation, password, ip, site_url)
    try:
        async with in_transaction():
            user = await User.create(
                email=address,
                display_name=name,
                password_hash=hash_password(password),
                password_changed_at=utcnow(),
            )
            store = await _new_organisation(tenant, user, organisation, ip, "sign-up")
    except IntegrityError:  # the same address signed up a moment ago
        raise InvalidInput(SIGN_UP_REFUSAL, [FieldProblem("email", SIGN_UP_REFUSAL)]) from None
    return Joined(user, store)


async def _join_with_existing_account(
    tenant: Tenant, user: User, organisation: str, password: str, ip: str | None, site_url: str
) -> Joined:
    """The right password of an account with no place here yet joins; anything else gets
    the generic refusal, and the account's owner is told how to sign in."""
    password_ok = verify_password(user.password_hash, password)  # same work either way
    blocked = await throttle.blocked_until(throttle.account_key(user.email or ""))
    member_here = await Membership.exists(tenant_id=tenant.id, user_id=user.id)
    if password_ok and blocked is None and not member_here:
        async with in_transaction():
            store = await _new_organisation(tenant, user, organisation, ip, "existing account")
        return Joined(user, store)
    if not password_ok and user.password_hash:  # a wrong guess counts as at sign-in
        await throttle.record_sign_in_failure(user.email or "", ip)
    await record(
        tenant.id,
        AuditAction.SIGN_IN_FAILED,
        Actor(tenant=tenant, ip=ip),
        target_label=user.email,
        details={"reason": "provider sign-up refused: the address has an account"},
    )
    base = site_url.rstrip("/")
    await queue_email(
        tenant.id,
        user.email or "",
        f"Someone tried to register a provider with {tenant.name}",
        f"Hello {user.display_name},\n\nSomeone tried to register a care provider on "
        f"{tenant.name}'s care and support website with this email address. You already "
        f"have an account.\n\nIf it was you, sign in first and then register your "
        f"organisation:\n\n{base}/sign-in?next=/providers/join\n\nIf your organisation "
        f"already works with another council on this service, bring it here instead:\n\n"
        f"{base}/providers/bring\n\nIf you have forgotten your password, reset it at:\n\n"
        f"{base}/forgotten-password\n\nIf it was not you, you can ignore this email. "
        f"Nothing has changed.\n",
        purpose="sign-up-refused",
    )
    raise InvalidInput(SIGN_UP_REFUSAL, [FieldProblem("email", SIGN_UP_REFUSAL)])


async def register_organisation(actor: Actor, organisation: str) -> Store:
    """A signed-in member of this council registers an organisation they run."""
    require_member(actor)
    assert actor.tenant is not None and actor.user is not None
    problems: list[FieldProblem] = []
    organisation = check_organisation(organisation, problems)
    if problems:
        raise InvalidInput("check the name", problems)
    if await stores_of(actor):
        raise Conflict("you already run a store on this website")
    async with in_transaction():
        return await _new_organisation(
            actor.tenant, actor.user, organisation, actor.ip, "signed in"
        )


# ---------------------------------------------------------------------------
# Bringing an organisation from another council
# ---------------------------------------------------------------------------


async def organisations_to_bring(tenant: Tenant, user: User) -> list[Provider]:
    """Organisations ``user`` owns that have a store in another council but not here."""
    owned = await ProviderUser.filter(user_id=user.id, role=ProviderRole.OWNER).values_list(
        "provider_id", flat=True
    )
    here = set(
        await Store.filter(tenant_id=tenant.id, provider_id__in=list(owned) or [None]).values_list(
            "provider_id", flat=True
        )
    )
    trading = set(
        await Store.filter(provider_id__in=list(owned) or [None]).values_list(
            "provider_id", flat=True
        )
    )
    wanted = [p for p in owned if p not in here and p in trading]
    return await Provider.filter(id__in=wanted or [None], external=False).order_by("name", "id")


async def bring_organisation(
    tenant: Tenant, user: User, provider_id: object = None, ip: str | None = None
) -> Store:
    """Give an organisation ``user`` owns a draft store here, copying its newest store's
    details, and make ``user`` its owner on this council's site.

    Raises :class:`NoOrganisationToBring`, or :class:`ChooseOrganisation` when the
    account owns several and ``provider_id`` names none of them.
    """
    choices = await organisations_to_bring(tenant, user)
    if not choices:
        raise NoOrganisationToBring("this account has no organisation to bring here")
    chosen = next((p for p in choices if str(p.id) == str(provider_id)), None)
    if chosen is None:
        if len(choices) > 1:
            raise ChooseOrganisation(choices)
        chosen = choices[0]
    existing = await Membership.get_or_none(tenant_id=tenant.id, user_id=user.id)
    if existing is not None and existing.status == MembershipStatus.BARRED:
        raise Conflict("this account is barred by the council; contact the council")
    newest = await Store.filter(provider_id=chosen.id).order_by("-updated_at").first()
    try:
        async with in_transaction():
            membership = await _give_council_role(tenant, user, Role.PROVIDER_OWNER)
            store = await _open_store(
                tenant, chosen, newest.name if newest else chosen.name, newest
            )
            await record(
                tenant.id,
                AuditAction.PROVIDER_JOINED,
                Actor(tenant=tenant, user=user, membership=membership, ip=ip),
                target_type="store",
                target_id=store.id,
                target_label=store.name,
                details={"how": "brought from another council", "provider_id": str(chosen.id)},
            )
    except IntegrityError:  # brought a moment ago by another request
        raise Conflict("your organisation already has a store here") from None
    return store


async def bring_with_password(
    tenant: Tenant, email: str, password: str, provider_id: object = None, ip: str | None = None
) -> tuple[User, Store]:
    """Check the account's password as the sign-in page does (the same refusals, throttle
    and audit), then bring its organisation here.

    Raises the sign-in page's ``SignInRefused``, ``SignInThrottled`` or
    ``AccountBarred``, then what :func:`bring_organisation` raises.
    """
    try:
        user = (await sign_in_with_password(tenant, email, password, ip)).user
    except NotAMember as outsider:  # the right password, no place here yet: the usual case
        user = outsider.user
    return user, await bring_organisation(tenant, user, provider_id, ip)


# ---------------------------------------------------------------------------
# The team
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamMember:
    """One person in the organisation's team and where they stand on this council's site.

    ``status``: ``active`` (can work here), ``invited`` (an invitation is waiting),
    ``barred`` (the council has barred the account) or ``not_here`` (in the team on
    another council's site only). Until someone has accepted, only the address the
    inviter typed is shown, never the name on an existing account.
    """

    link: ProviderUser
    email: str
    name: str | None
    status: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.link.role]


def _is_provider_invitation(invitation: Invitation) -> bool:
    return invitation.purpose == InvitationPurpose.COUNCIL and bool(
        PROVIDER_ROLE_VALUES & set(invitation.roles or [])
    )


async def _open_provider_invitations(tenant_id: int, emails: Iterable[str]) -> list[Invitation]:
    found = await Invitation.filter(
        tenant_id=tenant_id,
        email__in=list(emails) or [""],
        purpose=InvitationPurpose.COUNCIL,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=utcnow(),
    )
    return [invitation for invitation in found if _is_provider_invitation(invitation)]


async def team_of(actor: Actor, store: Store) -> list[TeamMember]:
    """Everyone in the store's organisation: owners first, then by name or address."""
    await require_provider(actor, store, EVERYONE)
    links = await ProviderUser.filter(provider_id=store.provider_id).prefetch_related("user")
    users = [link.user.id for link in links]
    memberships = {
        m.user_id: m  # type: ignore[attr-defined]
        for m in await Membership.filter(tenant_id=store.tenant_id, user_id__in=users or [None])
    }
    emails = [link.user.email for link in links if link.user.email]
    waiting = {i.email for i in await _open_provider_invitations(store.tenant_id, emails)}
    confirmed = {
        user_id: await confirmed_provider_ids(user_id)
        for user_id in {link.user.id for link in links}
    }
    team = []
    for link in links:
        membership = memberships.get(link.user.id)
        agreed = store.provider_id in confirmed[link.user.id]  # type: ignore[attr-defined]
        if agreed and membership is not None and membership.status == MembershipStatus.BARRED:
            status = "barred"
        elif agreed and is_provider_member(membership):
            status = "active"
        elif link.user.email in waiting:
            status = "invited"
        else:
            status = "not_here"
        team.append(
            TeamMember(
                link=link,
                email=link.user.email or "",
                name=link.user.display_name if status in ("active", "barred") else None,
                status=status,
            )
        )
    order = {ProviderRole.OWNER: 0, ProviderRole.MANAGER: 1, ProviderRole.STAFF: 2}
    return sorted(team, key=lambda m: (order[m.link.role], (m.name or m.email).lower()))


def _choose_role(role: str, allowed: Sequence[ProviderRole]) -> ProviderRole:
    try:
        chosen = ProviderRole(role or "")
    except ValueError:
        chosen = None
    if chosen is None or chosen == ProviderRole.OWNER:
        raise InvalidInput("choose a role", [FieldProblem("role", "Choose manager or staff")])
    if chosen not in allowed:
        raise InvalidInput(
            "you may not give that role",
            [FieldProblem("role", "Managers can invite staff only. Ask an owner to add a manager")],
        )
    return chosen


async def invite_to_team(
    actor: Actor, store: Store, email: str, role: str, site_url: str
) -> Invitation:
    """Invite a colleague to the team and to work on this council's site.

    The answer is the same whether or not the address has an account. Inviting
    someone already in the team who is not yet working here (they work with another
    council, or their invitation expired) sends a fresh invitation with their role.
    """
    me = await require_provider(actor, store, EDITORS)
    assert actor.tenant is not None
    allowed = MAY_INVITE[me.role]
    chosen = _choose_role(role, allowed)
    if not (email or "").strip():
        raise InvalidInput(
            "enter an email address",
            [FieldProblem("email", "Enter your colleague's email address")],
        )
    try:
        address = check_email(email)
    except InvalidInput:
        raise InvalidInput(
            "enter an email address",
            [FieldProblem("email", "Enter an email address, like name@example.com")],
        ) from None
    await store.fetch_related("provider")
    async with in_transaction():
        user = await User.get_or_none(email=address)
        if user is None:
            user = await User.create(email=address, display_name=address)
        link = await ProviderUser.get_or_none(provider_id=store.provider_id, user_id=user.id)
        if link is not None:
            membership = await Membership.get_or_none(tenant_id=store.tenant_id, user_id=user.id)
            agreed = store.provider_id in await confirmed_provider_ids(user.id)  # type: ignore[attr-defined]
            if agreed and is_provider_member(membership):
                raise InvalidInput(
                    "already in the team",
                    [FieldProblem("email", f"{address} is already in your team")],
                )
            if link.role not in allowed:
                raise InvalidInput(
                    "you may not invite them",
                    [FieldProblem("email", "Ask an owner to invite this person to this website")],
                )
            chosen = link.role
        else:
            link = await ProviderUser.create(provider_id=store.provider_id, user=user, role=chosen)
        # One open invitation per address: a new one replaces any earlier.
        earlier = await _open_provider_invitations(store.tenant_id, [address])
        if earlier:
            await Invitation.filter(id__in=[i.id for i in earlier]).update(revoked_at=utcnow())
        token = new_token()
        invitation = await Invitation.create(
            tenant_id=store.tenant_id,
            email=address,
            purpose=InvitationPurpose.COUNCIL,
            roles=[COUNCIL_ROLE[chosen].value],
            token_hash=token_digest(token),
            invited_by=actor.user,
            expires_at=utcnow() + INVITATION_LIFETIME,
        )
        who = actor.user.display_name if actor.user else store.provider.name
        await queue_email(
            store.tenant_id,
            address,
            f"{who} has invited you to join {store.provider.name}",
            f"Hello,\n\n{who} has invited you to join {store.provider.name}'s team on "
            f"{actor.tenant.name}'s care and support website, as "
            f"{'a manager' if chosen == ProviderRole.MANAGER else 'staff'}.\n\n"
            f"To accept, open this link within 7 days:\n\n{site_url.rstrip('/')}/providers/"
            f"invitations/{token}\n\nIf you were not expecting this, you can ignore this "
            f"email.\n",
            purpose="invitation",
        )
        await record(
            store.tenant_id,
            AuditAction.INVITATION_SENT,
            actor,
            target_type="store",
            target_id=store.id,
            target_label=store.name,
            details={"email": address, "role": chosen.value},
        )
    return invitation


async def remove_from_team(actor: Actor, store: Store, link_id: object) -> ProviderUser:
    """Take someone out of the organisation's team (everywhere it trades): owners remove
    managers and staff, managers remove staff; nobody removes an owner or themselves."""
    me = await require_provider(actor, store, EDITORS)
    key = int(link_id) if str(link_id or "").isdigit() else None
    link = (
        await ProviderUser.get_or_none(id=key, provider_id=store.provider_id).prefetch_related(
            "user"
        )
        if key is not None
        else None
    )
    if link is None:
        raise NotFound("no such team member")
    if link.user.id == me.user_id:  # type: ignore[attr-defined]
        raise InvalidInput(
            "not yourself", [FieldProblem("team_member", "You cannot remove yourself")]
        )
    if link.role == ProviderRole.OWNER:
        raise InvalidInput(
            "not an owner", [FieldProblem("team_member", "You cannot remove an owner")]
        )
    if link.role not in MAY_INVITE[me.role]:
        await _refuse_store(actor, store, OWNERS)
        raise PermissionDenied("only an owner may remove a manager")
    async with in_transaction():
        await ProviderUser.filter(id=link.id).delete()
        if link.user.email:
            waiting = await _open_provider_invitations(store.tenant_id, [link.user.email])
            if waiting:
                await Invitation.filter(id__in=[i.id for i in waiting]).update(revoked_at=utcnow())
        await _drop_unbacked_roles(store.tenant_id, link.user)
        await record(
            store.tenant_id,
            AuditAction.TEAM_MEMBER_REMOVED,
            actor,
            target_type="store",
            target_id=store.id,
            target_label=store.name,
            details={"email": link.user.email, "role": link.role.value},
        )
    return link


async def _drop_unbacked_roles(tenant_id: int, user: User) -> None:
    """Provider roles here that no organisation with a store here stands behind any more."""
    membership = await Membership.get_or_none(tenant_id=tenant_id, user_id=user.id)
    if membership is None or not PROVIDER_ROLE_VALUES & set(membership.roles):
        return
    providers = await ProviderUser.filter(user_id=user.id).values_list("provider_id", flat=True)
    if await Store.exists(tenant_id=tenant_id, provider_id__in=list(providers) or [None]):
        return
    roles = [role for role in membership.roles if role not in PROVIDER_ROLE_VALUES]
    await Membership.filter(id=membership.id).update(roles=roles)


@dataclass(frozen=True)
class TeamInvitation:
    """An open invitation to a provider's team, for its acceptance page."""

    invitation: Invitation
    store: Store | None
    role: ProviderRole


async def open_team_invitation(tenant: Tenant, token: str) -> TeamInvitation:
    """The waiting invitation ``token`` opens, if it is to a provider's team."""
    invitation = await open_invitation(tenant, token)
    if not _is_provider_invitation(invitation):
        raise NotFound("no such invitation")
    role = next(role for role, council in COUNCIL_ROLE.items() if council.value in invitation.roles)
    invitee = await User.get_or_none(email=normalise_email(invitation.email))
    store = None
    if invitee is not None:
        providers = await ProviderUser.filter(user_id=invitee.id).values_list(
            "provider_id", flat=True
        )
        candidates = Store.filter(tenant_id=tenant.id, provider_id__in=list(providers) or [None])
        if invitation.invited_by is not None:
            inviter = await ProviderUser.filter(user_id=invitation.invited_by.id).values_list(
                "provider_id", flat=True
            )
            candidates = candidates.filter(provider_id__in=list(inviter) or [None])
        store = await candidates.order_by("name").first()
    return TeamInvitation(invitation, store, role)
