"""Plugin secrets are stored as references (``env:NAME``, ``file:/path``), never values.

The host resolves them when it builds a tenant's plugins, so a database dump
holds no credentials and plugins never read the environment themselves.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from core.hooks.errors import FieldProblem, PluginConfigError

SCHEMES = ("env:", "file:")


class SecretUnavailable(Exception):
    """A reference points at nothing on this machine."""


def check_reference_syntax(plugin: str, references: Mapping[str, str]) -> None:
    problems = [
        FieldProblem(f"secrets.{name}", "must be a reference such as env:NAME or file:/path")
        for name, ref in references.items()
        if not isinstance(ref, str) or not ref.startswith(SCHEMES) or len(ref) <= 5
    ]
    if problems:
        raise PluginConfigError(plugin, problems)


def resolve_secret(reference: str, environ: Mapping[str, str] | None = None) -> str:
    """Return the secret a reference points to."""
    environ = os.environ if environ is None else environ
    if reference.startswith("env:"):
        name = reference[4:]
        if name not in environ:
            raise SecretUnavailable(f"environment variable {name} is not set")
        return environ[name]
    if reference.startswith("file:"):
        path = Path(reference[5:])
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise SecretUnavailable(f"cannot read {path}: {error.strerror}") from error
    raise SecretUnavailable(f"unsupported secret reference {reference!r}")


def resolve_all(references: Mapping[str, str]) -> dict[str, str]:
    return {name: resolve_secret(ref) for name, ref in references.items()}
