"""What a plugin class declares, checked once when it is discovered."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from core.hooks.errors import FieldProblem, PluginConfigError, PluginDefinitionError

PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class PluginKind(StrEnum):
    THEME = "theme"
    ACCREDITATION = "accreditation"
    ORDERING = "ordering"
    MONITORING = "monitoring"
    PAYMENT = "payment"
    DIRECTORY = "directory"
    EXPORT = "export"
    INTEGRATION = "integration"


class NoConfig(BaseModel):
    """Config model for plugins that take no settings: any key is refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def problems_from(error: ValidationError) -> list[FieldProblem]:
    """Turn pydantic's errors into ``field: message`` pairs a person can read."""
    problems = []
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in item["loc"]) or "(whole config)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "is not a setting this plugin knows"
        problems.append(FieldProblem(location, message))
    return problems


@dataclass(frozen=True)
class PluginDefinition:
    """A discovered plugin class and its declared metadata."""

    name: str
    kind: PluginKind
    title: str
    description: str
    plugin_class: type
    config_model: type[BaseModel]
    secrets: tuple[str, ...] = ()
    source: str = "built-in"
    hooks: tuple[str, ...] = field(default=())

    @classmethod
    def from_class(cls, plugin_class: type, source: str) -> PluginDefinition:
        """Read and check the class attributes a plugin must declare."""
        name = getattr(plugin_class, "name", None)
        if not isinstance(name, str) or not PLUGIN_NAME.match(name):
            raise PluginDefinitionError(
                f"{plugin_class!r} needs a `name` of lower-case letters, digits and hyphens"
            )
        try:
            kind = PluginKind(getattr(plugin_class, "kind", None))
        except ValueError as error:
            kinds = ", ".join(k.value for k in PluginKind)
            raise PluginDefinitionError(
                f"plugin {name!r} needs a `kind`, one of: {kinds}"
            ) from error
        config_model = getattr(plugin_class, "config_model", None) or NoConfig
        if not (isinstance(config_model, type) and issubclass(config_model, BaseModel)):
            raise PluginDefinitionError(f"plugin {name!r}: `config_model` must be a pydantic model")
        secrets = tuple(getattr(plugin_class, "secrets", ()) or ())
        doc = (plugin_class.__doc__ or "").strip()
        hooks = tuple(sorted(a for a in dir(plugin_class) if a.startswith("carepurse_")))
        return cls(
            name=name,
            kind=kind,
            title=str(getattr(plugin_class, "title", name)),
            description=doc.splitlines()[0] if doc else "",
            plugin_class=plugin_class,
            config_model=config_model,
            secrets=secrets,
            source=source,
            hooks=hooks,
        )

    def validate_config(self, raw: Mapping[str, Any]) -> BaseModel:
        """Apply defaults and check a tenant's settings, or list every problem."""
        try:
            return self.config_model.model_validate(dict(raw))
        except ValidationError as error:
            raise PluginConfigError(self.name, problems_from(error)) from None

    def check_secret_names(self, references: Mapping[str, str]) -> None:
        unknown = sorted(set(references) - set(self.secrets))
        missing = sorted(set(self.secrets) - set(references))
        problems = [
            FieldProblem(f"secrets.{n}", "is not a secret this plugin uses") for n in unknown
        ]
        problems += [FieldProblem(f"secrets.{n}", "is required: give a reference") for n in missing]
        if problems:
            raise PluginConfigError(self.name, problems)

    def config_fields(self) -> dict[str, str]:
        """Each setting and its default (or "required"), for `carepurse plugins` and the docs."""
        described = {}
        for name, field_info in self.config_model.model_fields.items():
            if field_info.is_required():
                described[name] = "required"
            else:
                default = field_info.get_default(call_default_factory=True)
                if isinstance(default, BaseModel):
                    default = default.model_dump(mode="json")
                described[name] = f"default {json.dumps(default, default=str)}"
        return described

    def instantiate(self, config: BaseModel, secrets: Mapping[str, str]) -> object:
        return self.plugin_class(config=config, secrets=dict(secrets))
