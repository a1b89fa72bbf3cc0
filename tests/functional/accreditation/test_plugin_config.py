"""The accreditation plugin's settings are checked before anything is saved, and its
answer becomes the council's policy (carepurse_accreditation_policy)."""

from __future__ import annotations

import pytest

from core.accreditation.models import EvidenceKind
from core.accreditation.policy import accreditation_policy
from core.errors import InvalidInput
from core.hooks.tenant_info import TenantInfo
from core.hooks.tenant_managers import build_tenant_plugins
from tenants import services
from tenants.models import Tenant
from tests.factories import make_tenant

COUNCIL = TenantInfo(id=1, slug="testshire", name="Testshire Council")


async def test_every_bad_setting_is_refused_by_name_and_nothing_is_saved(db, registry):
    tenant = await make_tenant(registry=registry)
    with pytest.raises(InvalidInput) as refused:
        await services.configure_plugins(
            tenant,
            registry,
            enable=["accreditation"],
            settings={
                "accreditation": {
                    "mode": "strict",
                    "badge_label": "x" * 61,
                    "warning_days": 0,
                    "required_evidence": ["insurance", "horoscope"],
                    "colour": "gold",
                }
            },
        )
    fields = {problem.field for problem in refused.value.problems}
    assert fields == {
        "accreditation.mode",
        "accreditation.badge_label",
        "accreditation.warning_days",
        "accreditation.required_evidence.1",
        "accreditation.colour",
    }
    assert (await Tenant.get(id=tenant.id)).plugins == []


def test_defaults_and_tidying(registry):
    config = registry.get("accreditation").validate_config(
        {"badge_label": "  Testshire   Approved ", "required_evidence": ["dbs", "dbs", "cqc"]}
    )
    assert config.mode == "open" and config.warning_days == 30
    assert config.badge_label == "Testshire Approved"
    assert config.required_evidence == (EvidenceKind.DBS, EvidenceKind.CQC)


def test_the_policy_comes_from_the_plugin_or_the_open_default(registry):
    selection = [
        {
            "name": "accreditation",
            "config": {
                "mode": "kitemark",
                "badge_label": "Testshire Approved",
                "warning_days": 45,
                "required_evidence": ["insurance", "document"],
            },
        }
    ]
    plugins = build_tenant_plugins(COUNCIL, selection, registry)
    answers = plugins.collect("carepurse_accreditation_policy", tenant=COUNCIL)
    assert answers[0] == (
        "accreditation",
        {
            "mode": "kitemark",
            "badge_label": "Testshire Approved",
            "warning_days": 45,
            "required_evidence": ["insurance", "document"],
        },
    )
    policy = accreditation_policy(plugins)
    assert policy.listing_needs_accreditation and policy.warning_days == 45
    assert policy.required_evidence == (EvidenceKind.INSURANCE, EvidenceKind.DOCUMENT)
    default = accreditation_policy(build_tenant_plugins(COUNCIL, [], registry))
    assert default.mode == "open" and default.required_evidence == ()
