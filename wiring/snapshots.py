"""Dropping snapshots: they are a cache of the log, and an erasure must leave none of the
erased customer's state behind (their snapshots are sealed too; this also removes the
ciphertext)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from uuid import UUID

import psycopg

from .config import Settings, sqlite_path
from .event_store import postgres_conninfo


def forget_snapshots(settings: Settings, table: str, aggregate_ids: Sequence[UUID]) -> None:
    """`table` is the snapshot recorder's own (`stored_snapshots`, `helpdesk_snapshots`)."""
    if not aggregate_ids:
        return
    marks = ", ".join("?" for _ in aggregate_ids)
    if settings.is_sqlite:
        path = sqlite_path(settings.database_url)
        with closing(sqlite3.connect(path, timeout=10, isolation_level=None)) as conn:
            conn.execute("PRAGMA secure_delete=ON")
            conn.execute(
                f"DELETE FROM {table} WHERE originator_id IN ({marks})",  # noqa: S608
                [a.hex for a in aggregate_ids],
            )
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    with psycopg.connect(postgres_conninfo(settings), autocommit=True) as conn:
        conn.execute(
            f"DELETE FROM {table} WHERE originator_id = ANY(%s)",  # noqa: S608
            (list(aggregate_ids),),
        )
        conn.execute(f"VACUUM {table}")
