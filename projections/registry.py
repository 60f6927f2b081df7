"""The generation registry: which generation of each projection is live, and how far each
generation has read the log.

A projection's tables exist in numbered generations (`queue_tickets_g2`), so a rebuild can
fill the next generation beside the live one and swap it in atomically. `projection_live`
names the live generation of each projection and the schema version it was built for;
`projection_tracking` holds every generation's position in the log (and the workers'
positions, under their own names). Every function here runs inside the caller's
transaction: the store (`view_store.py`) decides where transactions begin and end.
"""

from __future__ import annotations

from .base import Projection, Table
from .sql_session import SqlSession

TABLES = (
    "CREATE TABLE IF NOT EXISTS projection_live ("
    " name TEXT PRIMARY KEY, generation INTEGER NOT NULL, version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS projection_tracking ("
    " name TEXT NOT NULL, generation INTEGER NOT NULL, position BIGINT NOT NULL,"
    " PRIMARY KEY (name, generation))",
)


class NotInstalled(LookupError):
    """The projection has not been started on this store yet."""


def table_name(table: Table, generation: int) -> str:
    return f"{table.name}_g{generation}"


def create(c: SqlSession) -> None:
    for statement in TABLES:
        c.execute(statement)


def live(c: SqlSession, name: str) -> tuple[int, int] | None:
    row = c.execute(
        "SELECT generation, version FROM projection_live WHERE name = ?", (name,)
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def live_generation(c: SqlSession, name: str, *, lock: bool = False) -> int | None:
    """The live generation; locked until the transaction ends when `lock`, so that a batch
    and a swap of the same projection never interleave."""
    row = c.execute(
        "SELECT generation FROM projection_live WHERE name = ?" + (c.row_lock if lock else ""),
        (name,),
    ).fetchone()
    return None if row is None else int(row[0])


def installed_generation(c: SqlSession, name: str, *, lock: bool = False) -> int:
    generation = live_generation(c, name, lock=lock)
    if generation is None:
        raise NotInstalled(name)
    return generation


def lock_live(c: SqlSession, names: list[str]) -> dict[str, int]:
    """The live generations of several projections, locked (in name order, as every
    caller takes them) until the transaction ends; raises `NotInstalled` for any
    projection without one."""
    if not names:
        return {}
    rows = c.execute(
        "SELECT name, generation FROM projection_live"
        f" WHERE name IN ({', '.join('?' * len(names))}) ORDER BY name" + c.row_lock,
        names,
    ).fetchall()
    found = {str(name): int(generation) for name, generation in rows}
    for name in names:
        if name not in found:
            raise NotInstalled(name)
    return found


def positions(c: SqlSession, generations: dict[str, int]) -> dict[str, int]:
    """The tracked position of each (name, generation), in one query (0 when untracked)."""
    names = list(generations)
    rows = c.execute(
        "SELECT name, generation, position FROM projection_tracking"
        f" WHERE name IN ({', '.join('?' * len(names))})",
        names,
    ).fetchall()
    found = {str(n): int(p) for n, g, p in rows if generations[str(n)] == int(g)}
    return {name: found.get(name, 0) for name in names}


def live_table(c: SqlSession, projection: type[Projection], table: Table) -> str:
    return table_name(table, installed_generation(c, projection.name))


def live_position(c: SqlSession, name: str) -> int:
    row = c.execute(
        "SELECT t.position FROM projection_tracking t JOIN projection_live l"
        " ON t.name = l.name AND t.generation = l.generation WHERE l.name = ?",
        (name,),
    ).fetchone()
    return 0 if row is None else int(row[0])


def live_positions(c: SqlSession, names: list[str]) -> dict[str, int]:
    """The live positions of several projections in one query (0 when not installed)."""
    rows = c.execute(
        "SELECT l.name, t.position FROM projection_tracking t JOIN projection_live l"
        " ON t.name = l.name AND t.generation = l.generation"
        f" WHERE l.name IN ({', '.join('?' * len(names))})",
        names,
    ).fetchall()
    found = {str(name): int(position) for name, position in rows}
    return {name: found.get(name, 0) for name in names}


def position(c: SqlSession, name: str, generation: int) -> int:
    row = c.execute(
        "SELECT position FROM projection_tracking WHERE name = ? AND generation = ?",
        (name, generation),
    ).fetchone()
    return 0 if row is None else int(row[0])


def track(c: SqlSession, name: str, generation: int, position: int) -> None:
    c.execute(
        "INSERT INTO projection_tracking (name, generation, position) VALUES (?, ?, ?)"
        " ON CONFLICT (name, generation) DO UPDATE SET position = excluded.position",
        (name, generation, position),
    )


def advance(c: SqlSession, name: str, generation: int, position: int) -> None:
    c.execute(
        "UPDATE projection_tracking SET position = ? WHERE name = ? AND generation = ?",
        (position, name, generation),
    )


def advance_all(c: SqlSession, tracked: list[tuple[str, int]], position: int) -> None:
    c.executemany(
        "UPDATE projection_tracking SET position = ? WHERE name = ? AND generation = ?",
        [(position, name, generation) for name, generation in tracked],
    )


def create_generation(
    c: SqlSession, projection: type[Projection], generation: int, *, indexed: bool
) -> None:
    for table in projection.tables:
        _drop(c, table, generation)
        name = table_name(table, generation)
        columns = [f"{col} {kind}" for col, kind in table.columns.items()]
        if table.text is not None:
            columns += c.text_columns(table.text)
        c.execute(
            f"CREATE TABLE {name} ({', '.join(columns)}, PRIMARY KEY ({', '.join(table.key)}))"
        )
        if indexed:
            _index(c, table, generation)
    c.execute(
        "DELETE FROM projection_tracking WHERE name = ? AND generation = ?",
        (projection.name, generation),
    )
    c.execute(
        "INSERT INTO projection_tracking (name, generation, position) VALUES (?, ?, 0)",
        (projection.name, generation),
    )


def add_indexes(c: SqlSession, projection: type[Projection], generation: int) -> None:
    for table in projection.tables:
        _index(c, table, generation)


def make_first_live(c: SqlSession, projection: type[Projection]) -> None:
    c.execute(
        "INSERT INTO projection_live (name, generation, version) VALUES (?, 1, ?)",
        (projection.name, projection.version),
    )


def swap(c: SqlSession, projection: type[Projection], generation: int) -> None:
    if live_generation(c, projection.name, lock=True) is None:
        c.execute(
            "INSERT INTO projection_live (name, generation, version) VALUES (?, ?, ?)",
            (projection.name, generation, projection.version),
        )
    else:
        c.execute(
            "UPDATE projection_live SET generation = ?, version = ? WHERE name = ?",
            (generation, projection.version, projection.name),
        )


def drop_generation(c: SqlSession, projection: type[Projection], generation: int) -> None:
    for table in projection.tables:
        _drop(c, table, generation)
    c.execute(
        "DELETE FROM projection_tracking WHERE name = ? AND generation = ?",
        (projection.name, generation),
    )


def generations(c: SqlSession, name: str) -> list[int]:
    rows = c.execute(
        "SELECT generation FROM projection_tracking WHERE name = ? ORDER BY generation",
        (name,),
    ).fetchall()
    return [int(r[0]) for r in rows]


def _index(c: SqlSession, table: Table, generation: int) -> None:
    name = table_name(table, generation)
    for n, index in enumerate(table.indexes):
        c.execute(f"CREATE INDEX IF NOT EXISTS {name}_i{n} ON {name} ({', '.join(index)})")
    if table.text is not None:
        c.create_text_index(name, table.text)


def _drop(c: SqlSession, table: Table, generation: int) -> None:
    if table.text is not None:
        c.drop_text_index(table_name(table, generation))
    c.execute(f"DROP TABLE IF EXISTS {table_name(table, generation)}")
