"""UK postcodes: format checks (formats.md 6.4), normal form, and the postcode district.

Services are offered by postcode district (the outward code, ``HA1`` of ``HA1 2AB``):
a person's postcode picks the services offered there and that area's price.
"""

from __future__ import annotations

import re

# BS 7666 / Royal Mail letter rules, on the normalised "SW1A 1AA" form.
POSTCODE_RE = re.compile(
    r"^(GIR 0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]"
    r") [0-9][ABD-HJLNP-UW-Z]{2})$"
)
DISTRICT_RE = re.compile(
    r"^(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])$"
)


def normalise_postcode(text: str) -> str:
    """Upper case, no spaces, then one space before the last three characters."""
    squashed = re.sub(r"\s+", "", (text or "").upper())
    return squashed[:-3] + " " + squashed[-3:] if len(squashed) >= 5 else squashed


def parse_postcode(text: str) -> str | None:
    """``"sw1a1aa"`` -> ``"SW1A 1AA"``; ``None`` when it is not a UK postcode's format."""
    postcode = normalise_postcode(text)
    return postcode if POSTCODE_RE.match(postcode) else None


def parse_district(text: str) -> str | None:
    """A full postcode or a bare district (``"ha1"``) -> ``"HA1"``; ``None`` if neither."""
    cleaned = re.sub(r"\s+", "", (text or "").upper())
    if DISTRICT_RE.match(cleaned):
        return cleaned
    postcode = parse_postcode(text)
    return postcode.split(" ")[0] if postcode else None
