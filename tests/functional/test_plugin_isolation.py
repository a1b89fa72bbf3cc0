"""A council's plugins only ever serve that council: proven for every hook that exists."""

from __future__ import annotations

import inspect

from core.accreditation.policy import accreditation_policy
from core.hooks import specs
from core.orders.policy import ordering_policy
from tests.factories import make_tenant
from tests.support.jobs import run_queued_jobs
from tests.support.plugins import RecordingPlugin
from workers.scheduler import queue_todays_housekeeping, queue_todays_monitoring


def all_hook_names() -> set[str]:
    return {
        name
        for name, _ in inspect.getmembers(specs, inspect.isfunction)
        if name.startswith("carepurse_")
    }


def test_the_recording_plugin_covers_every_hook_kind():
    # Adding a hookspec without extending the isolation proof fails here.
    assert {name for name in dir(RecordingPlugin) if name.startswith("carepurse_")} == (
        all_hook_names()
    )


async def test_tenant_a_plugin_is_never_called_for_tenant_b(app, client_for, registry):
    RecordingPlugin.calls.clear()
    alpha = await make_tenant("alphaton", registry=registry, plugins={"recorder": {"label": "A"}})
    beta = await make_tenant("betaville", registry=registry, plugins={"recorder": {"label": "B"}})
    gamma = await make_tenant("gammaford")  # no recorder at all

    for tenant in (alpha, beta, gamma):
        for path in ("/", "/contact", "/sign-in", "/api/v1/council", "/theme.css"):
            assert (await client_for(tenant).get(path)).status_code == 200
        # carepurse_accreditation_policy: how the marketplace decides who is listed.
        accreditation_policy(app.state.runtime.plugins_for(tenant))
        # carepurse_ordering_policy: answer times, notice and auto-confirmation.
        ordering_policy(app.state.runtime.plugins_for(tenant))
    await queue_todays_housekeeping()
    await queue_todays_monitoring()  # carepurse_monitoring_policy, from the daily job
    await run_queued_jobs(app)

    seen_hooks = {hook for _, hook, _ in RecordingPlugin.calls}
    assert seen_hooks == all_hook_names(), "every hook kind was exercised"
    owners = {"A": "alphaton", "B": "betaville"}
    for label, hook, tenant_slug in RecordingPlugin.calls:
        assert tenant_slug == owners[label], f"plugin {label} called for {tenant_slug} in {hook}"
    assert "gammaford" not in {slug for *_, slug in RecordingPlugin.calls}


async def test_notice_from_one_council_never_appears_on_another(client_for, registry):
    alpha = await make_tenant(registry=registry, plugins={"recorder": {"label": "alpha-only"}})
    beta = await make_tenant(registry=registry)
    assert "notice from alpha-only" in (await client_for(alpha).get("/")).text
    assert "notice from alpha-only" not in (await client_for(beta).get("/")).text
