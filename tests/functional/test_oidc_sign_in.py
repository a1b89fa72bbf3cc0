"""Council sign-in through OpenID Connect, end to end against real providers on loopback.

Two providers run (council A's and council B's issuers); the app talks to them
over real HTTP for discovery, keys and the code exchange, exactly as it would
to a council's identity provider.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import httpx
import pytest

from core.audit.models import AuditEvent
from core.errors import InvalidInput
from core.identity.models import ExternalIdentity, Membership, MembershipStatus, User
from core.identity.secrets import hash_password
from core.oidc.discovery import discovery
from tenants import services
from tenants.models import Tenant
from tests.factories import make_tenant
from tests.support.cli import carepurse
from tests.support.live_server import free_port
from tests.support.oidc_provider import TestIdentityProvider, running

OFFICER = "officer-0001"


@pytest.fixture(scope="module")
def idp_a() -> Iterator[TestIdentityProvider]:
    provider = TestIdentityProvider("Test Council IdP")
    provider.add_user(OFFICER, "Jane Officer", "jane.officer@alphaton.gov.uk")
    provider.add_user("officer-0002", "Sam Shared", "sam@shared.gov.uk")
    with running(provider):
        yield provider


@pytest.fixture(scope="module")
def idp_b() -> Iterator[TestIdentityProvider]:
    provider = TestIdentityProvider("Betaville IdP")
    provider.add_user(OFFICER, "Bea Officer", "bea.officer@betaville.gov.uk")
    with running(provider):
        yield provider


@pytest.fixture(autouse=True)
def fresh_providers(idp_a, idp_b) -> Iterator[None]:
    for provider in (idp_a, idp_b):
        provider.reset()
    discovery.forget()
    yield
    discovery.forget()


@pytest.fixture
def sso_council(registry, tmp_path: Path):
    """``await sso_council(slug, idp, **config)``: a council whose staff sign in through ``idp``."""

    async def make(slug: str, idp: TestIdentityProvider, **config: object) -> Tenant:
        tenant = await make_tenant(slug, f"{slug.title()} Council")
        secret = f"secret-for-{slug}"
        secret_file = tmp_path / f"{slug}-client-secret"
        secret_file.write_text(secret + "\n")
        client_id = f"carepurse-{slug}"
        idp.register_client(client_id, secret, f"http://{slug}.localhost/sign-in/council/callback")
        return await services.configure_plugins(
            tenant,
            registry,
            enable=["oidc-sign-in"],
            settings={"oidc-sign-in": {"issuer": idp.issuer, "client_id": client_id, **config}},
            secrets={"oidc-sign-in": {"client_secret": f"file:{secret_file}"}},
        )

    return make


async def through_provider(
    client: httpx.AsyncClient,
    idp: TestIdentityProvider,
    subject: str = OFFICER,
    *,
    next_path: str | None = None,
    action: str = "sign-in",
    state: str | None = None,
) -> httpx.Response:
    """Click "Sign in with …", choose ``subject`` on the provider's page, come back."""
    start = await client.get(
        "/sign-in/council" + (f"?next={quote(next_path)}" if next_path else "")
    )
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    assert authorize.startswith(f"{idp.issuer}/authorize?")
    async with httpx.AsyncClient() as browser:
        page = await browser.get(authorize)
        assert page.status_code == 200, page.text
        assert f"Sign in to {idp.title}" in page.text
        params = dict(parse_qsl(urlsplit(authorize).query))
        decision = await browser.post(
            f"{idp.issuer}/authorize", data={**params, "subject": subject, "action": action}
        )
    assert decision.status_code == 303
    callback = urlsplit(decision.headers["location"])
    assert f"{callback.scheme}://{callback.netloc}" == str(client.base_url).rstrip("/")
    query = dict(parse_qsl(callback.query))
    if state is not None:
        query["state"] = state
    return await client.get(f"{callback.path}?{urlencode(query)}")


async def failures(tenant: Tenant) -> list[str]:
    events = await AuditEvent.filter(tenant_id=tenant.id, action="sign_in_failed").order_by("id")
    return [event.details.get("reason", "") for event in events]


def signed_in(response: httpx.Response) -> bool:
    return "cp_session=" in response.headers.get("set-cookie", "")


async def test_the_sign_in_page_offers_the_councils_provider_as_a_plain_link(
    sso_council, idp_a, client_for, platform_client
):
    alpha = await sso_council("alphaton", idp_a, label="Sign in with Alphaton staff login")
    page = await client_for(alpha).get("/sign-in?next=/council")
    assert page.status_code == 200
    assert (
        '<a class="govuk-button govuk-button--secondary" href="/sign-in/council?next=/council">'
        "Sign in with Alphaton staff login</a>"
    ) in page.text
    assert "/sign-in/council" not in (await platform_client.get("/sign-in")).text
    plain = await make_tenant("plainham")
    assert "/sign-in/council" not in (await client_for(plain).get("/sign-in")).text


async def test_an_officer_signs_in_and_is_provisioned_with_the_default_roles(
    sso_council, idp_a, client_for
):
    alpha = await sso_council("alphaton", idp_a)
    async with client_for(alpha) as client:
        response = await through_provider(client, idp_a, next_path="/council")
        assert response.status_code == 303 and response.headers["location"] == "/council"
        assert signed_in(response)
        assert 'cp_oidc=""' in response.headers["set-cookie"]  # the attempt is forgotten
        console = await client.get("/council")
        assert console.status_code == 200
        assert "Jane Officer" in console.text and 'href="/council"' in console.text

    user = await User.get(display_name="Jane Officer")
    assert user.email == "jane.officer@alphaton.gov.uk" and user.password_hash is None
    identity = await ExternalIdentity.get(user_id=user.id)
    assert (identity.tenant_id, identity.issuer, identity.subject) == (
        alpha.id,
        idp_a.issuer,
        OFFICER,
    )
    membership = await Membership.get(user_id=user.id)
    assert membership.tenant_id == alpha.id and membership.roles == ["council_officer"]
    sign_in = await AuditEvent.get(tenant_id=alpha.id, action="sign_in")
    assert sign_in.details == {"method": "oidc", "issuer": idp_a.issuer}

    # What the provider saw: PKCE S256 on the way out, the verifier and basic auth on exchange.
    (authorize,) = idp_a.authorize_requests
    assert authorize["code_challenge_method"] == "S256" and authorize["nonce"]
    assert authorize["redirect_uri"] == "http://alphaton.localhost/sign-in/council/callback"
    (exchange,) = idp_a.token_requests
    assert exchange["auth_method"] == "client_secret_basic" and exchange["code_verifier"]


async def test_a_second_sign_in_reuses_the_identity(sso_council, idp_a, client_for):
    alpha = await sso_council("alphaton", idp_a)
    for _ in range(2):
        async with client_for(alpha) as client:
            assert signed_in(await through_provider(client, idp_a))
    assert await User.all().count() == 1
    assert await ExternalIdentity.all().count() == 1
    assert await Membership.all().count() == 1
    assert await AuditEvent.filter(tenant_id=alpha.id, action="sign_in").count() == 2


async def test_name_and_email_come_from_userinfo_when_the_id_token_has_none(
    sso_council, idp_a, client_for
):
    alpha = await sso_council("alphaton", idp_a)
    idp_a.profile_in_id_token = False
    async with client_for(alpha) as client:
        assert signed_in(await through_provider(client, idp_a))
    assert await User.exists(display_name="Jane Officer", email="jane.officer@alphaton.gov.uk")


async def test_a_provider_that_only_takes_client_secret_post_gets_it(
    sso_council, idp_a, client_for
):
    alpha = await sso_council("alphaton", idp_a)
    idp_a.auth_methods = ("client_secret_post",)
    try:
        async with client_for(alpha) as client:
            assert signed_in(await through_provider(client, idp_a))
        assert idp_a.token_requests[0]["auth_method"] == "client_secret_post"
    finally:
        idp_a.auth_methods = ("client_secret_basic", "client_secret_post")


async def test_a_state_mismatch_or_a_missing_attempt_is_refused(sso_council, idp_a, client_for):
    alpha = await sso_council("alphaton", idp_a)
    async with client_for(alpha) as client:
        response = await through_provider(client, idp_a, state="forged-state")
    assert response.status_code == 400 and not signed_in(response)
    assert "Your sign-in could not be finished" in response.text
    assert "Try signing in again" in response.text
    assert idp_a.token_requests == []  # the code was never even exchanged

    # A callback in a browser that never started a sign-in (login CSRF) gets nowhere either.
    async with client_for(alpha) as attacker:
        start = await attacker.get("/sign-in/council")
        state = dict(parse_qsl(urlsplit(start.headers["location"]).query))["state"]
    async with client_for(alpha) as victim:
        refused = await victim.get(f"/sign-in/council/callback?code=stolen&state={state}")
    assert refused.status_code == 400 and not signed_in(refused)
    assert await failures(alpha) == ["state does not match", "no sign-in in progress"]
    assert await User.all().count() == 0


async def test_a_callback_cannot_be_replayed(sso_council, idp_a, client_for):
    alpha = await sso_council("alphaton", idp_a)
    async with client_for(alpha) as client:
        start = await client.get("/sign-in/council")
        params = dict(parse_qsl(urlsplit(start.headers["location"]).query))
        async with httpx.AsyncClient() as browser:
            decision = await browser.post(
                f"{idp_a.issuer}/authorize", data={**params, "subject": OFFICER}
            )
        callback = urlsplit(decision.headers["location"])
        first = await client.get(f"{callback.path}?{callback.query}")
        assert signed_in(first)
        again = await client.get(f"{callback.path}?{callback.query}")
    assert again.status_code == 400 and not signed_in(again)


async def test_a_forged_id_token_is_refused(sso_council, idp_a, client_for):
    alpha = await sso_council("alphaton", idp_a)
    idp_a.forge_signature = True
    async with client_for(alpha) as client:
        response = await through_provider(client, idp_a)
        assert response.status_code == 403 and not signed_in(response)
        assert "We could not confirm who you are" in response.text
        assert (await client.get("/council", follow_redirects=False)).status_code == 303
    assert await failures(alpha) == ["the ID token's signature does not match the issuer's keys"]
    assert await User.all().count() == 0


async def test_an_id_token_with_the_wrong_nonce_is_refused(sso_council, idp_a, client_for):
    alpha = await sso_council("alphaton", idp_a)
    idp_a.wrong_nonce = True
    async with client_for(alpha) as client:
        response = await through_provider(client, idp_a)
    assert response.status_code == 403 and not signed_in(response)
    assert await failures(alpha) == ["the ID token's nonce claim is missing or wrong"]


async def test_a_token_from_council_bs_issuer_is_refused_on_council_a(
    sso_council, idp_a, idp_b, client_for
):
    alpha = await sso_council("alphaton", idp_a)
    beta = await sso_council("betaville", idp_b)
    async with client_for(beta) as client:  # B's provider works, for B
        assert signed_in(await through_provider(client, idp_b))

    # A's provider hands over a token B's provider minted (B's key, B's issuer) ...
    idp_a.mint_as = idp_b
    async with client_for(alpha) as client:
        minted_by_b = await through_provider(client, idp_a)
    # ... or a token in B's issuer's name signed with A's own key.
    idp_a.mint_as, idp_a.issuer_in_tokens = None, idp_b.issuer
    async with client_for(alpha) as client:
        claims_b = await through_provider(client, idp_a)
    for response in (minted_by_b, claims_b):
        assert response.status_code == 403 and not signed_in(response)
    assert await failures(alpha) == [
        "the ID token was signed with a key the issuer does not publish",
        "the ID token's iss claim is missing or wrong",
    ]
    assert not await Membership.exists(tenant_id=alpha.id)


async def test_an_identity_from_another_council_never_signs_in_here(sso_council, idp_a, client_for):
    # Two councils pointed at the same issuer: the identity stays with the first.
    alpha = await sso_council("alphaton", idp_a)
    gamma = await sso_council("gammaford", idp_a)
    async with client_for(alpha) as client:
        assert signed_in(await through_provider(client, idp_a, "officer-0002"))
    async with client_for(gamma) as client:
        response = await through_provider(client, idp_a, "officer-0002")
    assert response.status_code == 403 and not signed_in(response)
    assert await failures(gamma) == ["the identity belongs to another council"]
    assert not await Membership.exists(tenant_id=gamma.id)


async def test_a_barred_member_is_refused(sso_council, idp_a, client_for):
    alpha = await sso_council("alphaton", idp_a)
    async with client_for(alpha) as client:
        assert signed_in(await through_provider(client, idp_a))
    await Membership.filter(tenant_id=alpha.id).update(
        status=MembershipStatus.BARRED, barred_reason="You left Alphaton Council in May."
    )
    async with client_for(alpha) as client:
        response = await through_provider(client, idp_a)
    assert response.status_code == 403 and not signed_in(response)
    assert "You cannot use this website at the moment" in response.text
    assert "You left Alphaton Council in May." in response.text
    assert await failures(alpha) == ["barred"]


async def test_an_existing_password_account_with_the_same_email_is_not_linked(
    sso_council, idp_a, client_for
):
    alpha = await sso_council("alphaton", idp_a)
    owner = await User.create(
        email="jane.officer@alphaton.gov.uk",
        display_name="The Real Jane",
        password_hash=hash_password("correct horse battery"),
    )
    async with client_for(alpha) as client:
        response = await through_provider(client, idp_a, next_path="/account")
        assert signed_in(response)
        account = await client.get("/account")
        assert "Jane Officer" in account.text and "The Real Jane" not in account.text
    new_user = await User.get(display_name="Jane Officer")
    assert new_user.id != owner.id and new_user.email is None
    assert not await ExternalIdentity.exists(user_id=owner.id)
    assert not await Membership.exists(user_id=owner.id)


async def test_cancelling_at_the_provider_signs_no_one_in(sso_council, idp_a, client_for):
    alpha = await sso_council("alphaton", idp_a)
    async with client_for(alpha) as client:
        response = await through_provider(client, idp_a, action="cancel")
    assert response.status_code == 400 and "You have not signed in" in response.text
    assert await failures(alpha) == ["provider returned access_denied"]


async def test_an_unreachable_provider_gets_a_clear_page(registry, client_for, tmp_path):
    alpha = await make_tenant("alphaton")
    secret = tmp_path / "secret"
    secret.write_text("s")
    dead = f"http://127.0.0.1:{free_port()}"
    await services.configure_plugins(
        alpha,
        registry,
        enable=["oidc-sign-in"],
        settings={"oidc-sign-in": {"issuer": dead, "client_id": "c"}},
        secrets={"oidc-sign-in": {"client_secret": f"file:{secret}"}},
    )
    response = await client_for(alpha).get("/sign-in/council")
    assert response.status_code == 502
    assert "Council sign-in is not working at the moment" in response.text
    assert (await failures(alpha))[0].startswith("provider unavailable: cannot fetch")
    assert (await client_for(alpha).get("/sign-in/nobody")).status_code == 404


async def test_the_sign_in_page_survives_a_broken_provider_plugin(
    sso_council, idp_a, client_for, registry
):
    alpha = await sso_council("alphaton", idp_a)
    alpha = await services.configure_plugins(alpha, registry, enable=["exploder"])
    page = await client_for(alpha).get("/sign-in")
    assert page.status_code == 200 and "/sign-in/council?next=" in page.text


async def test_plugin_settings_are_validated_naming_the_field(app, registry, settings):
    tenant = await make_tenant("alphaton")
    with pytest.raises(InvalidInput) as refused:
        await services.configure_plugins(
            tenant,
            registry,
            enable=["oidc-sign-in"],
            settings={
                "oidc-sign-in": {
                    "issuer": "http://login.alphaton.gov.uk",
                    "client_id": "c",
                    "default_roles": ["lord_mayor"],
                }
            },
        )
    fields = {problem.field for problem in refused.value.problems}
    assert {"oidc-sign-in.issuer", "oidc-sign-in.default_roles.0"} <= fields
    with pytest.raises(InvalidInput) as no_secret:
        await services.configure_plugins(
            tenant,
            registry,
            enable=["oidc-sign-in"],
            settings={"oidc-sign-in": {"issuer": "https://login.example", "client_id": "c"}},
        )
    assert [p.field for p in no_secret.value.problems] == ["oidc-sign-in.secrets.client_secret"]

    result = await carepurse(
        settings,
        "tenant",
        "plugins",
        "alphaton",
        "--enable",
        "oidc-sign-in",
        "--set",
        "issuer=http://login.alphaton.gov.uk",
        "--set",
        "client_id=carepurse",
        "--secret",
        "client_secret=env:ALPHATON_OIDC_SECRET",
    )
    assert result.exit_code == 1
    assert "oidc-sign-in.issuer: issuer must use https://" in result.output
    assert (await Tenant.get(id=tenant.id)).plugins == []
