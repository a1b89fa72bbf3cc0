"""``POST /oauth/token`` on a council's host: partner systems swap client credentials for a token.

The HTTP side only: read the form, look up the one client it names (in this
council, not revoked), let the OAuth2 server answer, audit the outcome. The
answer is always RFC 6749 JSON, never a page or a stack trace.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.audit.actions import AuditAction
from core.audit.services import record
from core.identity.actor import Actor
from core.oauth.credentials import CLIENT_ID_MAX_LENGTH
from core.oauth.models import ApiClient
from core.oauth.server import TokenRequest, TokenResponse, issue_token
from core.oauth.services import note_use, usable_client
from core.oauth.tokens import council_origin
from core.settings import Settings
from core.web.identity import client_ip
from core.web.responses import runtime_of
from tenants.models import Tenant

FORM_TYPE = "application/x-www-form-urlencoded"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _refusal(status: int, error: str, description: str) -> Response:
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=NO_STORE
    )


def secure_enough(scheme: str, settings: Settings) -> bool:
    """Secrets only over HTTPS; plain http is allowed in development and tests."""
    return scheme == "https" or settings.is_local


async def token(request: Request) -> Response:
    settings = runtime_of(request).settings
    tenant: Tenant = request.state.tenant
    if not secure_enough(request.url.scheme, settings):
        return _refusal(400, "invalid_request", "Token requests must use HTTPS")
    if not request.headers.get("content-type", "").startswith(FORM_TYPE):
        return _refusal(400, "invalid_request", f"Send the request as {FORM_TYPE}")
    form = await request.form()
    fields = [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
    token_request = TokenRequest(
        method=request.method,
        origin=council_origin(request.url.scheme, request.headers.get("host", "")),
        path=request.url.path,
        headers=request.headers,
        fields=fields,
    )
    client = await usable_client(tenant, token_request.attempted_client_id())
    answer = issue_token(token_request, client, tenant, settings)
    await _audit(tenant, token_request, client, answer, client_ip(request.scope))
    return JSONResponse(answer.body, status_code=answer.status, headers=dict(answer.headers))


async def _audit(
    tenant: Tenant,
    token_request: TokenRequest,
    client: ApiClient | None,
    answer: TokenResponse,
    ip: str | None,
) -> None:
    """Issued tokens and refusals both go on the council's audit log; secrets never do."""
    if answer.issued is not None and client is not None:
        await note_use(client)
        await record(
            tenant.id,
            AuditAction.API_TOKEN_ISSUED,
            Actor(
                tenant=tenant,
                api_client_name=client.name,
                api_client_id=client.id,
                ip=ip,
            ),
            target_type="api_client",
            target_id=client.client_id,
            target_label=client.name,
            details={
                "scope": answer.issued.get("scope", ""),
                "expires_in": answer.issued.get("expires_in"),
            },
        )
        return
    tried = token_request.attempted_client_id()
    await record(
        tenant.id,
        AuditAction.API_TOKEN_REFUSED,
        Actor(tenant=tenant, ip=ip),
        target_type="api_client",
        target_id=tried[:CLIENT_ID_MAX_LENGTH] if tried else None,
        target_label=client.name if client is not None else None,
        details={"error": answer.error or "unknown"},
    )


routes = [Route("/oauth/token", token, methods=["POST"], name="oauth:token")]
