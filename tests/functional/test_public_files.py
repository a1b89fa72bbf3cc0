"""A council's public files (its logo) over HTTP: kept per council, served only from public/."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from core.errors import InvalidInput
from core.storage import storage_from_url
from tenants.logo import MAX_LOGO_BYTES, upload_logo
from tests.factories import branding, make_tenant

SVG_LOGO = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10">'
    b'<rect width="40" height="10" fill="#005a30"/></svg>\n'
)
EVIDENCE = b"%PDF-1.7 a resident's private evidence"


@pytest.fixture(autouse=True)
def empty_storage(app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty storage folder for each test.

    The app's folder lasts the whole session, but council ids start again at 1 in every
    test (PostgreSQL's TRUNCATE ... RESTART IDENTITY), so files an earlier test stored
    for "council 2" would otherwise still be there for this test's council 2.
    """
    runtime = app.state.runtime
    settings = runtime.settings.model_copy(update={"storage_url": f"file://{tmp_path}/storage"})
    monkeypatch.setattr(runtime, "storage", storage_from_url(settings))


def png_1x1() -> bytes:
    """A valid 1x1 opaque PNG, built chunk by chunk with real CRCs."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\x00\x5a\x30")  # filter byte, then one RGB pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def raw_get(app: Any, host: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (``..`` and all), as a server that does not tidy paths would.

    httpx, like a browser, removes ``..`` segments before sending; this does not.
    """
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", host.encode())],
        "client": ("127.0.0.1", 50000),
        "server": (host, 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


async def test_uploaded_logo_is_shown_in_the_councils_page_header(app, client_for):
    council = await make_tenant("logoford", "Logoford Council")

    url = await upload_logo(app.state.runtime, council, "our logo.svg", SVG_LOGO)

    assert re.fullmatch(r"/media/branding/logo-[0-9a-f]{16}\.svg", url)
    page = (await client_for(council).get("/")).text
    assert f'<img class="cp-header__logo" src="{url}"' in page


async def test_logo_is_served_with_its_type_and_headers_that_stop_it_acting_as_a_page(
    app, client_for
):
    council = await make_tenant()
    url = await upload_logo(app.state.runtime, council, "logo.svg", SVG_LOGO)

    response = await client_for(council).get(url)

    assert response.status_code == 200
    assert response.content == SVG_LOGO
    assert response.headers["content-type"] == "image/svg+xml"
    policy = response.headers["content-security-policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_the_same_logo_path_on_another_councils_site_is_not_found(app, client_for):
    owner = await make_tenant("ownerton", "Ownerton Council")
    other = await make_tenant("otherby", "Otherby Council")
    url = await upload_logo(app.state.runtime, owner, "logo.svg", SVG_LOGO)

    response = await client_for(other).get(url)

    assert response.status_code == 404
    assert SVG_LOGO not in response.content
    assert (await client_for(owner).get(url)).status_code == 200


async def test_a_logo_shows_only_in_its_own_councils_header(app, client_for):
    owner = await make_tenant()
    other = await make_tenant()
    url = await upload_logo(app.state.runtime, owner, "logo.svg", SVG_LOGO)

    assert url not in (await client_for(other).get("/")).text


@pytest.mark.parametrize(
    "path",
    [
        "/media/private/evidence.pdf",
        "/media/../private/evidence.pdf",
        "/media/%2e%2e/private/evidence.pdf",
        "/media/%2E%2E/private/evidence.pdf",
        "/media/..%2fprivate%2fevidence.pdf",
        "/media/public/../private/evidence.pdf",
        "/media/./../private/evidence.pdf",
        "/media//private/evidence.pdf",
        "/media/%2fprivate/evidence.pdf",
    ],
)
async def test_a_private_file_is_never_served_through_media(app, client_for, path):
    council = await make_tenant()
    await app.state.runtime.storage.put(council.id, "private/evidence.pdf", EVIDENCE)

    response = await client_for(council).get(path)

    assert response.status_code == 404
    assert EVIDENCE not in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/media/../private/evidence.pdf",
        "/media/public/../../private/evidence.pdf",
        "/media/branding/../../private/evidence.pdf",
        "/media/private/evidence.pdf",
    ],
)
async def test_a_private_file_is_not_served_even_when_dot_dot_reaches_the_app(app, path):
    """Not every server tidies ``..`` away before the app sees the path; storage must refuse."""
    council = await make_tenant()
    await app.state.runtime.storage.put(council.id, "private/evidence.pdf", EVIDENCE)

    status, body = await raw_get(app, f"{council.slug}.localhost", path)

    assert status == 404
    assert EVIDENCE not in body


@pytest.mark.parametrize("path", ["/media/", "/media/branding", "/media/branding/"])
async def test_a_media_folder_is_not_found_rather_than_an_error(app, client_for, path):
    council = await make_tenant()
    url = await upload_logo(app.state.runtime, council, "logo.svg", SVG_LOGO)
    assert (await client_for(council).get(url)).status_code == 200

    assert (await client_for(council).get(path)).status_code == 404
    assert (await client_for(council).get(url + "/more")).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7 not a picture",
        b"<html><body><script>alert(document.cookie)</script></body></html>",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04",
        b"MZ\x90\x00 a program",
        b"just some text",
        b"",
    ],
    ids=["pdf", "html", "gif", "exe", "text", "empty"],
)
async def test_a_file_that_is_not_a_supported_image_is_refused_as_a_logo(app, data):
    council = await make_tenant()

    with pytest.raises(InvalidInput) as refused:
        await upload_logo(app.state.runtime, council, "logo.png", data)

    assert [problem.field for problem in refused.value.problems] == ["logo"]
    assert await app.state.runtime.storage.list(council.id) == []
    assert council.plugins == []


async def test_an_oversized_logo_is_refused(app):
    council = await make_tenant()
    too_big = png_1x1() + b"\x00" * (MAX_LOGO_BYTES + 1 - len(png_1x1()))

    with pytest.raises(InvalidInput) as refused:
        await upload_logo(app.state.runtime, council, "huge.png", too_big)

    assert [problem.field for problem in refused.value.problems] == ["logo"]
    assert "1 MB" in refused.value.problems[0].message
    assert await app.state.runtime.storage.list(council.id) == []


async def test_a_logo_of_exactly_the_size_limit_is_accepted(app):
    council = await make_tenant()
    at_limit = png_1x1() + b"\x00" * (MAX_LOGO_BYTES - len(png_1x1()))

    url = await upload_logo(app.state.runtime, council, "big.png", at_limit)

    assert url.endswith(".png")


async def test_a_png_logo_is_stored_and_served_as_png(app, client_for):
    council = await make_tenant()
    png = png_1x1()

    url = await upload_logo(app.state.runtime, council, "logo.svg", png)

    assert re.fullmatch(r"/media/branding/logo-[0-9a-f]{16}\.png", url)
    response = await client_for(council).get(url)
    assert response.status_code == 200
    assert response.content == png
    assert response.headers["content-type"] == "image/png"


async def test_the_file_name_is_ignored_and_the_content_decides_the_type(app):
    council = await make_tenant()
    url = await upload_logo(app.state.runtime, council, "logo.png", SVG_LOGO)
    assert url.endswith(".svg")


async def test_logo_is_stored_in_the_councils_public_files(app):
    council = await make_tenant()
    url = await upload_logo(app.state.runtime, council, "logo.svg", SVG_LOGO)

    assert await app.state.runtime.storage.list(council.id) == [
        "public" + url.removeprefix("/media")
    ]


async def test_uploading_the_same_logo_twice_gives_the_same_address(app):
    council = await make_tenant()
    first = await upload_logo(app.state.runtime, council, "logo.svg", SVG_LOGO)
    second = await upload_logo(app.state.runtime, council, "logo.svg", SVG_LOGO)

    assert first == second
    assert len(await app.state.runtime.storage.list(council.id, "public/")) == 1


async def test_a_new_logo_replaces_the_old_one_and_keeps_the_councils_colours(
    app, client_for, registry
):
    council = await make_tenant(
        "brandham", registry=registry, plugins={"council-branding": branding("#005a30")}
    )
    old = await upload_logo(app.state.runtime, council, "old.svg", SVG_LOGO)
    new = await upload_logo(app.state.runtime, council, "new.png", png_1x1())

    page = (await client_for(council).get("/")).text
    css = (await client_for(council).get("/theme.css")).text

    assert new != old
    assert f'src="{new}"' in page and f'src="{old}"' not in page
    assert "--govuk-brand-colour: #005a30" in css
    assert [entry["name"] for entry in council.plugins] == ["council-branding"]
