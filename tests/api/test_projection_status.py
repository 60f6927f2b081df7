"""How far each read model has followed the log, and what a read that asks for more answers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import ADMIN_TOKEN, FakeClock
from .conftest import Caller
from .helpers import log_head, ok, problem
from .projection_fixtures import app_client, command, open_ticket, read, staff, url

STATUS = "/v1/projections"
READS = {"queue": "/v1/queues/mine", "audit": "/v1/audit/events"}
JANE = {"name": "Jane Roe", "email": "jane@example.com"}
FIELDS = {"name", "version", "generation", "position", "head", "lag_events", "lag_seconds"}
CAUGHT_UP_READS = {
    "queue": ("agent", "/v1/queues/mine", {}),
    "queue_history": ("agent", "/v1/queues/mine", {"as_of": "2026-03-02T09:00:00Z"}),
    "audit": ("auditor", "/v1/audit/events", {}),
    "timers": ("agent", "/v1/sla/timers", {}),
    "reports": ("analyst", "/v1/reports/daily", {"from": "2026-03-02", "to": "2026-03-02"}),
    "directory": ("agent", "/v1/departments", {}),
}
"""A read of each projection, by a role that may make it."""


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    yield from app_client(settings, clock, workers=True)


@pytest.fixture
def stalled(settings: Settings, clock: FakeClock) -> Iterator[Caller]:
    """The admin of an app that runs no projection worker: its read models never move."""
    for test_client in app_client(settings, clock, workers=False):
        yield Caller(test_client, ADMIN_TOKEN)


def status_of(caller: Caller) -> dict[str, dict[str, Any]]:
    items = ok(caller.get(STATUS))["items"]
    assert all(item.keys() == FIELDS for item in items), items
    return {item["name"]: item for item in items}


def test_the_status_lists_the_queue_and_the_audit_log(admin: Caller) -> None:
    projections = status_of(admin)
    assert set(projections) >= {"queue", "audit"}
    for item in projections.values():
        assert isinstance(item["version"], int)
        assert isinstance(item["generation"], int)
        assert isinstance(item["lag_seconds"], float)


def test_every_projection_catches_up_with_the_log_on_its_own_and_then_has_no_lag(
    ticket: dict[str, Any], agent: Caller, auditor: Caller, analyst: Caller
) -> None:
    """Each projection's own read waits for the command's position (the app's limit, not
    the test's clock: it answers 503 past it), then the status shows it caught up."""
    position = command(agent, ticket["id"], "assign", {"agent_id": agent.id})
    readers = {"agent": agent, "auditor": auditor, "analyst": analyst}
    assert set(status_of(auditor)) == set(CAUGHT_UP_READS)
    for role, route, query in CAUGHT_UP_READS.values():
        read(readers[role], route, position, **query)
    for name, item in status_of(auditor).items():
        assert (item["position"], item["head"]) == (position, position), name
        assert (item["lag_events"], item["lag_seconds"]) == (0, 0.0), name


def test_a_stalled_projection_reports_its_lag_in_events_and_seconds(
    stalled: Caller, clock: FakeClock
) -> None:
    customer = Caller(stalled.client, ok(stalled.post("/v1/customers", JANE), 201)["token"])
    clock.advance(seconds=30)
    _, head = open_ticket(customer, "Online Banking Outage")
    clock.advance(seconds=60)
    for name in ("queue", "audit"):
        item = status_of(stalled)[name]
        assert (item["position"], item["head"], item["lag_events"]) == (0, head, head), item
        assert item["lag_seconds"] == 90.0, item


@pytest.fixture
def impatient(settings: Settings, clock: FakeClock) -> Iterator[Caller]:
    """The admin of an app that runs no projection worker and waits for one only briefly
    (the limit is 5 s in production)."""
    for test_client in app_client(replace(settings, read_wait_seconds=0.01), clock, workers=False):
        yield Caller(test_client, ADMIN_TOKEN)


@pytest.mark.parametrize("name", list(READS))
def test_a_position_not_reached_within_the_limit_answers_503(impatient: Caller, name: str) -> None:
    caller = staff(impatient, "agent" if name == "queue" else "auditor", "Pat Reader")
    answer = caller.get(url(READS[name], min_position=log_head(impatient)))
    assert name in problem(answer, 503)["detail"]
    assert answer.headers["retry-after"] == "1"


@pytest.mark.parametrize("name", list(READS))
def test_a_position_beyond_the_head_of_the_log_is_refused_at_once(
    stalled: Caller, name: str
) -> None:
    caller = staff(stalled, "agent" if name == "queue" else "auditor", "Pat Reader")
    head = log_head(stalled)
    answer = caller.get(url(READS[name], min_position=head + 1))
    assert f"head ({head})" in problem(answer, 400, field="min_position")["detail"]


@pytest.mark.parametrize("name", list(READS))
def test_reads_without_min_position_never_wait(impatient: Caller, name: str) -> None:
    """The projection never moves and a wait would end in 503 at once: a read without
    min_position answers what the projection has (nothing)."""
    caller = staff(impatient, "agent" if name == "queue" else "auditor", "Pat Reader")
    assert log_head(impatient) > 0
    assert ok(caller.get(READS[name]))["items"] == []


@pytest.mark.parametrize("role", ["agent", "supervisor", "auditor", "analyst", "admin"])
def test_staff_of_every_role_read_the_status(admin: Caller, role: str) -> None:
    caller = admin if role == "admin" else staff(admin, role, "Sam Staff")
    assert {"queue", "audit"} <= set(status_of(caller))


def test_customers_may_not_read_the_status(customer: Caller, client: TestClient[Any]) -> None:
    problem(customer.get(STATUS), 403)
    problem(client.get(STATUS), 401)
