"""Server-side sessions: the cookie carries a signed random token; the row holds its hash.

Rows make sign-out, barring and password resets end sessions at once, in every
process. Idle and absolute timeouts come from settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, Signer

from core.clock import utcnow
from core.identity.models import User, UserSession
from core.identity.secrets import new_token, token_digest
from core.settings import Settings
from tenants.models import Tenant

# last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class CookiePolicy:
    """``__Host-`` prefix and ``Secure`` over HTTPS; plain names only in development."""

    name: str
    secure: bool

    @classmethod
    def for_request(cls, base: str, scheme: str, settings: Settings) -> CookiePolicy:
        if scheme == "https":
            return cls(f"__Host-{base}", True)
        return cls(base, not settings.is_local)


def signer(settings: Settings, purpose: str) -> Signer:
    return Signer(settings.secret_key, salt=f"carepurse.{purpose}")


async def start_session(
    user: User, tenant: Tenant | None, settings: Settings, ip: str | None
) -> str:
    """Create a session and return the signed cookie value. Always a new token (rotation)."""
    token = new_token()
    now = utcnow()
    await UserSession.create(
        id=token_digest(token),
        tenant=tenant,
        user=user,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_absolute_hours),
        ip=ip,
    )
    await User.filter(id=user.id).update(last_sign_in_at=now)
    return signer(settings, "session").sign(token).decode()


async def load_session(
    cookie: str | None, tenant: Tenant | None, settings: Settings
) -> UserSession | None:
    """The live session for this cookie on this site, or ``None``."""
    if not cookie:
        return None
    try:
        token = signer(settings, "session").unsign(cookie).decode()
    except BadSignature:
        return None
    session = await UserSession.get_or_none(id=token_digest(token), ended_at__isnull=True)
    if session is None:
        return None
    now = utcnow()
    idle_limit = session.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    same_site = session.tenant_id == (tenant.id if tenant else None)
    if not same_site or now >= session.expires_at or now >= idle_limit:
        if same_site:
            await end_session(session)
        return None
    if now - session.last_seen_at >= TOUCH_EVERY:
        session.last_seen_at = now
        await UserSession.filter(id=session.id).update(last_seen_at=now)
    return session


async def end_session(session: UserSession) -> None:
    await UserSession.filter(id=session.id, ended_at__isnull=True).update(ended_at=utcnow())


async def end_all_sessions(user_id: object, tenant_id: int | None = None) -> int:
    """Sign a user out everywhere (or in one council): after a bar or a password reset."""
    query = UserSession.filter(user_id=user_id, ended_at__isnull=True)
    if tenant_id is not None:
        query = query.filter(tenant_id=tenant_id)
    return await query.update(ended_at=utcnow())
