"""Stores for the tests: every store-backed test runs on a SQLite file and on a
fresh PostgreSQL database of its own, which is dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings

from wiring.config import Settings

hypothesis_settings.register_profile("shared-machine", deadline=None)
hypothesis_settings.load_profile("shared-machine")
"""Tests never assert timings: an example slowed by a busy machine is not a failure."""

PG_URL = os.environ.get("TICKETING_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
ADMIN_TOKEN = "test-admin-token"


class FakeClock:
    """The only fake allowed: time, moved by hand."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def _postgres_error() -> str | None:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as e:
        return str(e).strip()


@pytest.fixture(scope="session")
def postgres_server() -> str:
    error = _postgres_error()
    if error is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true and is unreachable: {error}")
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable: {error}")
    return PG_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    name = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')  # faster for tiny DBs
    base = postgres_server.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/ticketing.sqlite3"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest) -> Settings:
    url = request.getfixturevalue(f"{request.param}_url")
    return Settings(database_url=url, admin_token=ADMIN_TOKEN)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
