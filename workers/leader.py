"""Single-active workers on PostgreSQL: whoever holds the advisory lock leads, the
others stand by and take over when the leader's session ends."""

from __future__ import annotations

import contextlib
import logging

import psycopg

_log = logging.getLogger("ticketing.workers")


class AdvisoryLeader:
    def __init__(self, conninfo: str, key: int) -> None:
        self.conninfo = conninfo
        self.key = key
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None

    def __call__(self) -> bool:
        """True while this process holds the lock; tries to take it otherwise."""
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self.conninfo, autocommit=True)
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
            return bool(row and row[0])
        except psycopg.Error as e:
            _log.warning("leadership check failed: %s", e)
            self.close()
            return False

    def close(self) -> None:
        """Hands leadership over at once (a closed session's locks are freed lazily)."""
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.execute("SELECT pg_advisory_unlock_all()")
            self._conn.close()
            self._conn = None
