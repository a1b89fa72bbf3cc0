"""Console: import an Open Referral UK feed (a file or an address) and see past imports."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.audit.display import when_text
from core.directory.fetch import MAX_FEED_BYTES
from core.directory.jobs import ImportView, import_file, recent_imports, request_url_import
from core.errors import InvalidInput
from core.identity.permissions import require_council
from core.identity.roles import Permission
from core.web.forms import actor_of, field_errors, form_values, see_other, signed_in
from core.web.responses import render, runtime_of

COUNT_LABELS = (
    ("services_added", "Services added"),
    ("services_updated", "Services updated"),
    ("services_unchanged", "Services unchanged"),
    ("services_paused", "Services paused (no longer in the feed)"),
    ("services_skipped", "Services skipped"),
    ("organisations_added", "Organisations added"),
    ("organisations_updated", "Organisations updated"),
)
STATE_TAGS = {
    "queued": ("Waiting to start", "govuk-tag--grey"),
    "running": ("Running", "govuk-tag--blue"),
    "imported": ("Imported", "govuk-tag--green"),
    "refused": ("Not imported", "govuk-tag--red"),
    "failed": ("Failed", "govuk-tag--red"),
}


def _row(view: ImportView) -> dict[str, Any]:
    label, tag = STATE_TAGS.get(view.state, (view.state, "govuk-tag--grey"))
    return {
        "view": view,
        "when": when_text(view.when),
        "state_label": label,
        "state_class": tag,
        "source": ("File " if view.kind == "file" else "Address ") + view.label,
        "counts": [(text, view.counts[key]) for key, text in COUNT_LABELS if key in view.counts],
    }


async def _page(request: Request, status: int = 200, **extra: Any) -> Response:
    actor = actor_of(request)
    await require_council(actor, Permission.MANAGE_MARKET)
    assert actor.tenant is not None
    imports = [_row(view) for view in await recent_imports(actor.tenant.id)]
    done = request.query_params.get("done")
    extra.setdefault("errors", {})
    extra.setdefault("values", {"pause_missing": "yes"})
    return render(
        request,
        "council/directory.html",
        "Community directory",
        status_code=status,
        imports=imports,
        done=next((row for row in imports if row["view"].key == done), None),
        queued=request.query_params.get("queued") == "1",
        feed_url=str(request.base_url) + "openreferral/services",
        max_megabytes=MAX_FEED_BYTES // 1_000_000,
        **extra,
    )


@signed_in
async def directory(request: Request) -> Response:
    return await _page(request)


@signed_in
async def upload(request: Request) -> Response:
    actor = actor_of(request)
    await require_council(actor, Permission.MANAGE_MARKET)
    too_big = {"feed": f"The file must be smaller than {MAX_FEED_BYTES // 1_000_000} MB"}
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FEED_BYTES + 64_000:
        return await _page(request, 413, errors=too_big)
    async with request.form(max_files=1, max_fields=10) as form:
        chosen = form.get("feed")
        pause_missing = form.get("pause_missing") == "yes"
        has_file = isinstance(chosen, UploadFile) and bool(chosen.filename)
        data = await chosen.read(MAX_FEED_BYTES + 1) if isinstance(chosen, UploadFile) else b""
        filename = chosen.filename if isinstance(chosen, UploadFile) else ""
    values = {"pause_missing": "yes" if pause_missing else ""}
    if not has_file:
        errors = {"feed": "Choose an Open Referral UK feed file (JSON) to upload"}
        return await _page(request, 400, errors=errors, values=values)
    if len(data) > MAX_FEED_BYTES:
        return await _page(request, 413, errors=too_big, values=values)
    run = await import_file(actor, filename or "", data, pause_missing)
    if run.summary.get("outcome") != "imported":
        errors = {"feed": str(run.summary.get("message") or "The file could not be imported")}
        return await _page(request, 400, errors=errors, values=values)
    return see_other(f"/council/directory?done={run.period_key}")


@signed_in
async def fetch(request: Request) -> Response:
    actor = actor_of(request)
    values = await form_values(request)
    settings = runtime_of(request).settings
    try:
        await request_url_import(
            actor, values.get("url", ""), values.get("pause_missing") == "yes", settings
        )
    except InvalidInput as refused:
        return await _page(request, 400, errors=field_errors(refused.problems), values=values)
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        relay.wake()
    return see_other("/council/directory?queued=1")


routes = [
    Route("/council/directory", directory, methods=["GET"], name="console:directory"),
    Route("/council/directory/upload", upload, methods=["POST"], name="console:directory-upload"),
    Route("/council/directory/fetch", fetch, methods=["POST"], name="console:directory-fetch"),
]
