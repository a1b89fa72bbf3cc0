"""Every response carries the security headers: every route, method and outcome, HTTP and HTTPS."""

from __future__ import annotations

import httpx

from tests.conftest import site_client
from tests.support.members import SAME_ORIGIN, sign_in
from tests.support.routes import endpoints


def header_problems(response: httpx.Response, https: bool) -> list[str]:
    headers = response.headers
    csp = headers.get("content-security-policy", "")
    problems = []
    if "object-src 'none'" not in csp:
        problems.append("CSP without object-src 'none'")
    if "'unsafe-inline'" in csp.split("script-src")[-1].split(";")[0]:
        problems.append("inline script allowed")
    for directive in ("base-uri 'none'", "frame-ancestors 'none'"):
        if directive not in csp:
            problems.append(f"CSP without {directive}")
    if "script-src 'self'" not in csp and "default-src 'none'" not in csp:
        problems.append("CSP allows scripts from elsewhere")
    if headers.get("x-content-type-options") != "nosniff":
        problems.append("no X-Content-Type-Options")
    if not headers.get("referrer-policy"):
        problems.append("no Referrer-Policy")
    if https and not headers.get("strict-transport-security", "").startswith("max-age="):
        problems.append("no HSTS over HTTPS")
    if not https and "strict-transport-security" in headers:
        problems.append("HSTS over plain HTTP")
    return problems


async def walk(app, councils, scheme: str) -> tuple[int, list[str]]:
    alpha, _ = councils
    values = alpha.path_values()
    hosts = {
        "tenant": f"{alpha.tenant.slug}.localhost",
        "platform": "localhost",
        "any": "localhost",
    }
    checked, failures = 0, []
    for site, host in hosts.items():
        client = site_client(app, host, raise_errors=False)
        client.base_url = httpx.URL(f"{scheme}://{host}")
        await sign_in(client, alpha.admin.user.email)
        for endpoint in endpoints(app):
            if endpoint.site != site:
                continue
            url = endpoint.fill(values)
            for method in (*endpoint.methods, "DELETE"):  # DELETE: the 405 path too
                response = await client.request(
                    method, url, headers=SAME_ORIGIN, data={} if method != "GET" else None
                )
                checked += 1
                failures += [
                    f"{scheme} {method} {url} {response.status_code}: {p}"
                    for p in header_problems(response, scheme == "https")
                ]
        for extra in ("/no-such-page", "/static/missing.css"):
            response = await client.get(extra)
            checked += 1
            failures += [
                f"{scheme} GET {extra}: {p}" for p in header_problems(response, scheme == "https")
            ]
    return checked, failures


async def test_security_headers_on_every_response_over_http(app, councils):
    checked, failures = await walk(app, councils, "http")
    assert checked > 100
    assert failures == []


async def test_security_headers_and_hsts_on_every_response_over_https(app, councils):
    checked, failures = await walk(app, councils, "https")
    assert checked > 100
    assert failures == []


async def test_error_pages_from_crashes_carry_the_headers_too(app, councils, monkeypatch):
    alpha, _ = councils

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("core.web.sites.resolve_host", broken)
    client = site_client(app, f"{alpha.tenant.slug}.localhost", raise_errors=False)
    response = await client.get("/")
    assert response.status_code == 500
    assert header_problems(response, https=False) == []
