"""Problem details follow RFC 9457."""

from __future__ import annotations

import json

from core.api.problem import problem, wants_problem_json
from core.errors import FieldProblem


def test_problem_has_the_rfc_9457_members_and_field_errors():
    response = problem(422, "budget too small", errors=[FieldProblem("amount_pence", "too big")])
    body = json.loads(response.body)
    assert response.media_type == "application/problem+json"
    assert body == {
        "type": "https://carepurse.example/problems/unprocessable-entity",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "budget too small",
        "errors": [{"field": "amount_pence", "message": "too big"}],
    }


def test_api_and_token_paths_answer_in_json():
    assert wants_problem_json("/api/v1/council")
    assert wants_problem_json("/oauth/token")
    assert not wants_problem_json("/contact")
