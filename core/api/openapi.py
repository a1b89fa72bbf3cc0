"""The OpenAPI 3.1 document, generated from the same pydantic models that shape responses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


@dataclass(frozen=True)
class Operation:
    """One documented endpoint."""

    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    response_model: type[BaseModel] | None
    tags: tuple[str, ...] = ()
    problems: tuple[int, ...] = (404,)
    response_media_type: str = "application/json"
    extra_responses: dict[str, Any] = field(default_factory=dict)
    parameters: tuple[dict[str, Any], ...] = ()


def query_parameter(name: str, description: str, **schema: Any) -> dict[str, Any]:
    """An optional query parameter (OpenAPI parameter object); ``schema`` defaults to a string."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def build_document(operations: list[Operation], *, title: str, version: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}
    paths: dict[str, Any] = {}
    for op in operations:
        responses: dict[str, Any] = {}
        if op.response_model is not None:
            schema = op.response_model.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            schemas.update(schema.pop("$defs", {}))
            schemas[op.response_model.__name__] = schema
            responses["200"] = {
                "description": "OK",
                "content": {
                    op.response_media_type: {
                        "schema": {"$ref": f"#/components/schemas/{op.response_model.__name__}"}
                    }
                },
            }
        else:
            responses["200"] = {"description": "OK"}
        for status in op.problems:
            responses[str(status)] = {
                "description": "Problem",
                "content": {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            }
        responses.update(op.extra_responses)
        operation: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "description": op.description,
            "tags": list(op.tags),
            "responses": responses,
        }
        if op.parameters:
            operation["parameters"] = list(op.parameters)
        paths.setdefault(op.path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": (
                "The Carepurse partner API. Every request is for the council whose host "
                "name it is sent to. Errors are RFC 9457 problem details. Money is integer "
                "pence in fields named *_pence with a currency."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
