"""Session cookies: __Host- prefix and Secure over HTTPS, and outside development."""

from __future__ import annotations

from core.identity.sessions import CookiePolicy
from core.settings import Settings


def test_https_gets_the_host_prefix_and_secure():
    policy = CookiePolicy.for_request("cp_session", "https", Settings())
    assert policy == CookiePolicy("__Host-cp_session", True)


def test_plain_http_is_only_insecure_in_development_and_tests():
    assert not CookiePolicy.for_request("cp_session", "http", Settings()).secure
    production = Settings(environment="production", secret_key="x" * 40)
    assert CookiePolicy.for_request("cp_session", "http", production).secure
