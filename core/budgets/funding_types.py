"""The funding types a council can use: the standard ones and any it defines."""

from __future__ import annotations

from core.audit.actions import AuditAction
from core.audit.services import record
from core.budgets.categories import STANDARD_FUNDING_TYPES, FundingType, check_categories
from core.budgets.models import FundingTypeDefinition
from core.errors import FieldProblem, InvalidInput
from core.identity.actor import Actor
from core.identity.permissions import require_council
from core.identity.roles import Permission


async def funding_types(tenant_id: int) -> list[FundingType]:
    own = await FundingTypeDefinition.filter(tenant_id=tenant_id).order_by("label")
    return [
        *STANDARD_FUNDING_TYPES,
        *(
            FundingType(
                t.code, t.label, tuple(t.allowed_categories) if t.allowed_categories else None
            )
            for t in own
        ),
    ]


async def funding_type(tenant_id: int, code: str) -> FundingType:
    for candidate in await funding_types(tenant_id):
        if candidate.code == code:
            return candidate
    raise InvalidInput(
        "unknown funding type",
        [FieldProblem("funding_type", "Choose a funding type from the list")],
    )


async def define_funding_type(
    tenant_id: int, code: str, label: str, categories: list[str] | None
) -> FundingTypeDefinition:
    code = code.strip().lower()
    label = " ".join(label.split())
    problems = []
    if (
        not code
        or not code.replace("-", "").isalnum()
        or any(t.code == code for t in STANDARD_FUNDING_TYPES)
    ):
        problems.append(
            FieldProblem("code", "Use letters, digits and hyphens, and not a standard type's code")
        )
    elif await FundingTypeDefinition.exists(tenant_id=tenant_id, code=code):
        problems.append(FieldProblem("code", "The council already has a type with this code"))
    if not 1 <= len(label) <= 120:
        problems.append(FieldProblem("label", "Give the type a name of up to 120 characters"))
    if problems:
        raise InvalidInput("check the funding type", problems)
    return await FundingTypeDefinition.create(
        tenant_id=tenant_id,
        code=code,
        label=label,
        allowed_categories=check_categories(categories),
    )


async def add_council_funding_type(
    actor: Actor, code: str, label: str, categories: list[str] | None
) -> FundingTypeDefinition:
    """Council officers and admins add their own funding types (audited)."""
    await require_council(actor, Permission.MANAGE_BUDGETS)
    assert actor.tenant is not None
    kind = await define_funding_type(actor.tenant.id, code, label, categories)
    await record(
        actor.tenant.id,
        AuditAction.BUDGET_ADJUSTED,
        actor,
        target_type="funding_type",
        target_id=kind.code,
        target_label=kind.label,
        details={"change": "funding type added", "categories": kind.allowed_categories},
    )
    return kind
