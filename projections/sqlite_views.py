"""Read models in a SQLite file of their own, one connection per thread."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .base import Table
from .sql_session import SqlSession
from .view_store import NotScrubbed, ViewStore


class SQLiteViews(ViewStore):
    """Read models in their own SQLite file, so their writes never wait on the log's."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA secure_delete=ON")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[SqlSession]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield SqlSession(conn.cursor())
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def durable_write(self) -> Iterator[SqlSession]:
        """A write whose COMMIT reaches the disk before it returns (`synchronous=FULL`
        syncs the WAL at every commit; NORMAL, the read models' setting, may lose the
        newest commits to a power cut, which a projection rebuilds but a mail accepted
        with 250 must not)."""
        conn = self._connection()
        conn.execute("PRAGMA synchronous=FULL")
        try:
            with self.write() as session:
                yield session
        finally:
            conn.execute("PRAGMA synchronous=NORMAL")

    @contextmanager
    def read(self) -> Iterator[SqlSession]:
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield SqlSession(conn.cursor())
        finally:
            conn.execute("ROLLBACK")

    def compact(self, tables: Sequence[tuple[Table, str]]) -> None:
        """Freed space is zeroed as it is freed (`secure_delete`, set on every
        connection), so a rewritten row needs nothing more; a text index does
        (`SqlSession.compact_text_index`). Then the WAL is copied into the file and
        emptied."""
        with self.write() as c:
            for table, name in tables:
                if table.text is not None:
                    c.compact_text_index(name)
        busy, _, _ = self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise NotScrubbed(f"{self.path}: a reader kept the write-ahead log")

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()
