"""The OpenAPI 3.1 document, generated from the same pydantic models that shape responses."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
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
    request_model: type[BaseModel] | None = None  # the JSON body, validated by the same model
    success_status: int = 200  # 201 for endpoints that create something


def query_parameter(name: str, description: str, **schema: Any) -> dict[str, Any]:
    """An optional query parameter (OpenAPI parameter object); ``schema`` defaults to a string."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def header_parameter(name: str, description: str, **schema: Any) -> dict[str, Any]:
    """An optional request header (OpenAPI parameter object); ``schema`` defaults to a string."""
    return {**query_parameter(name, description, **schema), "in": "header"}


def _component(
    schemas: dict[str, Any], model: type[BaseModel], mode: str = "serialization"
) -> dict[str, str]:
    """Add ``model`` (and the models it uses) to ``schemas``; return a reference to it."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)  # type: ignore[arg-type]
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build_document(operations: list[Operation], *, title: str, version: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}
    paths: dict[str, Any] = {}
    for op in operations:
        responses: dict[str, Any] = {}
        success = str(op.success_status)
        if op.response_model is not None:
            reference = _component(schemas, op.response_model)
            responses[success] = {
                "description": HTTPStatus(op.success_status).phrase,
                "content": {op.response_media_type: {"schema": reference}},
            }
        else:
            responses[success] = {"description": HTTPStatus(op.success_status).phrase}
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
        if op.request_model is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": _component(schemas, op.request_model, mode="validation")
                    }
                },
            }
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
