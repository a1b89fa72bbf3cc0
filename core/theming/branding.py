"""The branding a theme plugin supplies, validated before any page uses it."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from core.theming.colours import PAGE_BACKGROUND, normalise_colour, require_contrast, tint

Colour = Annotated[str, AfterValidator(normalise_colour)]

# How much brand colour goes into the pale footer and panel backgrounds.
SURFACE_TINT = 0.06


def _safe_href(value: str) -> str:
    """Allow site paths and http(s)/mailto/tel links only: no ``javascript:`` URLs."""
    value = value.strip()
    allowed = ("/", "https://", "http://", "mailto:", "tel:")
    if not value.startswith(allowed) or value.startswith("//"):
        raise ValueError("must be a path starting with / or an https://, mailto: or tel: link")
    return value


Href = Annotated[str, AfterValidator(_safe_href)]


class FooterLink(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=80)
    href: Href


class ContactDetails(BaseModel):
    """How residents reach the council's adult social care team."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    address: str | None = Field(default=None, max_length=300)
    opening_hours: str | None = Field(default=None, max_length=200)


class BrandingFields(BaseModel):
    """Fields shared by the branding a page uses and the theme plugin's config."""

    # validate_default: a new brand colour is checked against the default text colour.
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    service_name: str = Field(default="Care and support", min_length=1, max_length=80)
    logo_url: Href | None = None
    brand_colour: Colour = "#24425e"
    brand_text_colour: Colour = "#ffffff"
    link_colour: Colour = "#1a5c8c"
    footer_links: tuple[FooterLink, ...] = ()
    contact: ContactDetails = ContactDetails()

    @field_validator("brand_text_colour")
    @classmethod
    def _header_text_is_readable(cls, value: str, info: ValidationInfo) -> str:
        brand = info.data.get("brand_colour")
        if brand:
            require_contrast(value, brand, "brand_text_colour on brand_colour (page header)")
        return value

    @field_validator("link_colour")
    @classmethod
    def _links_are_readable(cls, value: str, info: ValidationInfo) -> str:
        require_contrast(value, PAGE_BACKGROUND, "link_colour on the white page")
        brand = info.data.get("brand_colour")
        if brand:
            require_contrast(value, tint(brand, SURFACE_TINT), "link_colour on the footer")
        return value


class Branding(BrandingFields):
    """Everything a page needs to look like the council's own."""

    council_name: str = Field(min_length=1, max_length=200)

    @property
    def surface_colour(self) -> str:
        return tint(self.brand_colour, SURFACE_TINT)

    def css_variables(self) -> dict[str, str]:
        """CSS custom properties: GOV.UK Frontend's own names where it has them."""
        return {
            "--govuk-brand-colour": self.brand_colour,
            "--govuk-link-colour": self.link_colour,
            "--govuk-link-hover-colour": self.link_colour,
            "--govuk-template-background-colour": self.surface_colour,
            "--govuk-surface-background-colour": self.surface_colour,
            "--carepurse-brand-text-colour": self.brand_text_colour,
        }
