"""Signing out holds in every process serving the console: two apps on one store (the same
SQLite files, the same PostgreSQL database) under one console secret; a cookie signed out
through one is refused by the other, and revocations outlive no session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import TestClient

from ticketing.asgi import with_console
from wiring.config import Settings
from wiring.migrate import migrate
from wiring.services import build_services

from ..conftest import ADMIN_TOKEN, FakeClock
from .desk import Person, organise

SECRET = "one console secret for every process"


@pytest.fixture
def two(settings: Settings, clock: FakeClock) -> Iterator[tuple[TestClient[Any], TestClient[Any]]]:
    """The first app runs the workers, as one process of a deployment does."""
    shared = replace(settings, console_secret=SECRET)
    migrate(shared)
    first = with_console(build_services(replace(shared, embedded_workers=True), clock=clock))
    second = with_console(build_services(shared, clock=clock))
    with TestClient(first) as one, TestClient(second) as other:
        yield one, other


def _revoked_rows(client: TestClient[Any]) -> int:
    with client.app.state.services.views.read() as c:
        return int(c.execute("SELECT COUNT(*) FROM console_revoked_sessions").fetchone()[0])


def test_signing_out_in_one_process_ends_the_session_in_the_other(
    two: tuple[TestClient[Any], TestClient[Any]],
) -> None:
    one, other = two
    customer = organise(one).people["customer"]
    customer.sign_in()
    elsewhere = Person(other, customer.token, customer.id, dict(customer.cookies))
    assert elsewhere.get("/console/tickets").status_code == 200
    assert customer.post("/console/sign-out").status_code == 303
    refused = elsewhere.get("/console/tickets")
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/console/sign-in")


def test_a_revocation_is_purged_once_its_session_would_have_ended(
    two: tuple[TestClient[Any], TestClient[Any]], clock: FakeClock
) -> None:
    one, other = two
    people = organise(one).people
    agent, customer = people["agent"], people["customer"]
    agent.sign_in()
    assert agent.post("/console/sign-out").status_code == 303
    assert _revoked_rows(other) == 1
    clock.advance(minutes=Settings().console_session_minutes + 1)
    customer.sign_in()
    assert customer.post("/console/sign-out").status_code == 303
    assert _revoked_rows(one) == 1


def test_an_erased_customers_session_ends_with_the_erasure(
    two: tuple[TestClient[Any], TestClient[Any]],
) -> None:
    one, _ = two
    customer = organise(one).people["customer"]
    customer.sign_in()
    assert customer.get("/console/tickets").status_code == 200
    erased = one.post(
        f"/v1/customers/{customer.id}/erase", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert erased.status_code == 200, erased.text
    refused = customer.get("/console/tickets")
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/console/sign-in")
