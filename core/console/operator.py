"""The platform operator's console, on the platform's own host: every council at a glance.

Suspending or reopening a council here does what ``carepurse tenant suspend``
does, for operators who prefer a browser; both are audited.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.audit.actions import AuditAction
from core.audit.services import record
from core.errors import InvalidInput
from core.identity.actor import Actor
from core.identity.models import Membership
from core.identity.permissions import PermissionDenied
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.platform import council_url
from core.web.responses import render
from tenants import services
from tenants.models import Tenant, TenantStatus


def require_operator(actor: Actor) -> None:
    if actor.tenant is not None or actor.user is None or not actor.user.is_platform_operator:
        raise PermissionDenied("only platform operators can do this")


async def _page(request: Request, status: int = 200, **extra: object) -> Response:
    require_operator(actor_of(request))
    rows = []
    for tenant in await services.list_tenants():
        url, host = council_url(request, tenant.slug)
        rows.append(
            {
                "tenant": tenant,
                "url": url,
                "addresses": [host, *(d.domain for d in tenant.domains)],
                "members": await Membership.filter(tenant_id=tenant.id).count(),
                "plugins": [entry["name"] for entry in tenant.plugins],
            }
        )
    extra.setdefault("errors", {})
    return render(
        request,
        "platform/operator.html",
        "Operator console",
        status_code=status,
        rows=rows,
        **extra,
    )


@signed_in
async def operator_home(request: Request) -> Response:
    return await _page(request, done=request.query_params.get("done"))


async def _change(request: Request, status: TenantStatus) -> Response:
    actor = actor_of(request)
    require_operator(actor)
    tenant: Tenant = await services.get_tenant(request.path_params["slug"])
    reason = (
        (await form_values(request)).get("reason") if status == TenantStatus.SUSPENDED else None
    )
    try:
        tenant = await services.set_status(tenant, status, reason)
    except InvalidInput as refused:
        errors = {f"reason-{tenant.slug}": m for m in field_errors(refused.problems).values()}
        return await _page(request, 400, errors=errors)
    await record(
        None,
        AuditAction.COUNCIL_STATUS_CHANGED,
        actor,
        target_type="tenant",
        target_id=tenant.id,
        target_label=tenant.name,
        details={"status": status.value, "reason": reason},
    )
    return see_other(f"/operator?done={tenant.slug}")


@signed_in
async def suspend(request: Request) -> Response:
    return await _change(request, TenantStatus.SUSPENDED)


@signed_in
async def activate(request: Request) -> Response:
    return await _change(request, TenantStatus.ACTIVE)


routes = [
    Route("/operator", operator_home, methods=["GET"], name="operator:home"),
    Route("/operator/councils/{slug}/suspend", suspend, methods=["POST"]),
    Route("/operator/councils/{slug}/activate", activate, methods=["POST"]),
]
