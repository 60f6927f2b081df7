"""The queues show each ticket's SLA countdown, and `sort=due` puts the earliest open due
time first. Plans here are round the clock; the clock starts at Monday 09:00 UTC."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import ok, path
from .sla_fixtures import Desk, agent_in, department, desk_for, open_ticket, plan, topic

MINE = "/v1/queues/mine?sort=due"


@pytest.fixture
def desk(settings: Settings, clock: FakeClock) -> Iterator[Desk]:
    yield from desk_for(settings, clock)


@pytest.fixture
def client(desk: Desk) -> TestClient[Any]:
    return desk.client


@pytest.fixture
def general(admin: Caller) -> dict[str, Any]:
    """The default department, on the standard plan; its outage topic uses the urgent one."""
    standard = plan(admin, "Standard", 60, 480)
    urgent = plan(admin, "Urgent", 15, 120)
    general = department(admin, "General", standard["id"])
    topic(admin, "Online banking outage", general["id"], "urgent", urgent["id"])
    return general


@pytest.fixture
def facilities(admin: Caller, general: dict[str, Any]) -> dict[str, Any]:
    """A department without a plan."""
    return department(admin, "Facilities")


@pytest.fixture
def agent(admin: Caller, general: dict[str, Any], facilities: dict[str, Any]) -> Caller:
    return agent_in(admin, general["id"], facilities["id"])


@pytest.fixture
def tickets(
    desk: Desk, facilities: dict[str, Any], customer: Caller, agent: Caller
) -> dict[str, str]:
    """Three tickets assigned to the agent: standard, urgent, and one without a plan."""
    desk.catch_up()  # the help topics are listed from the directory read model
    outage = ok(customer.get("/v1/help-topics"))["items"][0]
    ids = {
        "standard": open_ticket(customer)["id"],
        "urgent": open_ticket(customer, help_topic_id=outage["id"])["id"],
        "unplanned": open_ticket(agent, customer_id=customer.id, department_id=facilities["id"])[
            "id"
        ],
    }
    for ticket_id in ids.values():
        ok(agent.post(path(ticket_id, "assign"), {"agent_id": agent.id}))
    desk.catch_up()
    return ids


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["ticket_id"]: item for item in items}


def order(items: list[dict[str, Any]], tickets: dict[str, str]) -> list[str]:
    names = {ticket_id: name for name, ticket_id in tickets.items()}
    return [names[item["ticket_id"]] for item in items]


def test_my_queue_shows_each_tickets_sla_countdown(
    tickets: dict[str, str], agent: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=5)
    items = by_id(ok(agent.get(MINE))["items"])
    standard, urgent = items[tickets["standard"]], items[tickets["urgent"]]
    assert standard["first_response_due"] == "2026-03-02T10:00:00.000000Z"
    assert standard["resolution_due"] == "2026-03-02T17:00:00.000000Z"
    assert (standard["sla_state"], standard["business_minutes_left"]) == ("on_track", 55.0)
    assert urgent["first_response_due"] == "2026-03-02T09:15:00.000000Z"
    assert urgent["resolution_due"] == "2026-03-02T11:00:00.000000Z"
    assert (urgent["sla_state"], urgent["business_minutes_left"]) == ("on_track", 10.0)
    unplanned = items[tickets["unplanned"]]
    assert (unplanned["first_response_due"], unplanned["resolution_due"]) == (None, None)
    assert (unplanned["sla_state"], unplanned["business_minutes_left"]) == ("none", None)


def test_sorting_by_due_puts_the_earliest_open_due_time_first(
    desk: Desk, tickets: dict[str, str], agent: Caller, clock: FakeClock
) -> None:
    assert order(ok(agent.get(MINE))["items"], tickets) == ["urgent", "standard", "unplanned"]
    # Answering the urgent ticket leaves its resolution (11:00) as its next due time,
    # after the standard ticket's first response (10:00).
    clock.advance(minutes=5)
    ok(agent.post(path(tickets["urgent"], "replies"), {"body": "On it."}))
    desk.catch_up()
    items = ok(agent.get(MINE))["items"]
    assert order(items, tickets) == ["standard", "urgent", "unplanned"]
    assert by_id(items)[tickets["urgent"]]["business_minutes_left"] == 115.0


def test_the_department_queue_shows_the_countdown_sorted_by_due_time(
    tickets: dict[str, str], general: dict[str, Any], agent: Caller
) -> None:
    items = ok(agent.get(f"/v1/queues/departments/{general['id']}?sort=due"))["items"]
    assert order(items, tickets) == ["urgent", "standard"]
    assert [item["business_minutes_left"] for item in items] == [15.0, 60.0]
    assert [item["sla_state"] for item in items] == ["on_track", "on_track"]


def test_the_department_queue_filters_breached_tickets_after_the_worker_ran(
    desk: Desk, tickets: dict[str, str], general: dict[str, Any], agent: Caller, clock: FakeClock
) -> None:
    route = f"/v1/queues/departments/{general['id']}"
    clock.advance(minutes=20)
    desk.tick()
    (breached,) = ok(agent.get(f"{route}?sla_state=breached"))["items"]
    assert breached["ticket_id"] == tickets["urgent"]
    assert breached["business_minutes_left"] == -5.0
    (on_track,) = ok(agent.get(f"{route}?sla_state=on_track"))["items"]
    assert on_track["ticket_id"] == tickets["standard"]


def test_a_paused_ticket_keeps_its_minutes_left_while_it_waits(
    desk: Desk, tickets: dict[str, str], agent: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=10)
    ok(agent.post(path(tickets["standard"], "status"), {"status": "awaiting_customer"}))
    desk.catch_up()
    clock.advance(hours=3)
    item = by_id(ok(agent.get(MINE))["items"])[tickets["standard"]]
    assert (item["sla_state"], item["business_minutes_left"]) == ("paused", 50.0)
