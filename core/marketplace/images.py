"""Checking uploaded images and making the copies a store shows: no HTTP, no storage.

Photos are opened with Pillow, turned upright, flattened onto white and saved again
as JPEG, so nothing the camera recorded (a home's GPS position, say) is published;
a 400-pixel-wide thumbnail is made alongside. Logos keep the council logo's rules
(``tenants.logo``): SVG, PNG, JPEG or WebP, recognised by content, 1 MB at most.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import FieldProblem, InvalidInput
from tenants.logo import MAX_LOGO_BYTES, logo_extension

MAX_PHOTO_BYTES = 5_000_000
MAX_PHOTO_PIXELS = 40_000_000  # width x height: a bigger picture is a decompression bomb
PHOTO_WIDTH = 1600  # the largest copy we keep
THUMBNAIL_WIDTH = 400
PHOTO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
JPEG_QUALITY = 85

PHOTO_TOO_BIG = "The photo must be 5 MB or smaller"
PHOTO_NOT_IMAGE = "The photo must be a JPEG, PNG or WebP image"
LOGO_TOO_BIG = "The logo must be 1 MB or smaller"
LOGO_NOT_IMAGE = "The logo must be an SVG, PNG, JPEG or WebP image"


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready to store: the picture (at most 1600 pixels wide) and its thumbnail."""

    data: bytes
    thumbnail: bytes
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    extension: str = "jpg"


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, [FieldProblem(field, message)])


def check_logo(data: bytes, field: str = "logo") -> str:
    """The logo's file extension (``svg``, ``png``, ``jpg``, ``webp``), or a clear refusal."""
    if not data:
        raise _refuse(field, "Choose a logo to upload")
    if len(data) > MAX_LOGO_BYTES:
        raise _refuse(field, LOGO_TOO_BIG)
    try:
        return logo_extension(data)
    except InvalidInput:
        raise _refuse(field, LOGO_NOT_IMAGE) from None


def _flatten(picture: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency."""
    if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture.convert("RGB")


def _scaled(picture: Image.Image, width: int) -> Image.Image:
    if picture.width <= width:
        return picture
    height = max(1, round(picture.height * width / picture.width))
    return picture.resize((width, height), Image.Resampling.LANCZOS)


def _jpeg(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def prepare_photo(data: bytes, field: str = "photo") -> PreparedPhoto:
    """Check a photo and make its stored copies; refusals name ``field`` in plain words.

    CPU work: call it in a thread from async code.
    """
    if not data:
        raise _refuse(field, "Choose a photo to upload")
    if len(data) > MAX_PHOTO_BYTES:
        raise _refuse(field, PHOTO_TOO_BIG)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.format not in PHOTO_FORMATS:
                raise _refuse(field, PHOTO_NOT_IMAGE)
            if picture.width * picture.height > MAX_PHOTO_PIXELS:
                raise _refuse(
                    field, "The photo has too many pixels. Use a photo of 40 megapixels or fewer"
                )
            picture.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(field, PHOTO_NOT_IMAGE) from None
    except (OSError, ValueError, SyntaxError):  # truncated or damaged files
        raise _refuse(
            field, "The photo file is damaged. Try saving it again, or use another photo"
        ) from None
    upright = _flatten(ImageOps.exif_transpose(picture))
    large = _scaled(upright, PHOTO_WIDTH)
    small = _scaled(upright, THUMBNAIL_WIDTH)
    return PreparedPhoto(
        data=_jpeg(large),
        thumbnail=_jpeg(small),
        width=large.width,
        height=large.height,
        thumbnail_width=small.width,
        thumbnail_height=small.height,
    )
