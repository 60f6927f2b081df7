"""Direct SQL on the event store, as an attacker with database access would write it:
the tampering that a ticket's hash chain must reveal."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any
from uuid import UUID

import psycopg

from wiring.config import Settings, sqlite_path


class Store:
    """The stored events of one ticket, edited behind the application's back."""

    def __init__(self, settings: Settings, ticket_id: str) -> None:
        self.settings = settings
        self.ticket_id = UUID(ticket_id)

    @contextmanager
    def _sql(self) -> Iterator[tuple[Any, str, Any]]:
        """A committed transaction: (cursor, table, the ticket's id as the store keeps it)."""
        if self.settings.is_sqlite:
            path = sqlite_path(self.settings.database_url)
            with closing(sqlite3.connect(path, timeout=10)) as conn, conn:
                yield conn.cursor(), "stored_events", self.ticket_id.hex
            return
        # psycopg commits when the connection's block ends without an error
        with psycopg.connect(self.settings.database_url) as conn, conn.cursor() as cursor:
            yield cursor, "helpdesk_events", self.ticket_id

    def _run(self, statement: str, *params: Any) -> list[Any]:
        with self._sql() as (cursor, table, key):
            sql = statement.format(table=table)
            if not self.settings.is_sqlite:
                sql = sql.replace("?", "%s")
            cursor.execute(sql, (*params, key))
            return list(cursor.fetchall()) if cursor.description else []

    def versions(self) -> list[int]:
        rows = self._run(
            "SELECT originator_version FROM {table} WHERE originator_id = ?"
            " ORDER BY originator_version"
        )
        return [int(r[0]) for r in rows]

    def state(self, version: int) -> bytes:
        rows = self._run(
            "SELECT state FROM {table} WHERE originator_version = ? AND originator_id = ?",
            version,
        )
        return bytes(rows[0][0])

    def write_state(self, version: int, state: bytes) -> None:
        self._run(
            "UPDATE {table} SET state = ? WHERE originator_version = ? AND originator_id = ?",
            state,
            version,
        )

    def replace_text(self, version: int, old: str, new: str) -> None:
        """Edits the event's JSON, leaving it valid JSON."""
        state = self.state(version)
        assert old.encode() in state, state
        self.write_state(version, state.replace(old.encode(), new.encode()))

    def edit_sealed(self, version: int, field: str) -> None:
        """Alters a sealed personal field's ciphertext, as an attacker without its key
        must (a plausible text cannot be written without it)."""
        state = json.loads(self.state(version))
        sealed = state[field]["c"]
        state[field]["c"] = ("B" if sealed[0] == "A" else "A") + sealed[1:]
        self.write_state(version, json.dumps(state).encode())

    def set_field(self, version: int, field: str, value: Any) -> None:
        """Writes another JSON value into a field, leaving the event valid JSON."""
        state = json.loads(self.state(version))
        state[field] = value
        self.write_state(version, json.dumps(state).encode())

    def delete(self, version: int) -> None:
        self._run("DELETE FROM {table} WHERE originator_version = ? AND originator_id = ?", version)

    def swap(self, first: int, second: int) -> None:
        """Exchanges two events' versions, through a spare version for the unique key."""
        spare = -first
        for old, new in ((first, spare), (second, first), (spare, second)):
            self._run(
                "UPDATE {table} SET originator_version = ?"
                " WHERE originator_version = ? AND originator_id = ?",
                new,
                old,
            )


def tables_exist(settings: Settings) -> bool:
    """Whether the event table is still there (an injected DROP TABLE would remove it)."""
    if settings.is_sqlite:
        path = sqlite_path(settings.database_url)
        with closing(sqlite3.connect(path, timeout=10)) as conn:
            found = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'stored_events'"
            ).fetchone()
        return bool(found and found[0])
    with psycopg.connect(settings.database_url) as conn:
        found = conn.execute("SELECT to_regclass('public.helpdesk_events')").fetchone()
    return found is not None and found[0] is not None
