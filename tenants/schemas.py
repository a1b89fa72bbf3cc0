"""API representations of a council."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.theming.branding import Branding, ContactDetails, FooterLink


class BrandingOut(BaseModel):
    service_name: str
    logo_url: str | None
    brand_colour: str = Field(description="Header background, #rrggbb")
    brand_text_colour: str = Field(description="Header text, #rrggbb (WCAG AA on brand_colour)")
    link_colour: str = Field(description="Link colour, #rrggbb (WCAG AA on white)")
    footer_links: list[FooterLink]
    stylesheet_url: str = Field(description="CSS custom properties for this council")


class CouncilOut(BaseModel):
    """A council's public profile: what its site shows every visitor."""

    slug: str
    name: str
    status: str
    contact: ContactDetails
    branding: BrandingOut

    @classmethod
    def build(
        cls, *, slug: str, name: str, status: str, branding: Branding, stylesheet_url: str
    ) -> CouncilOut:
        return cls(
            slug=slug,
            name=name,
            status=status,
            contact=branding.contact,
            branding=BrandingOut(
                service_name=branding.service_name,
                logo_url=branding.logo_url,
                brand_colour=branding.brand_colour,
                brand_text_colour=branding.brand_text_colour,
                link_colour=branding.link_colour,
                footer_links=list(branding.footer_links),
                stylesheet_url=stylesheet_url,
            ),
        )
