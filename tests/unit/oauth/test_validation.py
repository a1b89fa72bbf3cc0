"""Names and scopes a council admin gives a client are checked, naming the field."""

from __future__ import annotations

import pytest

from core.api.scopes import SCOPES
from core.errors import InvalidInput
from core.oauth.services import _check, check_name, check_scopes


def test_known_scopes_are_kept_once_in_catalogue_order():
    assert check_scopes(["audit:read", "people:read", "audit:read", " "]) == [
        "people:read",
        "audit:read",
    ]


def test_unknown_scope_is_refused_naming_the_field_and_the_scope():
    with pytest.raises(InvalidInput) as refused:
        check_scopes(["people:read", "budgets:delete"])
    [problem] = refused.value.problems
    assert problem.field == "scopes" and "'budgets:delete'" in problem.message


def test_at_least_one_scope_is_needed():
    with pytest.raises(InvalidInput) as refused:
        check_scopes([])
    assert refused.value.problems[0].field == "scopes"


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_names_are_1_to_120_characters(name):
    with pytest.raises(InvalidInput) as refused:
        check_name(name)
    assert refused.value.problems[0].field == "name"


def test_names_are_trimmed_and_120_characters_is_fine():
    assert check_name("  Mosaic  ") == "Mosaic"
    assert check_name("x" * 120) == "x" * 120


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidInput) as refused:
        _check("", ["nope"])
    assert [p.field for p in refused.value.problems] == ["name", "scopes"]


def test_scope_catalogue_names_look_like_resource_colon_action():
    assert all(":" in scope for scope in SCOPES)
