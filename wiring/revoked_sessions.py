"""Signed-out console sessions, for every process on the store: a session cookie is
signed, so any process can read it, and only a shared table can say it was revoked. A row
is kept until the session would have ended anyway, then purged; the check on each request
is one primary-key lookup, made only for a cookie whose signature and end time hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.timefmt import rfc3339
from projections.sql_session import SqlSession
from projections.view_store import ViewStore

_TABLE = (
    "CREATE TABLE IF NOT EXISTS console_revoked_sessions"
    " (nonce TEXT PRIMARY KEY, ends TEXT NOT NULL)"
)


def install(c: SqlSession) -> None:
    c.execute(_TABLE)


@dataclass(frozen=True)
class RevokedSessions:
    views: ViewStore

    def revoke(self, nonce: str, ends: datetime, now: datetime) -> None:
        """Refuses the session's cookie from now on, in every process; drops the rows of
        sessions that have ended since."""
        with self.views.durable_write() as c:
            c.execute("DELETE FROM console_revoked_sessions WHERE ends <= ?", (rfc3339(now),))
            c.execute(
                "INSERT INTO console_revoked_sessions (nonce, ends) VALUES (?, ?)"
                " ON CONFLICT (nonce) DO NOTHING",
                (nonce, rfc3339(ends)),
            )

    def revoked(self, nonce: str) -> bool:
        with self.views.read() as c:
            row = c.execute(
                "SELECT 1 FROM console_revoked_sessions WHERE nonce = ?", (nonce,)
            ).fetchone()
        return row is not None
