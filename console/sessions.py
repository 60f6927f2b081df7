"""Console sessions: a signed cookie naming the person, their role and when the session
ends, and the CSRF token that belongs to it.

The cookie holds no token and nothing secret: its signature (HMAC-SHA256 under the
console's key) makes it unforgeable, its end time makes it expire, and signing out revokes
its nonce in the store (`wiring.revoked_sessions`), for every process serving the console.
The CSRF token is derived from the session's nonce under the same key, so a form is
accepted only from a page rendered for that very session. Before sign-in the sign-in form
is protected the same way by a short-lived cookie of its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.values import Actor, Role
from wiring.revoked_sessions import RevokedSessions

SESSION_COOKIE = "ticketing_session"
SIGN_IN_COOKIE = "ticketing_sign_in"


@dataclass(frozen=True)
class Session:
    actor: Actor
    ends: datetime
    nonce: str
    csrf: str


class SessionKeys:
    """Issues and reads session cookies and CSRF tokens under one key."""

    def __init__(
        self,
        secret: str | None,
        minutes: float,
        clock: Callable[[], datetime],
        revoked: RevokedSessions,
    ) -> None:
        self._key = hashlib.sha256((secret or secrets.token_urlsafe(32)).encode("utf-8")).digest()
        self.lifetime = timedelta(minutes=minutes)
        self._clock = clock
        self._revoked = revoked

    def issue(self, actor: Actor) -> tuple[str, Session]:
        """A new session for `actor`: the cookie's value and the session it stands for."""
        ends = self._clock() + self.lifetime
        nonce = secrets.token_urlsafe(18)
        payload = f"{actor.id}|{actor.role.value}|{int(ends.timestamp())}|{nonce}"
        value = f"{_b64(payload.encode())}.{self._mac('session', payload)}"
        return value, Session(actor, ends, nonce, self._mac("csrf", nonce))

    def read(self, value: str | None) -> Session | None:
        """The session a cookie stands for, or None when it is absent, forged, malformed,
        revoked or over (the store is asked last, only about a cookie otherwise good)."""
        if not value or value.count(".") != 1:
            return None
        encoded, mac = value.split(".")
        try:
            payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
            person, role, ends_at, nonce = payload.split("|")
            actor = Actor(UUID(person), Role(role))
            ends = datetime.fromtimestamp(int(ends_at), self._clock().tzinfo)
        except ValueError:
            return None
        if not hmac.compare_digest(mac, self._mac("session", payload)):
            return None
        if ends <= self._clock() or self._revoked.revoked(nonce):
            return None
        return Session(actor, ends, nonce, self._mac("csrf", nonce))

    def revoke(self, session: Session) -> None:
        """Signing out: the cookie is refused from now on, even if someone kept a copy."""
        self._revoked.revoke(session.nonce, session.ends, self._clock())

    def sign_in_pair(self) -> tuple[str, str]:
        """A sign-in form's cookie value and the CSRF token its form carries."""
        value = secrets.token_urlsafe(18)
        return value, self._mac("sign-in", value)

    def sign_in_valid(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        return hmac.compare_digest(token, self._mac("sign-in", cookie))

    def _mac(self, purpose: str, text: str) -> str:
        digest = hmac.new(self._key, f"{purpose}:{text}".encode(), hashlib.sha256).digest()
        return _b64(digest)


class FailedSignIns:
    """Refuses sign-in from an address after `limit` unknown tokens within `window`: the
    console's bearer tokens are not behind the API's rate limit on failed
    authentications, so the sign-in form keeps its own."""

    def __init__(
        self, clock: Callable[[], datetime], limit: int = 10, window: float = 60.0
    ) -> None:
        self._clock = clock
        self._limit = limit
        self._window = timedelta(seconds=window)
        self._failures: dict[str, list[datetime]] = {}

    def refused(self, address: str) -> bool:
        since = self._clock() - self._window
        recent = [t for t in self._failures.get(address, []) if t > since]
        if recent:
            self._failures[address] = recent
        else:
            self._failures.pop(address, None)
        return len(recent) >= self._limit

    def failed(self, address: str) -> None:
        self._failures.setdefault(address, []).append(self._clock())


def same_token(expected: str, given: str | None) -> bool:
    """A form's CSRF token checked in constant time."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
