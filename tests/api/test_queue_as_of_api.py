"""`as_of` on the queues over HTTP, on both stores: the queue as it was at an instant
(the equivalence with a replay of the log is tested in tests/integration)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import ok, problem, rfc3339
from .projection_fixtures import app_client, command, open_ticket, staff, url

MINE = "/v1/queues/mine"
NOWHERE = f"/v1/queues/departments/{uuid4()}"


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    yield from app_client(settings, clock, workers=True)


def ids(answer: dict[str, Any]) -> list[str]:
    return [item["ticket_id"] for item in answer["items"]]


def test_my_queue_as_it_was_before_and_after_each_change(
    customer: Caller, agent: Caller, clock: FakeClock
) -> None:
    first, _ = open_ticket(customer, "Printer")
    second, _ = open_ticket(customer, "Scanner")
    before = rfc3339(clock.advance(minutes=1))
    clock.advance(minutes=1)
    command(agent, first, "assign", {"agent_id": agent.id})
    one = rfc3339(clock.advance(minutes=1))
    clock.advance(minutes=1)
    command(agent, second, "assign", {"agent_id": agent.id})
    both = rfc3339(clock.advance(minutes=1))
    clock.advance(minutes=1)
    position = command(agent, first, "resolve", {"resolution": "Fixed."})
    now = ok(agent.get(url(MINE, min_position=position)))
    assert ids(now) == [second]
    assert ids(ok(agent.get(url(MINE, as_of=before, min_position=position)))) == []
    assert ids(ok(agent.get(url(MINE, as_of=one, min_position=position)))) == [first]
    at_both = ok(agent.get(url(MINE, as_of=both, min_position=position, sort="created")))
    assert ids(at_both) == sorted([first, second])
    assert {item["status"] for item in at_both["items"]} == {"open"}


def test_auditors_read_queues_only_as_they_were(
    admin: Caller, auditor: Caller, clock: FakeClock
) -> None:
    problem(auditor.get(NOWHERE), 403)
    problem(auditor.get(MINE), 403)
    earlier = rfc3339(clock.now)
    clock.advance(minutes=1)
    assert ok(auditor.get(url(NOWHERE, as_of=earlier))) == {"items": [], "next_cursor": None}
    supervisor = staff(admin, "supervisor", "Sue Supervisor")
    assert ok(supervisor.get(url(NOWHERE, as_of=earlier)))["items"] == []


@pytest.mark.parametrize(
    "as_of", ["yesterday", "2026-03-02T09:00:00", "2026-13-02T09:00:00Z", "x" * 65]
)
def test_a_bad_as_of_is_refused_naming_it(agent: Caller, as_of: str) -> None:
    problem(agent.get(url(MINE, as_of=as_of)), 400, "as_of")


def test_the_future_is_refused(agent: Caller, clock: FakeClock) -> None:
    later = rfc3339(clock.now.replace(year=clock.now.year + 1))
    problem(agent.get(url(MINE, as_of=later)), 400, "as_of")


def test_an_agent_reads_no_other_departments_queue_as_it_was(
    agent: Caller, clock: FakeClock
) -> None:
    problem(agent.get(url(NOWHERE, as_of=rfc3339(clock.now))), 404)
