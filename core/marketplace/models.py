"""Providers are organisations across councils; stores and services belong to one council."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class ProviderRole(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    STAFF = "staff"


class StoreTier(StrEnum):
    LISTING = "listing"  # catalogue only
    BRANDED = "branded"  # a store page with the provider's own look


class PublishStatus(StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    PAUSED = "paused"


class Unit(StrEnum):
    HOUR = "hour"
    SESSION = "session"
    DAY = "day"
    WEEK = "week"
    ITEM = "item"


class VatTreatment(StrEnum):
    EXEMPT = "exempt"  # welfare services by a charity or regulated provider (Notice 701/2)
    STANDARD = "standard"
    ZERO = "zero"
    OUTSIDE_SCOPE = "outside_scope"  # e.g. a provider not registered for VAT


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class Source(StrEnum):
    PROVIDER = "provider"
    OPEN_REFERRAL = "open_referral"


class Provider(Model):
    """A care provider organisation: one login for its people, stores in many councils."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=200)
    external = fields.BooleanField(default=False)  # imported from a directory, no users
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "provider"


class ProviderUser(Model):
    id = fields.IntField(primary_key=True)
    provider: fields.ForeignKeyRelation[Provider] = fields.ForeignKeyField(
        "carepurse.Provider", related_name="users", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.User", related_name="provider_roles", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(ProviderRole, max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "provider_user"
        unique_together = (("provider", "user"),)


class Store(Model):
    """A provider's presence in one council's marketplace."""

    id = fields.UUIDField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.RESTRICT
    )
    provider: fields.ForeignKeyRelation[Provider] = fields.ForeignKeyField(
        "carepurse.Provider", related_name="stores", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=80)
    tier = fields.CharEnumField(StoreTier, max_length=16, default=StoreTier.LISTING)
    status = fields.CharEnumField(PublishStatus, max_length=16, default=PublishStatus.DRAFT)
    description = fields.TextField(default="")
    logo_key = fields.CharField(max_length=300, null=True)
    brand_colour = fields.CharField(max_length=7, null=True)
    brand_text_colour = fields.CharField(max_length=7, null=True)
    phone = fields.CharField(max_length=40, null=True)
    email = fields.CharField(max_length=254, null=True)
    website = fields.CharField(max_length=300, null=True)
    address = fields.CharField(max_length=300, null=True)
    postcode = fields.CharField(max_length=8, null=True)
    source = fields.CharEnumField(Source, max_length=16, default=Source.PROVIDER)
    external_id = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "store"
        unique_together = (("tenant", "slug"), ("tenant", "provider"))


class CaseStudy(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    store: fields.ForeignKeyRelation[Store] = fields.ForeignKeyField(
        "carepurse.Store", related_name="case_studies", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "case_study"


class ServiceCategory(Model):
    """A kind of service a council adds to the standard list (core.budgets.categories).

    ``parent_code`` is the standard category it counts as for budget restrictions.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=60)
    label = fields.CharField(max_length=120)
    parent_code = fields.CharField(max_length=60)
    taxonomy = fields.CharField(max_length=120, null=True)  # Open Referral taxonomy name
    term_id = fields.CharField(max_length=200, null=True)  # Open Referral taxonomy term id

    class Meta:
        table = "service_category"
        unique_together = (("tenant", "code"),)


class Service(Model):
    """A catalogue item. Free community services have price 0 and may take no bookings."""

    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    store: fields.ForeignKeyRelation[Store] = fields.ForeignKeyField(
        "carepurse.Store", related_name="services", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    category = fields.CharField(max_length=60, db_index=True)
    unit = fields.CharEnumField(Unit, max_length=16)
    unit_price_pence = fields.BigIntField()
    vat_treatment = fields.CharEnumField(VatTreatment, max_length=16, default=VatTreatment.EXEMPT)
    minimum_units = fields.IntField(default=1)
    availability: Any = fields.JSONField(default=dict)  # {"mon": ["09:00-17:00"], ...}
    visibility = fields.CharEnumField(Visibility, max_length=16, default=Visibility.PUBLIC)
    status = fields.CharEnumField(PublishStatus, max_length=16, default=PublishStatus.DRAFT)
    takes_bookings = fields.BooleanField(default=True)
    source = fields.CharEnumField(Source, max_length=16, default=Source.PROVIDER)
    external_id = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "service"
        unique_together = (("tenant_id", "source", "external_id"),)


class ServiceArea(Model):
    """A postcode district a service covers, with that area's price if it differs."""

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        "carepurse.Service", related_name="areas", on_delete=fields.CASCADE
    )
    district = fields.CharField(max_length=4, db_index=True)
    price_pence = fields.BigIntField(null=True)

    class Meta:
        table = "service_area"
        unique_together = (("service", "district"),)


class PrivateAudience(Model):
    """Who may see a private catalogue item: named people (existing clients) or brokers."""

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        "carepurse.Service", related_name="audience", on_delete=fields.CASCADE
    )
    membership: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.CASCADE
    )

    class Meta:
        table = "private_audience"
        unique_together = (("service", "membership"),)


class Photo(Model):
    id = fields.UUIDField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    store: fields.ForeignKeyRelation[Store] = fields.ForeignKeyField(
        "carepurse.Store", related_name="photos", on_delete=fields.CASCADE
    )
    service: fields.ForeignKeyNullableRelation[Service] = fields.ForeignKeyField(
        "carepurse.Service", related_name="photos", null=True, on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=300)
    thumbnail_key = fields.CharField(max_length=300)
    alt_text = fields.CharField(max_length=200)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "photo"


class Review(Model):
    """A person's rating of a service they used (1-5), with optional words.

    The provider may reply once, and the council may hide it with a reason.
    """

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        "carepurse.Service", related_name="reviews", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, on_delete=fields.CASCADE
    )
    rating = fields.SmallIntField()
    text = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    # The confirmed delivery the review is about (null for reviews from before ordering).
    delivery: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Delivery", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    provider_reply = fields.TextField(null=True)  # once only
    replied_at = fields.DatetimeField(null=True)
    replied_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    hidden_at = fields.DatetimeField(null=True)  # hidden by the council for breaking its rules
    hidden_reason = fields.TextField(null=True)
    hidden_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "review"
        unique_together = (("service", "author"),)


class UnmetNeed(Model):
    """A search that found nothing, kept for the council's market-shaping reports."""

    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField(db_index=True)
    membership: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "carepurse.Membership", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    words = fields.CharField(max_length=200, default="")
    category = fields.CharField(max_length=60, null=True)
    district = fields.CharField(max_length=4, null=True)
    details = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "unmet_need"
