"""Two API processes on one PostgreSQL store, each with its own cache: a token revoked
through one is refused by the other on its very next request, and a ticket changed
through one is read, and changed again, correctly through the other."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from api.app import create_app
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services

from .conftest import ADMIN_TOKEN, serving, without_workers

pytestmark = pytest.mark.postgres
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
WHOAMI = "/v1/tickets/00000000-0000-4000-8000-000000000000"
"""A read of the store, not of a projection (no worker runs here): 404 for a valid token."""


@dataclass(frozen=True)
class Pair:
    here: TestClient[Any]
    """An API in this test's process."""
    there: httpx.Client
    """`ticketing serve` in a process of its own."""


@pytest.fixture
def pair(postgres_url: str, tmp_path: Path) -> Iterator[Pair]:
    settings = Settings(database_url=postgres_url, admin_token=ADMIN_TOKEN)
    migrate(settings)
    with (
        serving(without_workers(postgres_url), tmp_path / "server.log") as base_url,
        TestClient(create_app(build_services(settings))) as here,
        httpx.Client(base_url=base_url, timeout=10) as there,
    ):
        yield Pair(here, there)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_revoked_through_one_process_is_refused_at_once_by_the_other(pair: Pair):
    agent = pair.here.post(
        "/v1/agents", json={"name": "Ann", "email": "ann@example.com"}, headers=ADMIN
    )
    assert agent.status_code == 201, agent.text
    agent_id, token = agent.json()["id"], agent.json()["token"]
    further = pair.there.post(f"/v1/agents/{agent_id}/tokens", json={}, headers=bearer(token))
    assert further.status_code == 201, further.text
    doomed = further.json()
    assert pair.there.get(WHOAMI, headers=bearer(doomed["token"])).status_code == 404
    assert pair.here.get(WHOAMI, headers=bearer(doomed["token"])).status_code == 404

    revoked = pair.here.delete(
        f"/v1/agents/{agent_id}/tokens/{doomed['token_id']}", headers=bearer(token)
    )
    assert revoked.status_code == 200, revoked.text

    assert pair.there.get(WHOAMI, headers=bearer(doomed["token"])).status_code == 401
    assert pair.here.get(WHOAMI, headers=bearer(doomed["token"])).status_code == 401
    assert pair.there.get(WHOAMI, headers=bearer(token)).status_code == 404


def test_a_ticket_changed_through_one_process_is_current_in_the_other(pair: Pair):
    made = pair.here.post(
        "/v1/customers", json={"name": "Jo", "email": "jo@example.com"}, headers=ADMIN
    )
    customer = bearer(made.json()["token"])
    opened = pair.there.post("/v1/tickets", json={"subject": "Help", "body": "a"}, headers=customer)
    assert opened.status_code == 201, opened.text
    ticket = opened.json()["id"]
    assert pair.here.get(f"/v1/tickets/{ticket}", headers=customer).status_code == 200

    for i, api in enumerate([pair.there, pair.here, pair.there, pair.here]):
        answer = api.post(f"/v1/tickets/{ticket}/replies", json={"body": f"r{i}"}, headers=customer)
        assert answer.status_code in (200, 201), answer.text
        for reader in (pair.here, pair.there):
            read = reader.get(f"/v1/tickets/{ticket}", headers=customer)
            assert read.status_code == 200
            assert read.json()["version"] == i + 2
