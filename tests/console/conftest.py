"""The app with its console, in the embedded mode, on a SQLite file (the console calls the
same services on either store; the API tests cover both)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from ticketing.asgi import with_console
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services

from ..conftest import ADMIN_TOKEN, FakeClock
from .desk import Organisation, Person, organise


@pytest.fixture
def client(sqlite_url: str, clock: FakeClock) -> Iterator[TestClient[Any]]:
    settings = Settings(database_url=sqlite_url, admin_token=ADMIN_TOKEN, embedded_workers=True)
    migrate(settings)
    with TestClient(with_console(build_services(settings, clock=clock))) as test_client:
        yield test_client


@pytest.fixture
def org(client: TestClient[Any]) -> Organisation:
    return organise(client)


@pytest.fixture
def people(org: Organisation) -> dict[str, Person]:
    return org.people
