"""An operator onboards and configures a council from the command line; it is live at once."""

from __future__ import annotations

from pathlib import Path

from tenants.models import Tenant, TenantStatus
from tests.support.cli import carepurse


async def test_create_enable_and_configure_is_live_without_restart(app, settings, client_for):
    created = await carepurse(
        settings,
        "tenant",
        "create",
        "westmere",
        "--name",
        "Westmere Council",
        "--domain",
        "care.westmere.example",
    )
    assert created.exit_code == 0, created.output
    assert "westmere.localhost, care.westmere.example" in created.output
    assert (await client_for("care.westmere.example").get("/")).status_code == 200

    configured = await carepurse(
        settings,
        "tenant",
        "plugins",
        "westmere",
        "--enable",
        "council-branding",
        "--set",
        "brand_colour=#005a30",
        "--set",
        "link_colour=#005a30",
        "--set",
        "contact.phone=01632 960 999",
        "--set",
        'footer_links=[{"text": "Westmere news", "href": "/news"}]',
    )
    assert configured.exit_code == 0, configured.output

    page = (await client_for("westmere.localhost").get("/")).text
    css = (await client_for("westmere.localhost").get("/theme.css")).text
    assert "01632 960 999" in page and "Westmere news" in page
    assert "--govuk-brand-colour: #005a30" in css


async def test_invalid_plugin_config_is_refused_naming_the_field_and_why(app, settings):
    await carepurse(settings, "tenant", "create", "eastmere", "--name", "Eastmere Council")
    refused = await carepurse(
        settings,
        "tenant",
        "plugins",
        "eastmere",
        "--enable",
        "council-branding",
        "--set",
        "brand_colour=#ffee00",
    )
    assert refused.exit_code == 1
    assert "council-branding.brand_text_colour" in refused.output
    assert "contrast ratio of 1.2" in refused.output and "4.5:1" in refused.output
    tenant = await Tenant.get(slug="eastmere")
    assert tenant.plugins == []  # nothing half-saved


async def test_unknown_plugin_and_unknown_setting_are_refused(app, settings):
    await carepurse(settings, "tenant", "create", "northmere", "--name", "Northmere Council")
    unknown = await carepurse(settings, "tenant", "plugins", "northmere", "--enable", "paypall")
    assert unknown.exit_code == 1 and "there is no plugin called 'paypall'" in unknown.output
    bad_key = await carepurse(
        settings,
        "tenant",
        "plugins",
        "northmere",
        "--enable",
        "service-notice",
        "--set",
        "text=Hi",
        "--set",
        "colour=red",
    )
    assert bad_key.exit_code == 1
    assert "service-notice.colour: is not a setting this plugin knows" in bad_key.output


async def test_ambiguous_setting_asks_which_plugin(app, settings):
    await carepurse(settings, "tenant", "create", "southmere", "--name", "Southmere Council")
    result = await carepurse(
        settings,
        "tenant",
        "plugins",
        "southmere",
        "--enable",
        "council-branding",
        "--enable",
        "service-notice",
        "--set",
        "text=x",
    )
    assert result.exit_code == 2
    assert "say which plugin" in result.output


async def test_list_show_suspend_activate_rename(app, settings, client_for):
    await carepurse(settings, "tenant", "create", "midmere", "--name", "Midmere Council")
    await carepurse(
        settings,
        "tenant",
        "plugins",
        "midmere",
        "--enable",
        "service-notice",
        "--set",
        "text=Closed on Monday",
    )
    listing = await carepurse(settings, "tenant", "list")
    assert "midmere: Midmere Council" in listing.output and "service-notice" in listing.output
    shown = await carepurse(settings, "tenant", "show", "midmere")
    assert "text = 'Closed on Monday'" in shown.output

    suspended = await carepurse(
        settings, "tenant", "suspend", "midmere", "--reason", "Moving to a new system"
    )
    assert suspended.exit_code == 0
    assert (await Tenant.get(slug="midmere")).status == TenantStatus.SUSPENDED
    assert "Moving to a new system" in (await client_for("midmere.localhost").get("/")).text
    await carepurse(settings, "tenant", "activate", "midmere")
    await carepurse(settings, "tenant", "rename", "midmere", "--name", "Midmere Borough")
    assert "Midmere Borough" in (await client_for("midmere.localhost").get("/")).text


async def test_logo_upload_from_the_command_line(app, settings, client_for, tmp_path: Path):
    await carepurse(settings, "tenant", "create", "logoton", "--name", "Logoton Council")
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>')
    result = await carepurse(settings, "tenant", "logo", "logoton", str(logo))
    assert result.exit_code == 0, result.output
    url = result.output.strip().split()[-1]
    assert url.startswith("/media/branding/logo-")
    assert f'src="{url}"' in (await client_for("logoton.localhost").get("/")).text


async def test_operator_errors_are_one_line_not_tracebacks(app, settings):
    missing = await carepurse(settings, "tenant", "show", "ghost")
    assert missing.exit_code == 1
    assert "there is no council called 'ghost'" in missing.output
    bad_slug = await carepurse(settings, "tenant", "create", "Bad Slug", "--name", "X")
    assert bad_slug.exit_code == 1 and "slug:" in bad_slug.output


async def test_plugins_command_lists_each_plugin_with_its_settings(settings):
    result = await carepurse(settings, "plugins")
    assert result.exit_code == 0
    assert "council-branding (theme, built-in)" in result.output
    assert "text (required)" in result.output


async def test_demo_seed_creates_two_differently_branded_councils_once(app, settings, client_for):
    first = await carepurse(settings, "demo", "seed")
    again = await carepurse(settings, "demo", "seed")
    assert "riverbend, moorfield" in first.output and "none (already there)" in again.output
    river = (await client_for("riverbend.localhost").get("/theme.css")).text
    moor = (await client_for("moorfield.localhost").get("/theme.css")).text
    assert river != moor
    moor_page = (await client_for("moorfield.localhost").get("/")).text
    assert "Moorfield District Council" in moor_page and "New website" in moor_page


async def test_demo_seed_leaves_no_half_made_council_when_storage_fails(app, settings, monkeypatch):
    from core.storage.base import StorageError
    from core.storage.local import LocalFileStorage

    async def refuse(*args, **kwargs):
        raise StorageError("storage unreachable")

    monkeypatch.setattr(LocalFileStorage, "put", refuse)
    result = await carepurse(settings, "demo", "seed")
    assert result.exit_code == 1
    assert "storage unreachable" in result.output
    assert await Tenant.all().count() == 0
