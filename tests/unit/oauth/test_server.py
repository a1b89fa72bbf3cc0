"""The token endpoint's OAuth2 answers (RFC 6749 §4.4 and §5.2), without HTTP or a database."""

from __future__ import annotations

import base64

import pytest
from joserfc import jwt

from core.oauth.server import issue_token
from core.oauth.tokens import signing_keys, verify
from tests.unit.oauth.helpers import (
    ORIGIN,
    SETTINGS,
    api_client,
    basic,
    council,
    token_request,
)

GRANT = ("grant_type", "client_credentials")


def test_basic_auth_gets_a_bearer_jwt_with_every_claim():
    row, secret = api_client()
    answer = issue_token(
        token_request([GRANT], basic(row.client_id, secret)), row, council(), SETTINGS
    )
    assert answer.status == 200, answer.body
    assert answer.body["token_type"] == "Bearer"
    assert answer.body["expires_in"] == 15 * 60
    assert answer.body["scope"] == "people:read audit:read"
    assert ("Cache-Control", "no-store") in answer.headers
    decoded = jwt.decode(answer.body["access_token"], signing_keys(SETTINGS), algorithms=["HS256"])
    assert decoded.header["typ"] == "at+jwt" and decoded.header["alg"] == "HS256"
    c = decoded.claims
    assert c["iss"] == ORIGIN and c["aud"] == ORIGIN + "/api/v1"
    assert c["sub"] == c["client_id"] == row.client_id
    assert c["tenant"] == {"id": 7, "slug": "riverbend"}
    assert c["exp"] - c["iat"] == 15 * 60 and c["jti"]
    assert c["scope"] == "people:read audit:read"
    assert secret not in answer.body["access_token"]
    assert verify(answer.body["access_token"], SETTINGS, origin=ORIGIN, tenant_id=7).client_id


def test_form_credentials_work_too():
    row, secret = api_client()
    fields = [GRANT, ("client_id", row.client_id), ("client_secret", secret)]
    answer = issue_token(token_request(fields), row, council(), SETTINGS)
    assert answer.status == 200 and answer.issued is not None


def test_scope_narrows_to_what_is_asked_for():
    row, secret = api_client(["people:read", "people:write", "audit:read"])
    fields = [GRANT, ("scope", "audit:read people:read")]
    answer = issue_token(
        token_request(fields, basic(row.client_id, secret)), row, council(), SETTINGS
    )
    assert answer.status == 200 and answer.body["scope"] == "people:read audit:read"


@pytest.mark.parametrize("scope", ["people:write", "nonsense:scope", "people:read people:write"])
def test_scope_beyond_the_client_or_unknown_is_invalid_scope(scope):
    row, secret = api_client(["people:read"])
    fields = [GRANT, ("scope", scope)]
    answer = issue_token(
        token_request(fields, basic(row.client_id, secret)), row, council(), SETTINGS
    )
    assert answer.status == 400 and answer.body["error"] == "invalid_scope"
    assert answer.issued is None


@pytest.mark.parametrize("how", ["basic", "form"])
def test_wrong_secret_unknown_or_missing_client_is_401_invalid_client(how):
    row, secret = api_client()
    for client_id, given, known in [
        (row.client_id, secret + "x", row),
        (row.client_id, secret, None),  # revoked, another council's or unknown: not looked up
        ("", "", row),
    ]:
        if how == "basic":
            request = token_request([GRANT], basic(client_id, given))
        else:
            request = token_request([GRANT, ("client_id", client_id), ("client_secret", given)])
        answer = issue_token(request, known, council(), SETTINGS)
        assert answer.status == 401, answer.body
        assert answer.body["error"] == "invalid_client"
        challenge = dict(answer.headers)["WWW-Authenticate"]
        assert challenge.startswith("Basic ") and 'error="invalid_client"' in challenge


def test_unsupported_grant_type():
    row, secret = api_client()
    fields = [("grant_type", "password"), ("username", "a"), ("password", "b")]
    answer = issue_token(
        token_request(fields, basic(row.client_id, secret)), row, council(), SETTINGS
    )
    assert answer.status == 400 and answer.body == {"error": "unsupported_grant_type"}


@pytest.mark.parametrize(
    "fields",
    [
        [],
        [GRANT, GRANT],
        [GRANT, ("scope", "people:read"), ("scope", "audit:read")],
    ],
)
def test_missing_or_repeated_parameters_are_invalid_request(fields):
    row, secret = api_client()
    answer = issue_token(
        token_request(fields, basic(row.client_id, secret)), row, council(), SETTINGS
    )
    assert answer.status == 400 and answer.body["error"] == "invalid_request"


def test_two_ways_of_authenticating_at_once_is_invalid_request():
    row, secret = api_client()
    fields = [GRANT, ("client_id", row.client_id), ("client_secret", secret)]
    answer = issue_token(
        token_request(fields, basic(row.client_id, secret)), row, council(), SETTINGS
    )
    assert answer.status == 400 and answer.body["error"] == "invalid_request"


def test_odd_characters_in_input_are_never_echoed_into_errors():
    row, secret = api_client()
    fields = [("grant_type", 'evil"\\\u00e9'), ("x\u00e9", "1"), ("x\u00e9", "2")]
    answer = issue_token(
        token_request(fields, basic(row.client_id, secret)), row, council(), SETTINGS
    )
    assert answer.status == 400 and answer.body["error"] == "invalid_request"
    answer = issue_token(
        token_request([("grant_type", 'evil"\\\u00e9')], basic(row.client_id, secret)),
        row,
        council(),
        SETTINGS,
    )
    assert answer.body == {"error": "unsupported_grant_type"}


def test_undecodable_basic_credentials_are_invalid_client_not_a_crash():
    row, _ = api_client()
    garbage = {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:x").decode()}
    request = token_request([GRANT], garbage)
    assert request.attempted_client_id() is None
    answer = issue_token(request, row, council(), SETTINGS)
    assert answer.status == 401 and answer.body["error"] == "invalid_client"
