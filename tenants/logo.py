"""Uploading a council's logo into its public files and pointing its theme at it."""

from __future__ import annotations

import hashlib

import filetype

from core.errors import FieldProblem, InvalidInput
from core.runtime import Runtime
from tenants import services
from tenants.models import Tenant

MAX_LOGO_BYTES = 1_000_000
RASTER_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
BRANDING_PLUGIN = "council-branding"


def logo_extension(data: bytes) -> str:
    """Recognise the image by its content, not its file name."""
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidInput("logo too large", [FieldProblem("logo", "must be 1 MB or smaller")])
    kind = filetype.guess(data)
    if kind is not None and kind.mime in RASTER_TYPES:
        return RASTER_TYPES[kind.mime]
    head = data[:2048].decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if head.startswith(("<svg", "<?xml")) and "<svg" in head:
        return "svg"
    raise InvalidInput(
        "logo is not an image we can show",
        [FieldProblem("logo", "must be an SVG, PNG, JPEG or WebP image")],
    )


async def upload_logo(runtime: Runtime, tenant: Tenant, filename: str, data: bytes) -> str:
    """Store the logo under a content-hashed name and show it in the council's header."""
    extension = logo_extension(data)
    digest = hashlib.sha256(data).hexdigest()[:16]
    key = f"branding/logo-{digest}.{extension}"
    await runtime.storage.put(tenant.id, f"public/{key}", data)
    url = f"/media/{key}"
    enabled = [entry["name"] for entry in tenant.plugins]
    await services.configure_plugins(
        tenant,
        runtime.registry,
        enable=[] if BRANDING_PLUGIN in enabled else [BRANDING_PLUGIN],
        settings={BRANDING_PLUGIN: {"logo_url": url}},
    )
    return url
