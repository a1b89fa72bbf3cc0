"""Each council's site is served from the same process with its own branding."""

from __future__ import annotations

import pytest

from tenants import services
from tenants.models import TenantStatus
from tests.factories import branding, make_tenant


async def test_two_councils_show_their_own_name_colours_footer_and_contact(client_for, registry):
    green = await make_tenant(
        "greenvale",
        "Greenvale Council",
        registry=registry,
        plugins={
            "council-branding": branding(
                "#005a30",
                contact={"phone": "01632 000 001"},
                footer_links=[{"text": "Greenvale news", "href": "/news"}],
            ),
        },
    )
    purple = await make_tenant(
        "purpleton",
        "Purpleton Council",
        registry=registry,
        plugins={
            "council-branding": branding("#4c2c92", contact={"email": "care@purpleton.example"}),
        },
    )

    green_page = (await client_for(green).get("/")).text
    purple_page = (await client_for(purple).get("/")).text

    assert "Greenvale Council" in green_page and "Purpleton Council" not in green_page
    assert "Purpleton Council" in purple_page and "Greenvale Council" not in purple_page
    assert "01632 000 001" in green_page and "care@purpleton.example" not in green_page
    assert "Greenvale news" in green_page and "Greenvale news" not in purple_page
    green_css = (await client_for(green).get("/theme.css")).text
    purple_css = (await client_for(purple).get("/theme.css")).text
    assert "--govuk-brand-colour: #005a30" in green_css
    assert "--govuk-brand-colour: #4c2c92" in purple_css


async def test_council_without_theme_plugin_gets_neutral_branding_with_its_name(client_for):
    tenant = await make_tenant("plainshire", "Plainshire Council")
    page = await client_for(tenant).get("/")
    assert page.status_code == 200
    assert "Plainshire Council" in page.text
    css = (await client_for(tenant).get("/theme.css")).text
    assert "--govuk-brand-colour: #24425e" in css


async def test_every_page_has_one_h1_skip_link_and_landmarks(client_for):
    tenant = await make_tenant()
    for path in ("/", "/contact", "/accessibility", "/api/v1/docs", "/no-such-page"):
        html = (await client_for(tenant).get(path)).text
        assert html.count("<h1") == 1, path
        assert 'href="#main-content"' in html and 'id="main-content"' in html, path
        assert "<main" in html and "<header" in html and "<footer" in html, path
        assert "<script>" not in html, f"inline script on {path}"


async def test_platform_landing_lists_active_councils_with_their_addresses(platform_client):
    await make_tenant("northtown", "Northtown Council")
    closed = await make_tenant("closedham", "Closedham Council")
    await services.set_status(closed, TenantStatus.SUSPENDED, "Moving to a new supplier")

    page = await platform_client.get("/")

    assert page.status_code == 200
    assert "Northtown Council" in page.text
    assert 'href="http://northtown.localhost/"' in page.text
    assert "Closedham" not in page.text


async def test_unknown_host_gets_friendly_404_page_not_a_stack_trace(client_for):
    response = await client_for("nobody.localhost").get("/")
    assert response.status_code == 404
    assert "We cannot find a council at this address" in response.text
    assert "Traceback" not in response.text


async def test_unknown_host_api_call_gets_problem_json(client_for):
    response = await client_for("elsewhere.example.org").get("/api/v1/council")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/unknown-site")


async def test_suspended_council_shows_reason_and_api_says_so(client_for):
    tenant = await make_tenant("pausetown", "Pausetown Council")
    await services.set_status(tenant, TenantStatus.SUSPENDED, "The council is changing supplier.")

    page = await client_for(tenant).get("/")
    api = await client_for(tenant).get("/api/v1/council")

    assert page.status_code == 503
    assert "Pausetown Council’s care website is closed for now" in page.text
    assert "The council is changing supplier." in page.text
    assert api.status_code == 503
    assert api.json()["type"].endswith("/tenant-suspended")


async def test_reactivated_council_is_back_at_once(client_for):
    tenant = await make_tenant("backagain")
    await services.set_status(tenant, TenantStatus.SUSPENDED, "Closed for maintenance")
    assert (await client_for(tenant).get("/")).status_code == 503
    await services.set_status(tenant, TenantStatus.ACTIVE)
    assert (await client_for(tenant).get("/")).status_code == 200


async def test_own_domain_and_port_resolve_to_the_council(client_for):
    tenant = await make_tenant("ownhost", "Own Host Council", domains=("care.ownhost.example",))
    page = await client_for("care.ownhost.example:8443").get("/")
    assert page.status_code == 200
    assert "Own Host Council" in page.text
    assert tenant.slug == "ownhost"


@pytest.mark.parametrize("path", ["/contact", "/accessibility"])
async def test_standard_pages_exist_for_every_council(client_for, path):
    tenant = await make_tenant(name="Pageford Council")
    response = await client_for(tenant).get(path)
    assert response.status_code == 200
    assert "Pageford Council" in response.text
