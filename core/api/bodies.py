"""Reading a JSON request body into a pydantic model, with a 400 that names each bad field.

Money fields are strict integers: ``12.5`` or ``"1250"`` is refused rather than rounded
or guessed at, because a partner's rounding bug must never quietly become a payment.
"""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from core.errors import CarepurseError, FieldProblem

M = TypeVar("M", bound=BaseModel)

WHOLE_PENCE = 'must be a whole number of pence, e.g. 1250 for £12.50 (not 12.50 or "1250")'


class MalformedBody(CarepurseError):
    """The body is not JSON of the expected shape (a 400, never a rule refusal)."""

    def __init__(self, message: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def field_problems(error: ValidationError) -> list[FieldProblem]:
    """pydantic's errors as ``field: message`` pairs a developer can act on."""
    problems = []
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "(body)"
        message = item["msg"].removeprefix("Value error, ")
        if field.endswith("_pence") and item["type"] in (
            "int_type",
            "int_parsing",
            "int_from_float",
        ):
            message = WHOLE_PENCE
        elif item["type"] == "extra_forbidden":
            message = "is not a field of this request"
        elif item["type"] == "missing":
            message = "is required"
        problems.append(FieldProblem(field, message))
    return problems


async def read_body(request: Request, model: type[M]) -> M:
    """The body as ``model``, or MalformedBody (answered as a 400 problem)."""
    raw = await request.body()
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        raise MalformedBody("the body must be JSON (Content-Type: application/json)") from None
    if not isinstance(data, dict):
        raise MalformedBody("the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise MalformedBody("the body is not valid", field_problems(error)) from None
