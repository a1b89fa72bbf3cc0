"""Kinds of service in one council: the standard list plus the council's own.

A council adds a category (``ServiceCategory``) under one of the standard
categories (core.budgets.categories). For budget restrictions it counts as that
parent: NHS money may pay for a council's "Hydrotherapy" if it sits under
"Therapy". A category may carry an Open Referral UK taxonomy term, so the feed
and the importer can map it to and from other directories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.audit.actions import AuditAction
from core.audit.services import record
from core.budgets.categories import BY_CODE, CATEGORIES
from core.errors import FieldProblem, InvalidInput
from core.identity.actor import Actor
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.marketplace.models import ServiceCategory
from tenants.models import Tenant

CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Taxonomies an Open Referral UK feed commonly uses (a hint, not a closed list).
COMMON_TAXONOMIES = ("esdServiceTypes", "esdNeeds", "esdCircumstances", "openActive")


@dataclass(frozen=True)
class Kind:
    """A kind of service as this council sees it."""

    code: str
    label: str
    standard_code: str  # itself for a standard category, the parent for a council's own
    own: bool = False  # added by this council
    taxonomy: str | None = None
    term_id: str | None = None

    @property
    def parent_label(self) -> str:
        return BY_CODE[self.standard_code].label


def _standard(code: str) -> Kind:
    return Kind(code, BY_CODE[code].label, code)


def _own(row: ServiceCategory) -> Kind:
    return Kind(row.code, row.label, row.parent_code, True, row.taxonomy, row.term_id)


def unknown_kind(code: str, field: str = "category") -> InvalidInput:
    # The same words as core.budgets.categories.category_label, so callers see one message.
    return InvalidInput(
        "unknown kind of service",
        [FieldProblem(field, f"{code!r} is not a kind of service we know")],
    )


async def kinds_of_service(tenant_id: int) -> list[Kind]:
    """Standard categories in their order, each followed by the council's own under it."""
    own = await ServiceCategory.filter(tenant_id=tenant_id).order_by("label")
    kinds: list[Kind] = []
    for category in CATEGORIES:
        kinds.append(_standard(category.code))
        kinds.extend(_own(row) for row in own if row.parent_code == category.code)
    return kinds


# tenant id -> ((config_version, created_at), kinds): the council's version is read with
# the council on every request, so a category added by any process is seen at once.
_KINDS: dict[int, tuple[tuple[int, object], list[Kind]]] = {}


async def kinds_for(tenant: Tenant) -> list[Kind]:
    """``kinds_of_service`` for the council a request is for, without a query while the
    council's configuration is unchanged (search pages ask on every request)."""
    version = (tenant.config_version, tenant.created_at)
    cached = _KINDS.get(tenant.id)
    if cached is not None and cached[0] == version:
        return cached[1]
    kinds = await kinds_of_service(tenant.id)
    _KINDS[tenant.id] = (version, kinds)
    return kinds


async def find_kind(tenant_id: int, code: str) -> Kind | None:
    if code in BY_CODE:
        return _standard(code)
    row = await ServiceCategory.get_or_none(tenant_id=tenant_id, code=code)
    return _own(row) if row is not None and row.parent_code in BY_CODE else None


async def kind_of_service(tenant_id: int, code: str, field: str = "category") -> Kind:
    """A standard category or this council's own; anything else is InvalidInput."""
    kind = await find_kind(tenant_id, code)
    if kind is None:
        raise unknown_kind(code, field)
    return kind


async def category_label_for(tenant_id: int, code: str) -> str:
    """The label people see for ``code`` in this council (InvalidInput if unknown)."""
    return (await kind_of_service(tenant_id, code)).label


async def labels_for(tenant_id: int) -> dict[str, str]:
    """``{code: label}`` for every kind of service in this council, in one query."""
    return {kind.code: kind.label for kind in await kinds_of_service(tenant_id)}


async def codes_under(tenant_id: int, code: str) -> list[str]:
    """``code`` and, for a standard category, the council's own categories under it."""
    if code not in BY_CODE:
        return [code]
    own = await ServiceCategory.filter(tenant_id=tenant_id, parent_code=code).values_list(
        "code", flat=True
    )
    return [code, *own]


async def add_category(
    actor: Actor,
    *,
    code: str,
    label: str,
    parent_code: str,
    taxonomy: str = "",
    term_id: str = "",
) -> ServiceCategory:
    """Council officers (market:manage) add a kind of service under a standard one."""
    await require_council(actor, Permission.MANAGE_MARKET)
    assert actor.tenant is not None
    tenant_id = actor.tenant.id
    code = code.strip().lower()
    label = " ".join(label.split())
    taxonomy, term_id = taxonomy.strip(), term_id.strip()
    problems = []
    if not label or len(label) > 120:
        problems.append(FieldProblem("label", "Enter a name of up to 120 characters"))
    if not CODE_RE.match(code) or len(code) > 60:
        problems.append(
            FieldProblem(
                "code", "Enter a code of lower-case letters, digits and hyphens, like hydrotherapy"
            )
        )
    elif code in BY_CODE:
        problems.append(FieldProblem("code", "That code is a standard category's: choose another"))
    elif await ServiceCategory.exists(tenant_id=tenant_id, code=code):
        problems.append(FieldProblem("code", "The council already has a category with this code"))
    if parent_code not in BY_CODE:
        problems.append(FieldProblem("parent_code", "Choose the standard category it comes under"))
    if len(taxonomy) > 120:
        problems.append(FieldProblem("taxonomy", "Enter a taxonomy name of up to 120 characters"))
    if len(term_id) > 200:
        problems.append(FieldProblem("term_id", "Enter a term id of up to 200 characters"))
    if bool(taxonomy) != bool(term_id):
        field = "term_id" if taxonomy else "taxonomy"
        problems.append(
            FieldProblem(field, "Enter both the Open Referral taxonomy and the term id, or neither")
        )
    if problems:
        raise InvalidInput("check the category", problems)
    async with in_transaction():
        category = await ServiceCategory.create(
            tenant_id=tenant_id,
            code=code,
            label=label,
            parent_code=parent_code,
            taxonomy=taxonomy or None,
            term_id=term_id or None,
        )
        # What every page of this council sees has changed: ``kinds_for`` reloads.
        await Tenant.filter(id=tenant_id).update(config_version=F("config_version") + 1)
        await record(
            tenant_id,
            AuditAction.CATEGORY_ADDED,
            actor,
            target_type="service_category",
            target_id=code,
            target_label=label,
            details={
                "parent": parent_code,
                "taxonomy": taxonomy or None,
                "term_id": term_id or None,
            },
        )
    return category
