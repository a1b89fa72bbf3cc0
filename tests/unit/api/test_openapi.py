"""The OpenAPI document is generated from the response models and lists problems."""

from __future__ import annotations

import re

from core.api.v1 import openapi_document


def test_document_is_openapi_3_1_with_the_council_endpoint():
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    operation = document["paths"]["/council"]["get"]
    assert operation["operationId"] == "getCouncil"
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/CouncilOut"}
    problem = operation["responses"]["503"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}


def test_every_reference_resolves_to_a_schema():
    document = openapi_document()
    schemas = document["components"]["schemas"]
    text = str(document)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in schemas, name
    assert {"CouncilOut", "BrandingOut", "ContactDetails", "FooterLink"} <= set(schemas)
