"""A store's colours (WCAG AA), its stylesheet, and photos and logos as uploaded."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.errors import InvalidInput
from core.marketplace.images import THUMBNAIL_WIDTH, check_logo, prepare_photo
from core.marketplace.stores import check_colours, media_url, store_stylesheet


def problems(error: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {p.field: p.message for p in error.value.problems}


def image(size=(800, 600), mode="RGB", kind="PNG", colour=(20, 90, 140, 255)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour[: len(mode)] if mode != "P" else 0).save(out, kind)
    return out.getvalue()


def test_no_colours_means_the_councils_look():
    assert check_colours("", "").brand_colour is None


def test_a_missing_text_colour_is_the_more_readable_of_white_and_black():
    assert check_colours("#1d5c8c", "").brand_text_colour == "#ffffff"
    assert check_colours("#0b0c0c", "").brand_text_colour == "#ffffff"
    assert check_colours("1D5C8C", "").brand_colour == "#1d5c8c"


def test_each_unreadable_pair_names_its_field_and_its_ratio():
    with pytest.raises(InvalidInput) as light:
        check_colours("#ffdd00", "#0b0c0c")
    assert set(problems(light)) == {"brand_colour"}
    assert "1.3" in problems(light)["brand_colour"] and "4.5:1" in problems(light)["brand_colour"]
    with pytest.raises(InvalidInput) as dim:
        check_colours("#1d5c8c", "#1d5c8d")
    assert set(problems(dim)) == {"brand_text_colour"}
    assert [c.passes for c in dim.value.checks] == [False, True]  # type: ignore[attr-defined]


def test_a_ratio_just_under_the_line_never_reads_as_passing():
    # #767676 on white is 4.54:1 (passes); #777777 is 4.478:1, shown as 4.47, never "4.48".
    assert check_colours("#767676", "").checks[1].passes
    with pytest.raises(InvalidInput) as error:
        check_colours("#777777", "")
    assert "4.47:1" in problems(error)["brand_colour"]


def test_the_stylesheet_holds_checked_colours_only():
    css = store_stylesheet("#1d5c8c", "#ffffff")
    assert "background-color: #1d5c8c; color: #ffffff;" in css
    assert "--branded" not in store_stylesheet(None, None)
    with pytest.raises(ValueError, match="is not a colour"):
        store_stylesheet("red;}body{display:none", "#fff")


def test_media_urls_only_for_public_files():
    assert media_url("public/stores/a/logo.png") == "/media/stores/a/logo.png"
    assert media_url("private/x.pdf") is None and media_url(None) is None


def test_a_photo_is_resaved_as_jpeg_with_a_400_pixel_thumbnail():
    prepared = prepare_photo(image((3000, 1000)))
    assert (prepared.width, prepared.height) == (1600, 533)
    assert (prepared.thumbnail_width, prepared.thumbnail_height) == (THUMBNAIL_WIDTH, 133)
    assert Image.open(io.BytesIO(prepared.data)).format == "JPEG"


def test_a_small_or_see_through_photo_is_kept_at_its_size_on_white():
    prepared = prepare_photo(image((120, 90), mode="RGBA", colour=(0, 0, 0, 0)))
    assert (prepared.thumbnail_width, prepared.thumbnail_height) == (120, 90)
    pixel = Image.open(io.BytesIO(prepared.thumbnail)).getpixel((5, 5))
    assert all(channel > 245 for channel in pixel)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Choose a photo to upload"),
        (b"GIF89a not really", "The photo must be a JPEG, PNG or WebP image"),
        (image(kind="GIF"), "The photo must be a JPEG, PNG or WebP image"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "The photo must be a JPEG, PNG or WebP image",
        ),
        (b"0" * 5_000_001, "The photo must be 5 MB or smaller"),
        (image()[:200], "The photo file is damaged"),
    ],
)
def test_photos_that_are_not_usable_are_refused_in_plain_words(data, message):
    with pytest.raises(InvalidInput) as error:
        prepare_photo(data)
    assert problems(error)["photo"].startswith(message)


def test_a_photo_with_too_many_pixels_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # small file, 48 megapixels
    with pytest.raises(InvalidInput) as error:
        prepare_photo(out.getvalue())
    assert "too many pixels" in problems(error)["photo"]


def test_logos_keep_the_councils_rules_with_clear_words():
    assert check_logo(image()) == "png"
    assert check_logo(b'<svg xmlns="http://www.w3.org/2000/svg"/>') == "svg"
    for data, message in (
        (b"", "Choose a logo to upload"),
        (b"0" * 1_000_001, "The logo must be 1 MB or smaller"),
        (b"hello", "The logo must be an SVG, PNG, JPEG or WebP image"),
    ):
        with pytest.raises(InvalidInput) as error:
            check_logo(data)
        assert problems(error) == {"logo": message}
