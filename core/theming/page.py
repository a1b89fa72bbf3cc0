"""What a council's plugins contribute to a page: branding and notices."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.hooks.calls import TenantPlugins
from core.theming.branding import Branding, FooterLink, Href

# Every council site has these pages, whatever its theme says.
STANDARD_FOOTER_LINKS = (
    FooterLink(text="Contact us", href="/contact"),
    FooterLink(text="Accessibility statement", href="/accessibility"),
)


class Notice(BaseModel):
    """A notice at the top of a page, as ``carepurse_page_notices`` returns it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    title: str = Field(default="Important", min_length=1, max_length=60)
    text: str = Field(min_length=1, max_length=500)
    link_text: str | None = Field(default=None, max_length=80)
    link_href: Href | None = None
    important: bool = False


def tenant_branding(plugins: TenantPlugins) -> Branding:
    """The council's validated branding, worked out once per config version.

    An answer that fails validation (a partner theme with an unreadable colour
    pair, say) is logged and the next plugin, finally the core default, answers.
    """
    cached = plugins.memo.get("branding")
    if cached is None:
        cached = plugins.first_valid(
            "carepurse_theme_branding", Branding.model_validate, tenant=plugins.tenant
        ) or Branding(council_name=plugins.tenant.name)
        plugins.memo["branding"] = cached
    return cached


def page_notices(plugins: TenantPlugins, path: str) -> list[Notice]:
    notices: list[Notice] = []
    for plugin, answer in plugins.collect(
        "carepurse_page_notices", tenant=plugins.tenant, path=path
    ):
        items = answer if isinstance(answer, list) else [answer]
        for item in items:
            try:
                notices.append(Notice.model_validate(item))
            except ValueError:
                plugins.log_bad_answer(plugin, "carepurse_page_notices", item)
    return notices


def footer_links(branding: Branding) -> list[dict[str, Any]]:
    links = list(branding.footer_links)
    known = {link.href for link in links}
    links += [link for link in STANDARD_FOOTER_LINKS if link.href not in known]
    return [link.model_dump() for link in links]
