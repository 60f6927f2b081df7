"""What a projection is: tables, and pure handlers that turn events into rows.

Handlers work on rows in memory through a `Batch`: the runtime loads the rows a batch
of events touches, lets the handlers change them, and writes them back with the
tracking position in one transaction. The same handlers therefore run in the unit
tests against a plain dict, and against SQLite and PostgreSQL in the runtime.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

Row = dict[str, Any]
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    """A table of a read model: its columns (name → SQL type), key and indexes, the
    column (if any) of space-separated words the store indexes for text search
    (`SqlSession.create_text_index`), and whether it holds personal text (its rows are
    rewritten by an erasure, and then compacted by `ViewStore.scrub`)."""

    name: str
    columns: Mapping[str, str]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    text: str | None = None
    personal: bool = False

    def key_of(self, row: Row) -> Key:
        return tuple(row[c] for c in self.key)


class RowSource(Protocol):
    """Where a batch finds the rows it has not loaded yet."""

    def load(self, table: Table, keys: Iterable[Key]) -> dict[Key, Row]: ...


@dataclass
class Batch:
    """The rows one batch of events reads and writes, and which of them changed."""

    source: RowSource
    rows: dict[str, dict[Key, Row | None]] = field(default_factory=dict)
    changed: dict[str, set[Key]] = field(default_factory=dict)
    new: dict[str, set[Key]] = field(default_factory=dict)

    def prefetch(self, table: Table, keys: Iterable[Key]) -> None:
        known = self.rows.setdefault(table.name, {})
        missing = {k for k in keys if k not in known}
        if missing:
            found = self.source.load(table, missing)
            for k in missing:
                known[k] = found.get(k)

    def get(self, table: Table, key: Key) -> Row | None:
        known = self.rows.get(table.name)
        if known is None or key not in known:
            self.prefetch(table, [key])
            known = self.rows[table.name]
        return known[key]

    def insert(self, table: Table, row: Row) -> None:
        """Adds a row the handler knows is new (a ticket's creation, an appended event):
        the store may then bulk-load it instead of upserting."""
        self.put(table, row)
        self.new.setdefault(table.name, set()).add(table.key_of(row))

    def put(self, table: Table, row: Row) -> None:
        key = table.key_of(row)
        self.rows.setdefault(table.name, {})[key] = row
        self.changed.setdefault(table.name, set()).add(key)

    def update(self, table: Table, key: Key, **values: Any) -> None:
        """Changes a row if it exists; events for rows never created are ignored."""
        row = self.get(table, key)
        if row is not None:
            self.put(table, {**row, **values})

    def delete(self, table: Table, key: Key) -> None:
        self.rows.setdefault(table.name, {})[key] = None
        self.changed.setdefault(table.name, set()).add(key)

    def writes(self, table: Table) -> tuple[list[Row], list[Row], list[Key]]:
        """The rows to insert, the rows to upsert and the keys to delete."""
        rows = self.rows.get(table.name, {})
        new = self.new.get(table.name, set())
        inserts: list[Row] = []
        upserts: list[Row] = []
        deletes: list[Key] = []
        for key in self.changed.get(table.name, set()):
            row = rows[key]
            if row is None:
                if key not in new:
                    deletes.append(key)
            else:
                (inserts if key in new else upserts).append(row)
        return inserts, upserts, deletes


Handler = Callable[[Batch, Any, int], None]


class Projection:
    """A read model: a name, a schema version, tables, and one handler per event type.

    Bump `version` whenever the tables or the handlers change meaning: the runtime
    then rebuilds the model from position 0 on start.
    """

    name: ClassVar[str]
    version: ClassVar[int]
    tables: ClassVar[tuple[Table, ...]]
    handlers: ClassVar[dict[type[Any], Handler]]

    @classmethod
    def keys(cls, event: Any) -> dict[str, Key]:
        """The rows, by table, that the event's handler will read (prefetched per batch)."""
        return {}

    @classmethod
    def handle(cls, batch: Batch, event: Any, position: int) -> None:
        handler = cls.handlers.get(type(event))
        if handler is not None:
            handler(batch, event, position)


class InsertedTwice(ValueError):
    """A handler inserted a row whose key is already stored: it should have used `put`.
    The databases would refuse the same insert (a primary key clash), so the reference
    store refuses it too, and the unit tests catch the handler bug before the runtime."""


class MemoryRows:
    """Rows kept in a dict: the unit tests' store, and the reference for rebuild checks."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Key, Row]] = {}

    def load(self, table: Table, keys: Iterable[Key]) -> dict[Key, Row]:
        stored = self.tables.get(table.name, {})
        return {k: dict(stored[k]) for k in keys if k in stored}

    def apply(self, projection: type[Projection], events: Iterable[tuple[int, Any]]) -> None:
        batch = Batch(self)
        for position, event in events:
            projection.handle(batch, event, position)
        for table in projection.tables:
            inserts, upserts, deletes = batch.writes(table)
            stored = self.tables.setdefault(table.name, {})
            for row in inserts:
                if table.key_of(row) in stored:
                    raise InsertedTwice(f"{table.name}: {table.key_of(row)!r} inserted twice")
            for row in inserts + upserts:
                stored[table.key_of(row)] = row
            for key in deletes:
                stored.pop(key, None)
