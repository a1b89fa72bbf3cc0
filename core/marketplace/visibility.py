"""Which services a visitor may see in a council's marketplace.

One rule, used by search, compare, service and store pages and the Open
Referral feed: the service and its store are live; under a ``kitemark``
policy the provider is accredited by this council (and not suspended); a
private service is seen only by the people the provider named (and by the
provider's own staff, who manage it elsewhere).
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core.accreditation.models import Accreditation, AccreditationStatus
from core.accreditation.policy import AccreditationPolicy
from core.clock import uk_today
from core.identity.actor import Actor
from core.marketplace.models import PrivateAudience, PublishStatus, Service, Visibility


async def accredited_provider_ids(tenant_id: int) -> set[Any]:
    """Providers this council has accredited, whose accreditation has not expired."""
    today = uk_today()
    rows = (
        await Accreditation.filter(tenant_id=tenant_id, status=AccreditationStatus.ACCREDITED)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("provider_id", flat=True)
    )
    return set(rows)


async def visible_services(actor: Actor, policy: AccreditationPolicy) -> QuerySet[Service]:
    """A query of the services ``actor`` may see here (add filters, order and paging to it)."""
    assert actor.tenant is not None
    query = Service.filter(
        tenant_id=actor.tenant.id,
        status=PublishStatus.LIVE,
        store__status=PublishStatus.LIVE,
    )
    if policy.listing_needs_accreditation:
        query = query.filter(
            store__provider_id__in=list(await accredited_provider_ids(actor.tenant.id)) or [None]
        )
    audience_ids: list[Any] = []
    if actor.membership is not None:
        audience_ids = list(
            await PrivateAudience.filter(
                tenant_id=actor.tenant.id, membership_id=actor.membership.id
            ).values_list("service_id", flat=True)
        )
    return query.filter(Q(visibility=Visibility.PUBLIC) | Q(id__in=audience_ids or [None]))
