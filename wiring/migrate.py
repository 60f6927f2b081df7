"""`ticketing migrate`: every table, created once, before servers and workers start.

On PostgreSQL an advisory lock serialises simultaneous migrations: concurrent
`CREATE TABLE IF NOT EXISTS` statements otherwise fail with `tuple concurrently updated`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from workers import acknowledgements, mail_store, mail_thread, outbox

from . import blobs, revoked_sessions
from .config import Settings
from .event_store import create_event_tables, open_keys, postgres_conninfo
from .views import PROJECTIONS, open_views

_MIGRATION_LOCK = 7_305_001


def migrate(settings: Settings) -> None:
    with _serialised(settings):
        create_event_tables(settings)
        blobs.install(settings)
        keys = open_keys(settings)
        try:
            keys.install()
        finally:
            keys.close()
        views = open_views(settings)
        try:
            views.setup()
            with views.write() as c:
                outbox.install(c)
                mail_thread.install(c)
                acknowledgements.install(c)
                mail_store.install(c)
                revoked_sessions.install(c)
            for projection in PROJECTIONS:
                if views.live(projection.name) is None:
                    views.install(projection)
        finally:
            views.close()


@contextmanager
def _serialised(settings: Settings) -> Iterator[None]:
    if settings.is_sqlite:
        yield
        return
    with psycopg.connect(postgres_conninfo(settings), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
