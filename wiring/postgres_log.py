"""The log's inserts on PostgreSQL in one round trip.

The library serializes inserts with an EXCLUSIVE lock on the events table, so that
positions become visible in the order they were handed out (followers never pass over a
gap that fills in later). It takes the lock in one pipelined round trip and commits in a
second, so the lock is held while the inserting process is scheduled again, reads the
result and sends COMMIT: on a busy machine, for milliseconds, with every other writer
queued behind it; two API processes made that worse, not better. Here a server-side
function takes the same lock, notifies and inserts, and the statement commits on its
own (the pool's connections are in autocommit): the lock is held only for the insert
and the commit's WAL flush, whatever the client is doing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Identifier

from .group_commit import GroupCommit


class OneTripRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        schema, table = Identifier(datastore.schema), Identifier(events_table_name)
        self.one_trip_function = f"{events_table_name}_insert_grouped"
        function = Identifier(self.one_trip_function)
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}(events {schema}.{event}[]) "
                "RETURNS TABLE (saved_id {id_type}, saved_version bigint, saved_position bigint) "
                "LANGUAGE plpgsql AS $BODY$ "
                "BEGIN "
                "SET LOCAL lock_timeout = '{lock_timeout}s'; "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY INSERT INTO {schema}.{table} AS t "
                "(originator_id, originator_version, topic, state) "
                "SELECT originator_id, originator_version, topic, state FROM unnest(events) "
                "RETURNING t.originator_id, t.originator_version, t.notification_id; "
                "END; $BODY$"
            ).format(
                schema=schema,
                function=function,
                event=Identifier(self.stored_event_type_name),
                id_type=Identifier(datastore.originator_id_type),
                lock_timeout=datastore.lock_timeout,
                table=table,
                channel=Identifier(self.channel_name),
            )
        )
        self.one_trip_statement = SQL("SELECT * FROM {schema}.{function}((%s))").format(
            schema=schema, function=function
        )

        self.group = GroupCommit(self._insert_now)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Saved with whatever other threads of this process are saving at the same
        moment, in one statement (group_commit.py); answers once that has committed."""
        if not stored_events:
            return []
        return self.group.insert(stored_events)

    def _insert_now(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        """One statement, committed on its own; a (aggregate, version) already taken
        raises the library's IntegrityError, and nothing of the statement is saved."""
        self.datastore.register_type_adapters()  # the type exists once `migrate` ran
        rows = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.one_trip_statement, (rows,), prepare=True)
            found = {
                (r["saved_id"], r["saved_version"]): r["saved_position"] for r in curs.fetchall()
            }
        return [found[(e.originator_id, e.originator_version)] for e in stored_events]
