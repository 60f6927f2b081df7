"""Reads of the log with global positions, which the library's repository omits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic
from psycopg import sql

from domain.ticket import Ticket


class NotATicketEvent(LookupError):
    """A ticket's stream holds an event of another kind: the store was tampered with."""


@dataclass(frozen=True)
class Positioned:
    """An event with its global position in the log."""

    position: int
    event: Ticket.Event


class EventLog:
    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[Any]) -> None:
        self.recorder = recorder
        self.mapper = mapper

    def history(self, ticket_id: UUID) -> Iterator[Positioned]:
        """A ticket's events oldest first, each with its position; `NotATicketEvent` or
        the mapper's error when a stored event is no longer a ticket's."""
        for row in self._rows((ticket_id,)):
            stored = StoredEvent(
                originator_id=ticket_id,
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes(row["state"]),
            )
            event = self.mapper.to_domain_event(stored)
            if not isinstance(event, Ticket.Event):
                raise NotATicketEvent(f"{row['topic']} in the stream of ticket {ticket_id}")
            yield Positioned(row["notification_id"], event)

    def first_after(self, position: int) -> datetime | None:
        """When the oldest event after a position happened (how long a follower lags)."""
        found = self.recorder.select_notifications(position, 1, inclusive_of_start=False)
        if not found:
            return None
        event = self.mapper.to_domain_event(found[0])
        timestamp: datetime = event.timestamp  # type: ignore[attr-defined]
        return timestamp

    def head(self) -> int:
        """The position of the newest event, 0 for an empty log; raises if the store is down."""
        return self.recorder.max_notification_id() or 0

    def ids_of(self, created: type[Any]) -> Iterator[UUID]:
        """The ids of every aggregate created by events of one class, in log order."""
        topic = get_topic(created)
        after = 0
        while True:
            batch = self.recorder.select_notifications(
                after, 1000, topics=[topic], inclusive_of_start=False
            )
            for n in batch:
                after = n.id
                originator = n.originator_id
                yield originator if isinstance(originator, UUID) else UUID(originator)
            if len(batch) < 1000:
                return

    def histories(self, ticket_ids: Iterable[UUID], batch: int = 500) -> Iterator[list[Any]]:
        """The events of many tickets, one list a ticket, read `batch` tickets a query
        (what a replay of thousands of tickets needs instead of a query each)."""
        ids = iter(ticket_ids)
        while chunk := tuple(islice(ids, batch)):
            by_ticket: dict[UUID, list[Any]] = {t: [] for t in chunk}
            for row in self._rows(chunk):
                originator = row["originator_id"]
                ticket_id = originator if isinstance(originator, UUID) else UUID(originator)
                stored = StoredEvent(
                    originator_id=ticket_id,
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                by_ticket[ticket_id].append(self.mapper.to_domain_event(stored))
            yield from (events for events in by_ticket.values() if events)

    def _rows(self, ticket_ids: tuple[UUID, ...]) -> list[Any]:
        """The stored rows of some tickets, each ticket's in version order."""
        recorder = self.recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            query = sql.SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state"
                " FROM {}.{} WHERE originator_id = ANY(%s)"
                " ORDER BY originator_id, originator_version"
            ).format(
                sql.Identifier(recorder.datastore.schema),
                sql.Identifier(recorder.events_table_name),
            )
            with recorder.datastore.transaction(commit=False) as curs:
                curs.execute(query, (list(ticket_ids),))
                return list(curs.fetchall())
        if isinstance(recorder, SQLiteApplicationRecorder):
            marks = ", ".join("?" * len(ticket_ids))
            statement = (  # the table name is the library's constant, not input
                "SELECT rowid AS notification_id, originator_id, originator_version, topic,"  # noqa: S608
                f" state FROM {recorder.events_table_name} WHERE originator_id IN ({marks})"
                " ORDER BY originator_id, originator_version"
            )
            with recorder.datastore.transaction(commit=False) as c:
                c.execute(statement, [t.hex for t in ticket_ids])
                return list(c.fetchall())
        raise TypeError(f"unsupported recorder {type(recorder).__name__}")
