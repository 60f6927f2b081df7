"""The keys that seal personal data, one per customer, kept outside the log.

`customer_keys` holds each owner's AES-256 key; erasing the owner sets it to NULL for good
(the row stays, so no new key is ever made for them). `key_owners` says whose key seals
each aggregate's events: a ticket's is its customer's, a person's their own, a ticket
without a customer its own. Embedded, the tables live in their own SQLite file beside the
log (`<db>.keys.sqlite3`), so that backing them up is a decision of its own; on
PostgreSQL in the log's database. Deleted rows are overwritten on SQLite
(`secure_delete`), so a destroyed key leaves no copy in the file's free pages.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from psycopg_pool import ConnectionPool

KEY_BYTES = 32
TTL_SECONDS = 2.0
"""How long a process trusts a key it read: an erasure through another process is
complete in this one at its next catch-up with the log (each request's), and at the
latest after this long (its own erasures at once)."""

_TABLES = (
    "CREATE TABLE IF NOT EXISTS customer_keys ("
    " customer_id TEXT PRIMARY KEY, key {blob}, erased_at TEXT)",
    "CREATE TABLE IF NOT EXISTS key_owners ("
    " aggregate_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS key_owners_by_customer ON key_owners (customer_id)",
    "CREATE TABLE IF NOT EXISTS owned_bytes ("
    " customer_id TEXT NOT NULL, kind TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " PRIMARY KEY (customer_id, kind, sha256))",
    "CREATE INDEX IF NOT EXISTS owned_bytes_by_digest ON owned_bytes (sha256, customer_id)",
)
ATTACHMENT = "attachment"
MAIL = "mail"
"""The kinds of bytes kept outside the log under their digest: attachments' in the blob
store, raw inbound mail in the mail store; `owned_bytes` says whose they are, so that an
erasure finds them without reading the log and keeps bytes another customer holds too."""


class PersonalKeys:
    """Keys and owners, cached: owners never change, and an erased key never returns."""

    def __init__(self, sql: KeySql) -> None:
        self._sql = sql
        self._owners: dict[UUID, UUID] = {}
        self._keys: dict[UUID, tuple[bytes | None, float]] = {}

    def own(self, aggregate_id: UUID, customer_id: UUID) -> None:
        """Records whose key seals the aggregate (at its first event), and makes that key
        unless it exists (or was destroyed), in one transaction: one commit per aggregate."""
        self._sql.run_all(
            [
                (
                    "INSERT INTO key_owners (aggregate_id, customer_id) VALUES (?, ?)"
                    " ON CONFLICT (aggregate_id) DO NOTHING",
                    (str(aggregate_id), str(customer_id)),
                ),
                (
                    "INSERT INTO customer_keys (customer_id, key) VALUES (?, ?)"
                    " ON CONFLICT (customer_id) DO NOTHING",
                    (str(customer_id), os.urandom(KEY_BYTES)),
                ),
            ]
        )
        self._owners[aggregate_id] = customer_id

    def owner_of(self, aggregate_id: UUID) -> UUID | None:
        owner = self._owners.get(aggregate_id)
        if owner is None:
            rows = self._sql.run(
                "SELECT customer_id FROM key_owners WHERE aggregate_id = ?", (str(aggregate_id),)
            )
            if not rows:
                return None
            owner = self._owners[aggregate_id] = UUID(rows[0][0])
        return owner

    def key(self, customer_id: UUID) -> bytes | None:
        """The customer's key, or None once it is destroyed (or never made)."""
        cached = self._keys.get(customer_id)
        if cached is not None and (cached[0] is None or time.monotonic() < cached[1]):
            return cached[0]
        rows = self._sql.run(
            "SELECT key, erased_at FROM customer_keys WHERE customer_id = ?", (str(customer_id),)
        )
        key = bytes(rows[0][0]) if rows and rows[0][0] is not None else None
        if key is not None or (rows and rows[0][1] is not None):
            self._keys[customer_id] = (key, time.monotonic() + TTL_SECONDS)
        return key

    def sealing_key(self, customer_id: UUID) -> bytes:
        """The key to seal new data with (made by `own`); for an erased customer a key
        nobody keeps, so what is written for them is born erased."""
        return self.key(customer_id) or os.urandom(KEY_BYTES)

    def forget(self, customer_id: UUID) -> None:
        """Drops the cached key: the next use reads the table."""
        self._keys.pop(customer_id, None)

    def destroy(self, customer_id: UUID) -> None:
        """Irreversible: the key is overwritten with NULL, the row kept as a tombstone."""
        at = datetime.now(UTC).isoformat()
        self._sql.run(
            "INSERT INTO customer_keys (customer_id, key, erased_at) VALUES (?, NULL, ?)"
            " ON CONFLICT (customer_id) DO UPDATE SET key = NULL,"
            " erased_at = COALESCE(customer_keys.erased_at, excluded.erased_at)",
            (str(customer_id), at),
        )
        self._keys[customer_id] = (None, 0.0)

    def hold(self, customer_id: UUID, kind: str, sha256: str) -> None:
        self._sql.run(
            "INSERT INTO owned_bytes (customer_id, kind, sha256) VALUES (?, ?, ?)"
            " ON CONFLICT (customer_id, kind, sha256) DO NOTHING",
            (str(customer_id), kind, sha256),
        )

    def held_by(self, customer_id: UUID) -> dict[str, list[str]]:
        rows = self._sql.run(
            "SELECT kind, sha256 FROM owned_bytes WHERE customer_id = ? ORDER BY kind, sha256",
            (str(customer_id),),
        )
        held: dict[str, list[str]] = {ATTACHMENT: [], MAIL: []}
        for kind, sha256 in rows:
            held.setdefault(kind, []).append(sha256)
        return held

    def held_by_others(self, sha256: str, customer_id: UUID) -> bool:
        rows = self._sql.run(
            "SELECT 1 FROM owned_bytes WHERE sha256 = ? AND customer_id <> ? LIMIT 1",
            (sha256, str(customer_id)),
        )
        return bool(rows)

    def aggregates_of(self, customer_id: UUID) -> list[UUID]:
        rows = self._sql.run(
            "SELECT aggregate_id FROM key_owners WHERE customer_id = ? ORDER BY aggregate_id",
            (str(customer_id),),
        )
        return [UUID(r[0]) for r in rows]

    def install(self) -> None:
        self._sql.install()

    def scrub(self) -> None:
        self._sql.scrub()

    def close(self) -> None:
        self._sql.close()


Statement = tuple[str, tuple[Any, ...]]


class KeySql(Protocol):
    def run(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]: ...

    def run_all(self, statements: list[Statement]) -> None:
        """In one transaction."""

    def install(self) -> None: ...

    def scrub(self) -> None:
        """Leaves no copy of a destroyed key in the database's files."""

    def close(self) -> None: ...


class SqliteKeys:
    """The keys file; each statement commits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use (all are closed together)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=10, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA secure_delete=ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def run(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._connection().execute(statement, params).fetchall()

    def run_all(self, statements: list[Statement]) -> None:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement, params in statements:
                conn.execute(statement, params)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def install(self) -> None:
        for statement in _TABLES:
            self.run(statement.format(blob="BLOB"))

    def scrub(self) -> None:
        """Folds the write-ahead log back into the file and empties it, so a destroyed
        key is in neither."""
        self.run("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


class PostgresKeys:
    """The keys table in the log's database, through a small pool (a process's request
    threads share a few connections); each statement commits."""

    def __init__(self, conninfo: str) -> None:
        self._pool = ConnectionPool(
            conninfo, min_size=1, max_size=4, kwargs={"autocommit": True}, open=True
        )

    def run(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._pool.connection() as conn:
            cursor = conn.execute(statement.replace("?", "%s"), params)
            return list(cursor.fetchall()) if cursor.description else []

    def run_all(self, statements: list[Statement]) -> None:
        with self._pool.connection() as conn, conn.transaction():
            for statement, params in statements:
                conn.execute(statement.replace("?", "%s"), params)

    def install(self) -> None:
        for statement in _TABLES:
            self.run(statement.format(blob="BYTEA"))

    def scrub(self) -> None:
        """PostgreSQL keeps a dead row's bytes in its page even after a plain VACUUM;
        the table is small (a key per customer), so rewriting it is cheap."""
        self.run("VACUUM FULL customer_keys")

    def close(self) -> None:
        self._pool.close()
