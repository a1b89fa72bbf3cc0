"""Council short names and host names follow DNS rules; platform names are reserved."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from tenants.validation import check_domain, check_slug, normalise_host


@pytest.mark.parametrize("slug", ["riverbend", "north-moor", "b2", "x"])
def test_good_slugs_are_accepted(slug):
    assert check_slug(slug) == slug


@pytest.mark.parametrize(
    "slug",
    [
        "",
        "-lead",
        "trail-",
        "two--hyphens",
        "has space",
        "9lives",
        "under_score",
        "a" * 64,
        "www",
        "api",
    ],
)
def test_bad_or_reserved_slugs_are_refused_naming_the_field(slug):
    with pytest.raises(InvalidInput) as refused:
        check_slug(slug)
    assert refused.value.problems[0].field == "slug"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("Riverbend.Localhost:8000", "riverbend.localhost"),
        ("care.example.gov.uk.", "care.example.gov.uk"),
        ("[::1]:8000", "[::1]:8000"),
    ],
)
def test_hosts_are_normalised_like_browsers_send_them(host, expected):
    assert normalise_host(host) == expected


@pytest.mark.parametrize("domain", ["localhost", "no_underscores.example", "-bad.example", "a..b"])
def test_bad_domains_are_refused(domain):
    with pytest.raises(InvalidInput):
        check_domain(domain)
