"""The statements one transaction runs, in the one SQL dialect the read models are written in.

SQL in `projections/` is written once, in SQLite's spelling (`?` placeholders); a store's
transaction hands its callers a session that speaks its own database's dialect. This base
class is SQLite's; `postgres_views.PostgresSession` is PostgreSQL's.

It is called a session, not a cursor, although it wraps a driver's cursor: in this package
a cursor is the opaque position a page of results continues after (`pages.py`), and a
session is what the code using it sees: the statements of one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class SqlSession:
    """A driver's cursor inside one transaction, answering rows as plain tuples."""

    row_lock = ""
    """What a SELECT ends with to lock the rows it reads until the transaction ends. SQLite
    needs nothing: its write transactions (`BEGIN IMMEDIATE`) already exclude each other."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def sql(self, sql: str) -> str:
        """A statement written with `?` placeholders, in this database's spelling."""
        return sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> SqlSession:
        self.raw.execute(self.sql(sql), params)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.raw.executemany(self.sql(sql), rows)

    def insert_new(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """Adds rows known not to exist yet: the one bulk load a database may do faster."""
        self.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            rows,
        )

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.raw.fetchall()]

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self.raw.fetchone()
        return None if row is None else tuple(row)
