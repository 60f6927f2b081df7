"""The event store: opening the application on the configured database, creating
its tables once, and the reads of the log that the library does not offer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql

from domain.application import HelpDesk
from domain.ticket import Ticket

from .config import Settings, sqlite_path


def open_helpdesk(settings: Settings, **overrides: Any) -> HelpDesk:
    """The application on the configured store, with table creation off:
    `migrate` creates the tables once, before any server or worker starts."""
    env = settings.store_env() | {"CREATE_TABLE": "no"}
    return HelpDesk(env=env, **overrides)


def create_event_tables(settings: Settings) -> None:
    """The log's and the snapshots' tables (the library's `CREATE TABLE IF NOT EXISTS`)."""
    if settings.is_sqlite:
        sqlite_path(settings.database_url).parent.mkdir(parents=True, exist_ok=True)
    HelpDesk(env=settings.store_env() | {"CREATE_TABLE": "yes"}).close()


def postgres_conninfo(settings: Settings) -> str:
    env = settings.store_env()
    return psycopg.conninfo.make_conninfo(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        connect_timeout=env["POSTGRES_CONNECT_TIMEOUT"],
    )


@dataclass(frozen=True)
class Positioned:
    """An event with its global position in the log."""

    position: int
    event: Ticket.Event


class EventLog:
    """Reads of the log with global positions, which the library's repository omits."""

    def __init__(self, app: HelpDesk) -> None:
        self.app = app
        self.recorder = app.recorder

    def history(self, ticket_id: UUID) -> Iterator[Positioned]:
        for row in self._rows(ticket_id):
            stored = StoredEvent(
                originator_id=ticket_id,
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes(row["state"]),
            )
            event = self.app.mapper.to_domain_event(stored)
            assert isinstance(event, Ticket.Event)
            yield Positioned(row["notification_id"], event)

    def first_after(self, position: int) -> datetime | None:
        """When the oldest event after a position happened (how long a follower lags)."""
        found = self.recorder.select_notifications(position, 1, inclusive_of_start=False)
        if not found:
            return None
        event = self.app.mapper.to_domain_event(found[0])
        timestamp: datetime = event.timestamp  # type: ignore[attr-defined]
        return timestamp

    def head(self) -> int:
        """The position of the newest event, 0 for an empty log; raises if the store is down."""
        return self.recorder.max_notification_id() or 0

    def _rows(self, ticket_id: UUID) -> list[Any]:
        recorder = self.recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            query = sql.SQL(
                "SELECT notification_id, originator_version, topic, state FROM {}.{} "
                "WHERE originator_id = %s ORDER BY originator_version"
            ).format(
                sql.Identifier(recorder.datastore.schema),
                sql.Identifier(recorder.events_table_name),
            )
            with recorder.datastore.transaction(commit=False) as curs:
                curs.execute(query, (ticket_id,))
                return list(curs.fetchall())
        if isinstance(recorder, SQLiteApplicationRecorder):
            statement = (  # the table name is the library's constant, not input
                "SELECT rowid AS notification_id, originator_version, topic, state "  # noqa: S608
                f"FROM {recorder.events_table_name} WHERE originator_id = ? "
                "ORDER BY originator_version"
            )
            with recorder.datastore.transaction(commit=False) as c:
                c.execute(statement, (ticket_id.hex,))
                return list(c.fetchall())
        raise TypeError(f"unsupported recorder {type(recorder).__name__}")
