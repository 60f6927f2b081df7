"""Two processes serving the console on one PostgreSQL store under one console secret:
a session signed out through one is refused by the other on its very next request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from ticketing.asgi import with_console
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services

from ..console.desk import Person
from .conftest import ADMIN_TOKEN, serving, without_workers

pytestmark = pytest.mark.postgres
SECRET = "one console secret for both processes"


@pytest.fixture
def pair(postgres_url: str, tmp_path: Path) -> Iterator[tuple[TestClient[Any], httpx.Client]]:
    """The console in this test's process, and `ticketing serve` in one of its own."""
    settings = Settings(database_url=postgres_url, admin_token=ADMIN_TOKEN, console_secret=SECRET)
    migrate(settings)
    with (
        serving(
            without_workers(postgres_url, TICKETING_CONSOLE_SECRET=SECRET), tmp_path / "server.log"
        ) as base_url,
        TestClient(with_console(build_services(settings))) as here,
        httpx.Client(base_url=base_url, timeout=10, follow_redirects=False) as there,
    ):
        yield here, there


def test_a_session_signed_out_in_one_process_is_refused_by_the_other(
    pair: tuple[TestClient[Any], httpx.Client],
) -> None:
    here, there = pair
    made = here.post(
        "/v1/customers",
        json={"name": "Jo", "email": "jo@example.com"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert made.status_code == 201, made.text
    customer = Person(here, made.json()["token"])
    customer.sign_in()
    cookie = {"Cookie": f"ticketing_session={customer.cookies['ticketing_session']}"}
    assert there.get("/console/tickets", headers=cookie).status_code == 200
    assert customer.post("/console/sign-out").status_code == 303
    refused = there.get("/console/tickets", headers=cookie)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/console/sign-in")
