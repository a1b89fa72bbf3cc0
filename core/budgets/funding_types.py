"""The funding types a council can use: the standard ones and any it defines."""

from __future__ import annotations

from core.budgets.categories import STANDARD_FUNDING_TYPES, FundingType, check_categories
from core.budgets.models import FundingTypeDefinition
from core.errors import FieldProblem, InvalidInput


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
    if not code.replace("-", "").isalnum() or any(t.code == code for t in STANDARD_FUNDING_TYPES):
        raise InvalidInput(
            "choose another code",
            [FieldProblem("code", "Use letters, digits and hyphens, not a standard type")],
        )
    return await FundingTypeDefinition.create(
        tenant_id=tenant_id,
        code=code,
        label=label.strip()[:120],
        allowed_categories=check_categories(categories),
    )
