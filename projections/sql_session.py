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

    def text_columns(self, column: str) -> list[str]:
        """Columns a text-searched table holds besides its own: none here, as SQLite's
        index is an FTS5 table beside it."""
        return []

    def create_text_index(self, table: str, column: str) -> None:
        """An FTS5 index over the table's words column, kept by triggers and filled from
        the rows already there. It follows the table's rowids, which only VACUUM would
        renumber (nothing here runs it; a rebuild of the projection would mend it)."""
        fts = f"{table}_fts"
        self.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({column},"
            f" content='{table}', content_rowid='rowid', detail=none, columnsize=0)"
        )
        add = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.rowid, new.{column});"
        remove = (
            f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.rowid, old.{column});"
        )
        for name, when, body in (
            ("ai", "AFTER INSERT", add),
            ("ad", "AFTER DELETE", remove),
            ("au", f"AFTER UPDATE OF {column}", remove + add),
        ):
            self.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_{name} {when} ON {table} BEGIN {body} END"
            )
        self.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")

    def drop_text_index(self, table: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {table}_fts")

    def compact_text_index(self, table: str) -> None:
        """Merges the index into one segment ('optimize'): FTS5 before SQLite 3.42 has no
        'secure-delete', so the tokens of a changed row stay in the older segments until
        a merge rewrites them (about a second at 100k tickets)."""
        fts = f"{table}_fts"
        self.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")

    def text_match(self, table: str, column: str) -> str:
        """The condition on the text table's rows that contain every term of a query
        (`text_query`, a bound value)."""
        return f"rowid IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)"

    def text_query(self, terms: list[str]) -> str:
        """Terms (hex tokens, `words.terms`) as this store's query: each a token prefix."""
        return " AND ".join(f'"{t}"*' for t in terms)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.raw.fetchall()]

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self.raw.fetchone()
        return None if row is None else tuple(row)
