"""Is a postcode district one that exists? A cheap check past the format.

``core.postcodes.parse_district`` proves only the *format* (``HA99`` is well
formed). Without the ONS Postcode Directory we cannot prove a district exists,
but we can refuse ones that cannot: an unknown postcode area (``AA1``) or a
number beyond the highest the area uses (Harrow's ``HA`` stops at ``HA9``).
The table errs on the generous side: a wrongly refused district would stop a
provider listing a real area, a wrongly accepted one only lists nobody.
"""

from __future__ import annotations

import re

from core.postcodes import parse_district

# Postcode area -> the highest district number in use (Royal Mail; non-geographic
# districts such as BN99 or M99 included).
HIGHEST_DISTRICT: dict[str, int] = {
    "AB": 99, "AL": 10, "B": 99, "BA": 22, "BB": 94, "BD": 99, "BF": 1, "BH": 31,
    "BL": 78, "BN": 99, "BR": 8, "BS": 99, "BT": 94, "BX": 99, "CA": 99, "CB": 25,
    "CF": 99, "CH": 99, "CM": 99, "CO": 16, "CR": 90, "CT": 50, "CV": 47, "CW": 98,
    "DA": 18, "DD": 11, "DE": 99, "DG": 16, "DH": 99, "DL": 98, "DN": 55, "DT": 11,
    "DY": 14, "E": 98, "EC": 88, "EH": 99, "EN": 77, "EX": 39, "FK": 21, "FY": 8,
    "G": 90, "GL": 56, "GU": 95, "GY": 10, "HA": 9, "HD": 9, "HG": 5, "HP": 27,
    "HR": 9, "HS": 9, "HU": 20, "HX": 7, "IG": 11, "IM": 99, "IP": 98, "IV": 99,
    "JE": 5, "KA": 30, "KT": 24, "KW": 17, "KY": 99, "L": 80, "LA": 23, "LD": 8,
    "LE": 95, "LL": 78, "LN": 13, "LS": 99, "LU": 7, "M": 99, "ME": 99, "MK": 77,
    "ML": 12, "N": 81, "NE": 99, "NG": 90, "NN": 99, "NP": 44, "NR": 99, "NW": 26,
    "OL": 95, "OX": 49, "PA": 80, "PE": 99, "PH": 50, "PL": 95, "PO": 41, "PR": 26,
    "RG": 45, "RH": 77, "RM": 50, "S": 99, "SA": 99, "SE": 28, "SG": 19, "SK": 23,
    "SL": 95, "SM": 7, "SN": 99, "SO": 97, "SP": 11, "SR": 88, "SS": 99, "ST": 55,
    "SW": 99, "SY": 99, "TA": 24, "TD": 15, "TF": 13, "TN": 40, "TQ": 14, "TR": 27,
    "TS": 29, "TW": 20, "UB": 18, "W": 14, "WA": 88, "WC": 2, "WD": 99, "WF": 90,
    "WN": 8, "WR": 99, "WS": 15, "WV": 99, "XM": 4, "YO": 91, "ZE": 3,
}  # fmt: skip

_PARTS = re.compile(r"^([A-Z]{1,2})([0-9]{1,2})[A-Z]?$")


def known_district(district: str) -> bool:
    """``True`` for a district in the normal form (``HA1``) that can exist."""
    match = _PARTS.match(district)
    if match is None:
        return False
    area, number = match.group(1), int(match.group(2))
    return area in HIGHEST_DISTRICT and number <= HIGHEST_DISTRICT[area]


def district_or_none(text: str) -> str | None:
    """A postcode or district as typed -> ``"HA1"``, or ``None`` if it is not a real one."""
    district = parse_district(text)
    return district if district is not None and known_district(district) else None


def not_a_district(text: str) -> str:
    """The words for a district or postcode we do not recognise."""
    shown = " ".join(text.split()).upper() or "That"
    return f"{shown} is not a postcode district"
