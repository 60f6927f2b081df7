"""Where read models live, and where each operation on them begins and ends its transaction.

A store is a database (`sqlite_views.py`, `postgres_views.py`) that opens transactions and
hands out sessions in its dialect (`sql_session.py`). This interface says which
operation is one transaction; the SQL of the generation registry (`registry.py`) and of
applying a batch (`batch_writer.py`) runs inside them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from . import batch_writer, registry
from .base import Projection, Row, Table
from .registry import NotInstalled, table_name
from .sql_session import SqlSession


class NotScrubbed(RuntimeError):
    """Another transaction kept what an erasure rewrote from being wiped (a reader of the
    SQLite file's write-ahead log; on PostgreSQL, one older than the erasure, for which
    VACUUM keeps the old rows): scrub again once it is done."""


class ViewStore(ABC):
    """The read models' database: generations, batches, and reads."""

    @abstractmethod
    @contextmanager
    def write(self) -> Iterator[SqlSession]:
        """A write transaction, serialised with every other writer of read models."""

    @contextmanager
    def durable_write(self) -> Iterator[SqlSession]:
        """A write that is on disk once it returns (PostgreSQL's commits always are)."""
        with self.write() as session:
            yield session

    @abstractmethod
    @contextmanager
    def read(self) -> Iterator[SqlSession]:
        """A read-only transaction."""

    @abstractmethod
    def close(self) -> None: ...

    def scrub(self, projections: Sequence[type[Projection]]) -> None:
        """Leaves none of the text the read models no longer hold in the database's files
        (old row versions, a text index's old entries, a write-ahead log): an erasure
        calls it once its `Erased` events are projected. The generations a rebuild
        replaced go first (`drop_replaced`), then the store compacts the live tables
        that hold personal text (`Table.personal`). Not one transaction."""
        self.drop_replaced(projections)
        personal: list[tuple[Table, str]] = []
        for projection in projections:
            live = self.live(projection.name)
            if live is not None:
                personal += [(t, table_name(t, live[0])) for t in projection.tables if t.personal]
        self.compact(personal)

    @abstractmethod
    def compact(self, tables: Sequence[tuple[Table, str]]) -> None:
        """Rewrites the tables (each with its name in the store) so that no deleted or
        replaced row's bytes are left in the files."""

    def setup(self) -> None:
        with self.write() as c:
            registry.create(c)

    def live(self, name: str) -> tuple[int, int] | None:
        """The live generation and its schema version, or None before the first start."""
        with self.read() as c:
            return registry.live(c, name)

    def position(self, name: str, generation: int | None = None) -> int:
        """How far a generation (the live one by default) has processed the log."""
        with self.read() as c:
            if generation is None:
                return registry.live_position(c, name)
            return registry.position(c, name, generation)

    def positions(self, names: Sequence[str]) -> dict[str, int]:
        """The live positions of several projections (or workers), in one query."""
        with self.read() as c:
            return registry.live_positions(c, list(names))

    def follower_positions(
        self, name: str, generation: int, consults: Sequence[str]
    ) -> tuple[int, dict[str, int]]:
        """A worker's own position and the live positions of the read models it consults,
        in one transaction."""
        with self.read() as c:
            own = registry.position(c, name, generation)
            return own, registry.live_positions(c, list(consults)) if consults else {}

    def track(self, name: str, generation: int, position: int) -> None:
        """Records a worker's position (workers keep theirs beside the projections')."""
        with self.write() as c:
            registry.track(c, name, generation, position)

    def create_generation(
        self, projection: type[Projection], generation: int, *, indexed: bool = True
    ) -> None:
        """Fresh, empty tables for a generation, tracked from position 0. A rebuild
        creates them without secondary indexes and adds those once filled: building
        an index once is much cheaper than maintaining it row by row."""
        with self.write() as c:
            registry.create_generation(c, projection, generation, indexed=indexed)

    def add_indexes(self, projection: type[Projection], generation: int) -> None:
        with self.write() as c:
            registry.add_indexes(c, projection, generation)

    def install(self, projection: type[Projection]) -> int:
        """Makes generation 1 live for a projection seen for the first time."""
        self.create_generation(projection, 1)
        with self.write() as c:
            registry.make_first_live(c, projection)
        return 1

    def swap(self, projection: type[Projection], generation: int) -> None:
        """Makes a built generation live, atomically."""
        with self.write() as c:
            registry.swap(c, projection, generation)

    def drop_generation(self, projection: type[Projection], generation: int) -> None:
        with self.write() as c:
            registry.drop_generation(c, projection, generation)

    def drop_replaced(self, projections: Sequence[type[Projection]]) -> None:
        """Drops each projection's generations older than its live one. A rebuild keeps
        the generation it replaced (for reads that looked it up just before the swap)
        until the next rebuild, but nothing updates it: after an erasure its rows would
        still hold the erased text, so `scrub` drops it first."""
        for projection in projections:
            live = self.live(projection.name)
            for old in self.generations(projection.name):
                if live is not None and old < live[0]:
                    self.drop_generation(projection, old)

    def generations(self, name: str) -> list[int]:
        with self.read() as c:
            return registry.generations(c, name)

    def apply(
        self,
        projection: type[Projection],
        events: Sequence[tuple[int, Any]],
        last_position: int,
        generation: int | None = None,
        read_from: int | None = None,
    ) -> int:
        """Applies a batch with its tracking position in one transaction (see
        `batch_writer.apply`); answers the generation used."""
        with self.write() as c:
            return batch_writer.apply(c, projection, events, last_position, generation, read_from)

    def apply_all(
        self, batches: batch_writer.Batches, last_position: int, read_from: int | None = None
    ) -> dict[str, int]:
        """Applies one stretch of the log to several projections (each with its events
        and generation, the live one when None) in one transaction: one commit for them
        all instead of one each (see `batch_writer.apply_many`). Answers each
        projection's position afterwards, behind `last_position` where a batch was
        refused (see `batch_writer.apply`)."""
        with self.write() as c:
            return batch_writer.apply_many(c, batches, last_position, read_from)

    def live_table(self, c: SqlSession, projection: type[Projection], table: Table) -> str:
        """The live generation's name for a table, read in the caller's transaction."""
        return registry.live_table(c, projection, table)

    def rows(self, projection: type[Projection], table: Table) -> list[Row]:
        """Every row of a live table, in key order (for comparisons and exports)."""
        live = self.live(projection.name)
        if live is None:
            raise NotInstalled(projection.name)
        name = table_name(table, live[0])
        columns = list(table.columns)
        with self.read() as c:
            found = c.execute(
                f"SELECT {', '.join(columns)} FROM {name} ORDER BY {', '.join(table.key)}"
            ).fetchall()
        return [dict(zip(columns, r, strict=True)) for r in found]
