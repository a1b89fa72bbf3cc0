"""The Jinja2 environment: base theme templates plus GOV.UK Frontend macros."""

from __future__ import annotations

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader
from starlette.templating import Jinja2Templates

from core.web.assets import TEMPLATES_DIR, Assets


def build_templates(assets: Assets) -> Jinja2Templates:
    loader = ChoiceLoader(
        [
            FileSystemLoader(TEMPLATES_DIR),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    environment = Environment(loader=loader, autoescape=True, auto_reload=False)
    environment.globals["static_url"] = assets.url
    return Jinja2Templates(env=environment)
