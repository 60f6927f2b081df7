"""A throwaway store for one benchmark run: a fresh PostgreSQL database or a SQLite file
in a temporary folder, migrated, and dropped afterwards whatever happens."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from wiring.config import Settings
from wiring.migrate import migrate

PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def scratch_store(store: str) -> Iterator[Settings]:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory() as folder:
        if store == "postgres":
            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = f"{PG.rsplit('/', 1)[0]}/{name}"
        else:
            url = f"sqlite:///{folder}/bench.sqlite3"
        settings = Settings(database_url=url)
        try:
            migrate(settings)
            yield settings
        finally:
            if store == "postgres":
                with psycopg.connect(PG, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
