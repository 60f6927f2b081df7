"""Read models in the log's PostgreSQL database, and PostgreSQL's dialect of their SQL."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from psycopg_pool import ConnectionPool

from .base import Table
from .sql_session import SqlSession
from .view_store import NotScrubbed, ViewStore


class PostgresSession(SqlSession):
    """psycopg's `%s` placeholders, row locks for batches and swaps, COPY for new rows, and
    full-text search on a `tsvector` column with a GIN index."""

    row_lock = " FOR UPDATE"

    def sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def text_columns(self, column: str) -> list[str]:
        """The words as a `tsvector`, computed by the database from the column, so writes
        never name it; the tokens are taken as they are, never parsed or stemmed."""
        return [
            f"{column}_vector tsvector GENERATED ALWAYS AS"
            f" (array_to_tsvector(string_to_array({column}, ' '))) STORED"
        ]

    def create_text_index(self, table: str, column: str) -> None:
        self.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_text ON {table} USING GIN ({column}_vector)"
        )

    def drop_text_index(self, table: str) -> None:
        """The index goes with its table."""

    def compact_text_index(self, table: str) -> None:
        """VACUUM FULL rebuilds the index with its table (`PostgresViews.compact`)."""

    def text_match(self, table: str, column: str) -> str:
        return f"{column}_vector @@ CAST(? AS tsquery)"

    def text_query(self, terms: list[str]) -> str:
        return " & ".join(f"'{t}':*" for t in terms)

    def insert_new(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """New rows go in by COPY, several times faster than INSERT statements."""
        if rows:
            with self.raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


class PostgresViews(ViewStore):
    """Read models in the log's PostgreSQL database, through a connection pool."""

    def __init__(self, conninfo: str, max_size: int = 10) -> None:
        self.pool = ConnectionPool(conninfo, min_size=1, max_size=max_size, open=True)

    @contextmanager
    def write(self) -> Iterator[SqlSession]:
        with self.pool.connection() as conn:
            conn.read_only = False
            with conn.transaction():
                yield PostgresSession(conn.cursor())

    @contextmanager
    def read(self) -> Iterator[SqlSession]:
        """A read-only transaction, begun as such (`BEGIN READ ONLY`): one round trip
        fewer than setting it after `BEGIN`, on every read."""
        with self.pool.connection() as conn:
            conn.read_only = True
            with conn.transaction():
                yield PostgresSession(conn.cursor())

    def compact(self, tables: Sequence[tuple[Table, str]]) -> None:
        """VACUUM FULL: a plain VACUUM frees a dead row's space but may leave its bytes
        in the page, and a GIN index keeps every key it ever held; VACUUM FULL writes
        each table, its TOAST and its indexes anew and drops the old files. It locks
        each table against reads while it copies it (some seconds at 100k tickets).
        It runs outside a transaction, hence autocommit on this connection."""
        with self.pool.connection() as conn:
            conn.read_only = False
            conn.autocommit = True
            try:
                _outlive_older_transactions(conn)
                for _, name in tables:
                    conn.execute(f"VACUUM FULL {name}")
            finally:
                conn.autocommit = False

    def close(self) -> None:
        self.pool.close()


OLDER = (
    "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
    " AND (age(backend_xid) > age(CAST(%s AS xid))"
    " OR (datname = current_database() AND age(backend_xmin) > age(CAST(%s AS xid))))"
)
"""Transactions that keep a row replaced before the given transaction id from being
removed: any writer of the server (even in another database), or a reader of this one."""
HORIZON_WAIT_SECONDS = 60.0


def _outlive_older_transactions(conn: Any) -> None:
    """Waits until no transaction older than now is running: VACUUM keeps each old row
    version such a transaction might still see, erased text included. "Now" is a
    transaction id of its own (a snapshot's bounds may count running ones as not yet
    begun)."""
    (now,) = conn.execute("SELECT pg_current_xact_id()::text").fetchone()
    start = str(int(now) % 2**32)  # the 32-bit id that pg_stat_activity shows
    deadline = time.monotonic() + HORIZON_WAIT_SECONDS
    while conn.execute(OLDER, (start, start)).fetchone()[0]:
        if time.monotonic() > deadline:
            raise NotScrubbed(f"transactions older than {start} ran {HORIZON_WAIT_SECONDS} s on")
        time.sleep(0.05)
