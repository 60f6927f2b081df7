"""Applying a batch of events to a generation, with its tracking position, in one transaction.

The rows the batch touches are loaded first, a chunk of keys per query; the projection's
handlers then change them in memory (`base.Batch`), and the changes go back as bulk
inserts, upserts and deletes, followed by the generation's new position. The caller
runs all of it in one write transaction (`ViewStore.apply`), so a crash leaves either the
whole batch and its position or neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from . import registry
from .base import Batch, Key, Projection, Row, Table
from .sql_session import SqlSession

_CHUNK = 250
"""Keys per lookup statement, well under both stores' limits on bound parameters."""


def apply(
    c: SqlSession,
    projection: type[Projection],
    events: Sequence[tuple[int, Any]],
    last_position: int,
    generation: int | None,
    read_from: int | None,
) -> int:
    """Applies a batch to a generation (the live one, locked, when None); events at or
    before the tracked position are skipped, so a redelivered batch changes nothing. A
    batch read from after the tracked position (the live generation was swapped
    meanwhile) is refused whole: applying it would skip the events in between. Answers
    the generation used; raises `NotInstalled` when there is no live generation."""
    if generation is None:
        generation = registry.installed_generation(c, projection.name, lock=True)
    position = registry.position(c, projection.name, generation)
    if _applies(position, last_position, read_from):
        _change_rows(c, projection, generation, [(p, e) for p, e in events if p > position])
        registry.advance(c, projection.name, generation, last_position)
    return generation


Batches = Sequence[tuple[type[Projection], Sequence[tuple[int, Any]], int | None]]
"""Projections, each with its events and its generation (the live one when None)."""


def apply_many(
    c: SqlSession, batches: Batches, last_position: int, read_from: int | None
) -> dict[str, int]:
    """`apply` for several projections at once, with a statement for all of them where
    one will do: the live generations are locked, and the positions read and advanced,
    for all together; only projections with events in the batch touch their rows.
    Answers each projection's position afterwards."""
    live = registry.lock_live(c, [p.name for p, _, g in batches if g is None])
    generations = {p.name: live[p.name] if g is None else g for p, _, g in batches}
    positions = registry.positions(c, generations)
    done: dict[str, int] = {}
    advanced: list[tuple[str, int]] = []
    for projection, events, _ in batches:
        name, position = projection.name, positions[projection.name]
        done[name] = position
        if _applies(position, last_position, read_from):
            fresh = [(p, e) for p, e in events if p > position]
            _change_rows(c, projection, generations[name], fresh)
            advanced.append((name, generations[name]))
            done[name] = last_position
    registry.advance_all(c, advanced, last_position)
    return done


def _applies(position: int, last_position: int, read_from: int | None) -> bool:
    """Whether a batch up to `last_position`, read after `read_from`, has anything for a
    generation at `position` (see `apply`)."""
    return last_position > position and (read_from is None or read_from <= position)


def _change_rows(
    c: SqlSession, projection: type[Projection], generation: int, fresh: list[tuple[int, Any]]
) -> None:
    if not fresh:
        return
    batch = Batch(_Loader(c, generation))
    tables = {t.name: t for t in projection.tables}
    for name, keys in _keys(projection, fresh).items():
        batch.prefetch(tables[name], keys)
    for p, event in fresh:
        projection.handle(batch, event, p)
    for table in projection.tables:
        _write(c, table, generation, batch)


def _keys(projection: type[Projection], events: Iterable[tuple[int, Any]]) -> dict[str, set[Key]]:
    wanted: dict[str, set[Key]] = {}
    for _, event in events:
        for name, key in projection.keys(event).items():
            wanted.setdefault(name, set()).add(key)
    return wanted


def _write(c: SqlSession, table: Table, generation: int, batch: Batch) -> None:
    inserts, upserts, deletes = batch.writes(table)
    name = registry.table_name(table, generation)
    columns = list(table.columns)
    c.insert_new(name, columns, [tuple(row[col] for col in columns) for row in inserts])
    updates = ", ".join(f"{col} = excluded.{col}" for col in columns if col not in table.key)
    c.executemany(
        f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET {updates}",
        [tuple(row[col] for col in columns) for row in upserts],
    )
    match = " AND ".join(f"{col} = ?" for col in table.key)
    c.executemany(f"DELETE FROM {name} WHERE {match}", deletes)


class _Loader:
    """Loads the rows a batch touches, a chunk of keys per query."""

    def __init__(self, session: SqlSession, generation: int) -> None:
        self.session = session
        self.generation = generation

    def load(self, table: Table, keys: Iterable[Key]) -> dict[Key, Row]:
        columns = list(table.columns)
        name = registry.table_name(table, self.generation)
        found: dict[Key, Row] = {}
        pending = list(keys)
        width = len(table.key)
        target = table.key[0] if width == 1 else f"({', '.join(table.key)})"
        one = "?" if width == 1 else f"({', '.join('?' * width)})"
        for start in range(0, len(pending), _CHUNK):
            chunk = pending[start : start + _CHUNK]
            params = [value for key in chunk for value in key]
            rows = self.session.execute(
                f"SELECT {', '.join(columns)} FROM {name}"
                f" WHERE {target} IN ({', '.join([one] * len(chunk))})",
                params,
            ).fetchall()
            for r in rows:
                row = dict(zip(columns, r, strict=True))
                found[table.key_of(row)] = row
        return found
