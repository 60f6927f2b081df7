"""Where read models live: SQLite or PostgreSQL tables, in generations.

Each projection has a live generation (`projection_live`) and a tracked position per
generation (`projection_tracking`). A batch writes its rows and its position in one
transaction, after locking the projection's live row, so a rebuild can fill the next
generation beside the live one and swap it in atomically. SQL is written once with
`?` placeholders; the PostgreSQL store turns them into `%s`.
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psycopg_pool import ConnectionPool

from .base import Batch, Key, Projection, Row, Table

Values = tuple[Any, ...]
_CHUNK = 250
"""Keys per lookup statement, well under both stores' limits on bound parameters."""

REGISTRY = (
    "CREATE TABLE IF NOT EXISTS projection_live ("
    " name TEXT PRIMARY KEY, generation INTEGER NOT NULL, version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS projection_tracking ("
    " name TEXT NOT NULL, generation INTEGER NOT NULL, position BIGINT NOT NULL,"
    " PRIMARY KEY (name, generation))",
)


class Cursor:
    """A thin cursor over either driver, with one placeholder style."""

    def __init__(self, raw: Any, postgres: bool) -> None:
        self.raw = raw
        self.postgres = postgres

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        self.raw.execute(self._sql(sql), params)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.raw.executemany(self._sql(sql), rows)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.raw.fetchall()]

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self.raw.fetchone()
        return None if row is None else tuple(row)


class NotInstalled(LookupError):
    """The projection has not been started on this store yet."""


def table_name(table: Table, generation: int) -> str:
    return f"{table.name}_g{generation}"


class ViewStore(ABC):
    """The read models' database: generations, batches, and reads."""

    postgres: bool

    @abstractmethod
    @contextmanager
    def write(self) -> Iterator[Cursor]:
        """A write transaction, serialised with every other writer of read models."""

    @abstractmethod
    @contextmanager
    def read(self) -> Iterator[Cursor]:
        """A read-only transaction."""

    @abstractmethod
    def close(self) -> None: ...

    def lock_clause(self) -> str:
        return " FOR UPDATE" if self.postgres else ""

    def setup(self) -> None:
        with self.write() as c:
            for statement in REGISTRY:
                c.execute(statement)

    def live(self, name: str) -> tuple[int, int] | None:
        """The live generation and its schema version, or None before the first start."""
        with self.read() as c:
            row = c.execute(
                "SELECT generation, version FROM projection_live WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def position(self, name: str, generation: int | None = None) -> int:
        """How far a generation (the live one by default) has processed the log."""
        with self.read() as c:
            if generation is None:
                row = c.execute(
                    "SELECT t.position FROM projection_tracking t JOIN projection_live l"
                    " ON t.name = l.name AND t.generation = l.generation WHERE l.name = ?",
                    (name,),
                ).fetchone()
            else:
                row = c.execute(
                    "SELECT position FROM projection_tracking WHERE name = ? AND generation = ?",
                    (name, generation),
                ).fetchone()
        return 0 if row is None else int(row[0])

    def track(self, name: str, generation: int, position: int) -> None:
        """Records a worker's position (workers keep theirs beside the projections')."""
        with self.write() as c:
            c.execute(
                "INSERT INTO projection_tracking (name, generation, position) VALUES (?, ?, ?)"
                " ON CONFLICT (name, generation) DO UPDATE SET position = excluded.position",
                (name, generation, position),
            )

    def create_generation(
        self, projection: type[Projection], generation: int, *, indexed: bool = True
    ) -> None:
        """Fresh, empty tables for a generation, tracked from position 0. A rebuild
        creates them without secondary indexes and adds those once filled: building
        an index once is much cheaper than maintaining it row by row."""
        with self.write() as c:
            for table in projection.tables:
                self._drop(c, table, generation)
                name = table_name(table, generation)
                columns = ", ".join(f"{col} {kind}" for col, kind in table.columns.items())
                c.execute(f"CREATE TABLE {name} ({columns}, PRIMARY KEY ({', '.join(table.key)}))")
                if indexed:
                    self._index(c, table, generation)
            c.execute(
                "DELETE FROM projection_tracking WHERE name = ? AND generation = ?",
                (projection.name, generation),
            )
            c.execute(
                "INSERT INTO projection_tracking (name, generation, position) VALUES (?, ?, 0)",
                (projection.name, generation),
            )

    def add_indexes(self, projection: type[Projection], generation: int) -> None:
        with self.write() as c:
            for table in projection.tables:
                self._index(c, table, generation)

    @staticmethod
    def _index(c: Cursor, table: Table, generation: int) -> None:
        name = table_name(table, generation)
        for n, index in enumerate(table.indexes):
            c.execute(f"CREATE INDEX IF NOT EXISTS {name}_i{n} ON {name} ({', '.join(index)})")

    def install(self, projection: type[Projection]) -> int:
        """Makes generation 1 live for a projection seen for the first time."""
        self.create_generation(projection, 1)
        with self.write() as c:
            c.execute(
                "INSERT INTO projection_live (name, generation, version) VALUES (?, 1, ?)",
                (projection.name, projection.version),
            )
        return 1

    def swap(self, projection: type[Projection], generation: int) -> None:
        """Makes a built generation live, atomically."""
        with self.write() as c:
            row = c.execute(
                "SELECT generation FROM projection_live WHERE name = ?" + self.lock_clause(),
                (projection.name,),
            ).fetchone()
            if row is None:
                c.execute(
                    "INSERT INTO projection_live (name, generation, version) VALUES (?, ?, ?)",
                    (projection.name, generation, projection.version),
                )
            else:
                c.execute(
                    "UPDATE projection_live SET generation = ?, version = ? WHERE name = ?",
                    (generation, projection.version, projection.name),
                )

    def drop_generation(self, projection: type[Projection], generation: int) -> None:
        with self.write() as c:
            for table in projection.tables:
                self._drop(c, table, generation)
            c.execute(
                "DELETE FROM projection_tracking WHERE name = ? AND generation = ?",
                (projection.name, generation),
            )

    def generations(self, name: str) -> list[int]:
        with self.read() as c:
            rows = c.execute(
                "SELECT generation FROM projection_tracking WHERE name = ? ORDER BY generation",
                (name,),
            ).fetchall()
        return [int(r[0]) for r in rows]

    def apply(
        self,
        projection: type[Projection],
        events: Sequence[tuple[int, Any]],
        last_position: int,
        generation: int | None = None,
        read_from: int | None = None,
    ) -> int:
        """Applies a batch to a generation (the live one when None) with its tracking
        position, in one transaction; events at or before the tracked position are
        skipped, so a redelivered batch changes nothing. A batch read from after the
        tracked position (the live generation was swapped meanwhile) is refused whole:
        applying it would skip the events in between. Answers the generation used."""
        with self.write() as c:
            if generation is None:
                row = c.execute(
                    "SELECT generation FROM projection_live WHERE name = ?" + self.lock_clause(),
                    (projection.name,),
                ).fetchone()
                assert row is not None, f"projection {projection.name} is not installed"
                generation = int(row[0])
            tracked = c.execute(
                "SELECT position FROM projection_tracking WHERE name = ? AND generation = ?",
                (projection.name, generation),
            ).fetchone()
            position = 0 if tracked is None else int(tracked[0])
            if last_position <= position or (read_from is not None and read_from > position):
                return generation
            fresh = [(p, e) for p, e in events if p > position]
            batch = Batch(_Loader(c, generation))
            tables = {t.name: t for t in projection.tables}
            for name, keys in _keys(projection, fresh).items():
                batch.prefetch(tables[name], keys)
            for p, event in fresh:
                projection.handle(batch, event, p)
            for table in projection.tables:
                self._write(c, table, generation, batch)
            c.execute(
                "UPDATE projection_tracking SET position = ? WHERE name = ? AND generation = ?",
                (last_position, projection.name, generation),
            )
            return generation

    def live_table(self, c: Cursor, projection: type[Projection], table: Table) -> str:
        """The live generation's name for a table, read in the caller's transaction."""
        row = c.execute(
            "SELECT generation FROM projection_live WHERE name = ?", (projection.name,)
        ).fetchone()
        if row is None:
            raise NotInstalled(projection.name)
        return table_name(table, int(row[0]))

    def rows(self, projection: type[Projection], table: Table) -> list[Row]:
        """Every row of a live table, in key order (for comparisons and exports)."""
        live = self.live(projection.name)
        assert live is not None
        name = table_name(table, live[0])
        columns = list(table.columns)
        with self.read() as c:
            found = c.execute(
                f"SELECT {', '.join(columns)} FROM {name} ORDER BY {', '.join(table.key)}"
            ).fetchall()
        return [dict(zip(columns, r, strict=True)) for r in found]

    def _write(self, c: Cursor, table: Table, generation: int, batch: Batch) -> None:
        inserts, upserts, deletes = batch.writes(table)
        name = table_name(table, generation)
        columns = list(table.columns)
        self._insert(c, name, columns, [tuple(row[col] for col in columns) for row in inserts])
        updates = ", ".join(f"{col} = excluded.{col}" for col in columns if col not in table.key)
        c.executemany(
            f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            f" ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET {updates}",
            [tuple(row[col] for col in columns) for row in upserts],
        )
        match = " AND ".join(f"{col} = ?" for col in table.key)
        c.executemany(f"DELETE FROM {name} WHERE {match}", deletes)

    def _insert(
        self, c: Cursor, name: str, columns: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        c.executemany(
            f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            rows,
        )

    @staticmethod
    def _drop(c: Cursor, table: Table, generation: int) -> None:
        c.execute(f"DROP TABLE IF EXISTS {table_name(table, generation)}")


def _keys(projection: type[Projection], events: Iterable[tuple[int, Any]]) -> dict[str, set[Key]]:
    wanted: dict[str, set[Key]] = {}
    for _, event in events:
        for name, key in projection.keys(event).items():
            wanted.setdefault(name, set()).add(key)
    return wanted


class _Loader:
    """Loads the rows a batch touches, a chunk of keys per query."""

    def __init__(self, cursor: Cursor, generation: int) -> None:
        self.cursor = cursor
        self.generation = generation

    def load(self, table: Table, keys: Iterable[Key]) -> dict[Key, Row]:
        columns = list(table.columns)
        name = table_name(table, self.generation)
        found: dict[Key, Row] = {}
        pending = list(keys)
        width = len(table.key)
        target = table.key[0] if width == 1 else f"({', '.join(table.key)})"
        one = "?" if width == 1 else f"({', '.join('?' * width)})"
        for start in range(0, len(pending), _CHUNK):
            chunk = pending[start : start + _CHUNK]
            params = [value for key in chunk for value in key]
            rows = self.cursor.execute(
                f"SELECT {', '.join(columns)} FROM {name}"
                f" WHERE {target} IN ({', '.join([one] * len(chunk))})",
                params,
            ).fetchall()
            for r in rows:
                row = dict(zip(columns, r, strict=True))
                found[table.key_of(row)] = row
        return found


class SQLiteViews(ViewStore):
    """Read models in their own SQLite file, so their writes never wait on the log's."""

    postgres = False

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
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[Cursor]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield Cursor(conn.cursor(), postgres=False)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield Cursor(conn.cursor(), postgres=False)
        finally:
            conn.execute("ROLLBACK")

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()


class PostgresViews(ViewStore):
    """Read models in the log's PostgreSQL database, through a connection pool."""

    postgres = True

    def _insert(
        self, c: Cursor, name: str, columns: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """New rows go in by COPY, several times faster than INSERT statements."""
        if rows:
            with c.raw.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def __init__(self, conninfo: str, max_size: int = 10) -> None:
        self.pool = ConnectionPool(conninfo, min_size=1, max_size=max_size, open=True)

    @contextmanager
    def write(self) -> Iterator[Cursor]:
        with self.pool.connection() as conn, conn.transaction():
            yield Cursor(conn.cursor(), postgres=True)

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION READ ONLY")
            yield Cursor(conn.cursor(), postgres=True)

    def close(self) -> None:
        self.pool.close()
