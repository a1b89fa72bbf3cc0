"""Meta-test: every hookspec is documented (with its exact signature) and tested."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from core.hooks import specs
from core.hooks.markers import HOOK_PREFIX, PROJECT_NAME
from core.settings import PROJECT_ROOT

GUIDE = PROJECT_ROOT / "docs" / "plugin-guide.md"
TESTS = PROJECT_ROOT / "tests"
HOOKSPECS = [
    (name, function)
    for name, function in inspect.getmembers(specs, inspect.isfunction)
    if hasattr(function, f"{PROJECT_NAME}_spec")
]


def documented_signature(name: str, function: object) -> str:
    signature = inspect.signature(function)  # annotations are strings (PEP 563)
    parameters = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"def {name}({parameters}) -> {signature.return_annotation}"


def test_there_are_hookspecs_and_all_have_the_prefix():
    assert HOOKSPECS
    assert all(name.startswith(HOOK_PREFIX) for name, _ in HOOKSPECS)


@pytest.mark.parametrize(("name", "function"), HOOKSPECS, ids=[n for n, _ in HOOKSPECS])
def test_hookspec_has_a_docstring_saying_when_and_what(name, function):
    doc = inspect.getdoc(function) or ""
    assert ":return:" in doc, f"{name} docstring must say what the return means"


@pytest.mark.parametrize(("name", "function"), HOOKSPECS, ids=[n for n, _ in HOOKSPECS])
def test_hookspec_is_in_the_plugin_guide_with_its_signature(name, function):
    guide = GUIDE.read_text(encoding="utf-8")
    assert f"### `{name}`" in guide, f"docs/plugin-guide.md has no section for {name}"
    assert documented_signature(name, function) in guide, (
        f"docs/plugin-guide.md must show: {documented_signature(name, function)}"
    )


@pytest.mark.parametrize(("name", "function"), HOOKSPECS, ids=[n for n, _ in HOOKSPECS])
def test_hookspec_is_exercised_by_a_test(name, function):
    here = Path(__file__).resolve()
    users = [
        path
        for path in TESTS.rglob("test_*.py")
        if path.resolve() != here and name in path.read_text(encoding="utf-8")
    ]
    assert users, f"no test calls or names {name}"
