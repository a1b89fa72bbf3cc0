"""A raising or misbehaving plugin is logged and isolated; the council's site stays up."""

from __future__ import annotations

import logging

from core.jobs.models import JobRun, JobStatus
from tests.factories import make_tenant
from tests.support.jobs import run_queued_jobs
from workers.scheduler import queue_todays_housekeeping


async def test_page_still_renders_when_a_plugin_raises_in_every_hook(client_for, registry, caplog):
    tenant = await make_tenant(
        "faultham",
        "Faultham Council",
        registry=registry,
        plugins={"exploder": {}, "service-notice": {"text": "Still here"}},
    )
    with caplog.at_level(logging.ERROR):
        response = await client_for(tenant).get("/")
    assert response.status_code == 200
    assert "Faultham Council" in response.text and "Still here" in response.text
    assert "plugin exploder raised in carepurse_theme_branding for tenant faultham" in caplog.text
    assert "plugin exploder raised in carepurse_page_notices" in caplog.text


async def test_unreadable_branding_from_a_plugin_falls_back_to_the_default(client_for, registry):
    tenant = await make_tenant(registry=registry, plugins={"bad-answers": {}})
    css = (await client_for(tenant).get("/theme.css")).text
    assert "#ffff00" not in css
    assert "--govuk-brand-colour: #24425e" in css


async def test_housekeeping_succeeds_when_a_plugin_raises(app, registry):
    tenant = await make_tenant(
        registry=registry, plugins={"exploder": {}, "recorder": {"label": "ok"}}
    )
    await queue_todays_housekeeping()
    await run_queued_jobs(app)
    run = await JobRun.get(tenant_id=tenant.id)
    assert run.status == JobStatus.SUCCEEDED
    assert run.summary["plugins"] == {"recorder": {"label": "ok"}}
