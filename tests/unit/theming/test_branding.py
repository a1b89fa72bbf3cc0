"""Branding colours are checked for WCAG AA contrast before any page uses them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.theming.branding import Branding
from core.theming.colours import contrast_ratio, normalise_colour, tint
from core.theming.stylesheet import stylesheet_for


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("#FFF", "#ffffff"),
        ("rebeccapurple", "#663399"),
        ("rgb(0 90 48)", "#005a30"),
    ],
)
def test_colours_are_normalised_to_hex(given, expected):
    assert normalise_colour(given) == expected


@pytest.mark.parametrize("bad", ["not-a-colour", "#12", "#ff000080"])
def test_unusable_colours_are_refused_in_plain_words(bad):
    with pytest.raises(ValueError, match=r"colour|see-through"):
        normalise_colour(bad)


def test_pale_brand_colour_with_white_text_is_refused_naming_the_pair():
    with pytest.raises(ValidationError) as refused:
        Branding(council_name="Yellowtown", brand_colour="#ffdd00", link_colour="#1a5c8c")
    error = refused.value.errors()[0]
    assert error["loc"] == ("brand_text_colour",)
    assert "1.35:1" in error["msg"] and "4.5:1" in error["msg"]


def test_pale_brand_colour_passes_with_dark_text():
    branding = Branding(
        council_name="Yellowtown", brand_colour="#ffdd00", brand_text_colour="#0b0c0c"
    )
    assert branding.brand_text_colour == "#0b0c0c"


def test_light_link_colour_is_refused_on_white():
    with pytest.raises(ValidationError, match="link_colour on the white page"):
        Branding(council_name="Pinkton", link_colour="#ff99cc")


def test_link_colour_must_also_be_readable_on_the_tinted_footer():
    # #767676 passes on white (4.54:1) but not on a tinted footer.
    with pytest.raises(ValidationError, match="link_colour on the footer"):
        Branding(council_name="Greyton", brand_colour="#003366", link_colour="#767676")


@pytest.mark.parametrize("href", ["javascript:alert(1)", "//evil.example/", "data:text/html,x"])
def test_footer_links_refuse_script_and_protocol_relative_urls(href):
    with pytest.raises(ValidationError, match="must be a path"):
        Branding(council_name="Safe", footer_links=[{"text": "x", "href": href}])


def test_stylesheet_sets_govuk_custom_properties():
    css = stylesheet_for(
        Branding(council_name="Greenvale", brand_colour="#005a30", link_colour="#005a30")
    )
    assert "--govuk-brand-colour: #005a30;" in css
    assert "--govuk-link-colour: #005a30;" in css
    assert f"--govuk-template-background-colour: {tint('#005a30', 0.06)};" in css
    assert css.startswith(":root {")
