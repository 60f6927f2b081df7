"""Read models in the log's PostgreSQL database, and PostgreSQL's dialect of their SQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from psycopg_pool import ConnectionPool

from .sql_session import SqlSession
from .view_store import ViewStore


class PostgresSession(SqlSession):
    """psycopg's `%s` placeholders, row locks for batches and swaps, and COPY for new rows."""

    row_lock = " FOR UPDATE"

    def sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

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
        with self.pool.connection() as conn, conn.transaction():
            yield PostgresSession(conn.cursor())

    @contextmanager
    def read(self) -> Iterator[SqlSession]:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION READ ONLY")
            yield PostgresSession(conn.cursor())

    def close(self) -> None:
        self.pool.close()
