"""The event store: opening the application on the configured database, and creating
its tables once."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import Notification

from domain.application import HelpDesk

from .config import Settings, sqlite_path
from .personal_keys import PersonalKeys, PostgresKeys, SqliteKeys


class SealingHelpDesk(HelpDesk):
    """The application whose mapper seals personal data under the customers' keys
    (`wiring.sealing`), which it closes with the store."""

    name = HelpDesk.name

    def __init__(self, keys: PersonalKeys, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keys = keys
        self.mapper.keys = keys  # type: ignore[attr-defined]
        if self.follower is not None:
            self.follower.observers.append(self._erased)

    def _erased(self, notification: Notification) -> None:
        """An erasure logged through another process: this one's cached key of that
        customer goes at once (it is NULL in the table by then), not after its TTL."""
        if notification.topic.endswith(".Erased"):
            owner = self.keys.owner_of(UUID(str(notification.originator_id)))
            if owner is not None:
                self.keys.forget(owner)

    def close(self) -> None:
        super().close()
        self.keys.close()


def open_helpdesk(settings: Settings, **overrides: Any) -> SealingHelpDesk:
    """The application on the configured store, with table creation off:
    `migrate` creates the tables once, before any server or worker starts."""
    env = settings.store_env() | {"CREATE_TABLE": "no"}
    return SealingHelpDesk(open_keys(settings), env=env, **overrides)


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


def open_keys(settings: Settings) -> PersonalKeys:
    """The customers' keys: their own SQLite file beside the log's, or a table of the
    PostgreSQL database."""
    if settings.is_sqlite:
        path = sqlite_path(settings.database_url)
        name = f"{path.stem}.keys{path.suffix or '.sqlite3'}"
        return PersonalKeys(SqliteKeys(path.with_name(name)))
    return PersonalKeys(PostgresKeys(postgres_conninfo(settings)))
