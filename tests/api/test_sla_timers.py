"""`GET /v1/sla/timers`: the running SLA clocks by state and department, with the business
minutes left, read from the timers projection that the SLA worker follows.

Office hours in Berlin and the standard plan of `sla_fixtures.office_plan`; the fixture
clock starts on Monday 2026-03-02 at 09:00 UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller, register
from .helpers import ok, path, problem
from .metrics_text import value
from .sla_fixtures import (
    FIRST_RESPONSE_DUE,
    RESOLUTION_DUE,
    Desk,
    agent_in,
    department,
    desk_for,
    monday,
    office_plan,
    open_ticket,
    plan,
)

TIMERS = "/v1/sla/timers"
TIMER_FIELDS = {
    "ticket_id",
    "department_id",
    "status",
    "plan_id",
    "plan_version",
    "cycle",
    "first_response_due",
    "resolution_due",
    "next_response_due",
    "sla_state",
    "next_alarm",
    "business_minutes_left",
}


@pytest.fixture
def desk(settings: Settings, clock: FakeClock) -> Iterator[Desk]:
    yield from desk_for(settings, clock)


@pytest.fixture
def client(desk: Desk) -> TestClient[Any]:
    return desk.client


@pytest.fixture
def office(admin: Caller) -> tuple[dict[str, Any], dict[str, Any]]:
    return office_plan(admin)


@pytest.fixture
def standard(office: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return office[0]


@pytest.fixture
def agent(admin: Caller, office: tuple[dict[str, Any], dict[str, Any]]) -> Caller:
    return agent_in(admin, office[1]["id"])


@pytest.fixture
def ticket_id(desk: Desk, standard: dict[str, Any], customer: Caller) -> str:
    ticket_id: str = open_ticket(customer)["id"]
    desk.catch_up()
    return ticket_id


def reply(caller: Caller, ticket_id: str) -> None:
    ok(caller.post(path(ticket_id, "replies"), {"body": "Which VPN client?"}))


def test_a_running_clock_is_listed_with_its_due_times_and_next_alarm(
    ticket_id: str, standard: dict[str, Any], agent: Caller
) -> None:
    (timer,) = ok(agent.get(TIMERS))["items"]
    assert timer.keys() == TIMER_FIELDS
    assert (timer["ticket_id"], timer["status"]) == (ticket_id, "open")
    assert (timer["plan_id"], timer["plan_version"], timer["cycle"]) == (standard["id"], 1, 1)
    assert (timer["first_response_due"], timer["resolution_due"]) == (
        FIRST_RESPONSE_DUE,
        RESOLUTION_DUE,
    )
    # The first alarm is the warning at 80% of the first response's 60 minutes.
    assert timer["next_alarm"] == "2026-03-02T09:48:00.000000Z"
    assert (timer["sla_state"], timer["business_minutes_left"]) == ("on_track", 60.0)


def test_the_timers_list_a_breached_ticket_with_negative_minutes_left(
    desk: Desk, ticket_id: str, standard: dict[str, Any], agent: Caller, clock: FakeClock
) -> None:
    clock.now = monday(10, 1)
    desk.tick(times=3)
    clock.now = monday(10, 31)
    (timer,) = ok(agent.get(f"{TIMERS}?sla_state=breached"))["items"]
    assert timer["ticket_id"] == ticket_id
    assert (timer["plan_id"], timer["plan_version"]) == (standard["id"], 1)
    assert timer["sla_state"] == "breached"
    assert timer["first_response_due"] == FIRST_RESPONSE_DUE
    assert timer["business_minutes_left"] == -31.0
    assert ok(agent.get(f"{TIMERS}?sla_state=on_track"))["items"] == []


def test_a_breach_counts_in_the_metrics_of_its_day(
    desk: Desk, ticket_id: str, client: TestClient[Any], clock: FakeClock
) -> None:
    clock.now = monday(10, 1)
    desk.tick(times=3)
    assert value(client.get("/metrics").text, "ticketing_sla_breaches_today") == 1
    clock.now = monday(10, 1) + timedelta(days=1)
    assert value(client.get("/metrics").text, "ticketing_sla_breaches_today") == 0


def test_the_timers_count_only_business_minutes_left(
    desk: Desk, ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=30)
    reply(agent, ticket_id)
    desk.catch_up()
    # Monday 17:30 UTC: Berlin's office closed at 16:00 UTC, an hour is left on Tuesday.
    clock.now = monday(17, 30)
    (timer,) = ok(agent.get(TIMERS))["items"]
    assert (timer["ticket_id"], timer["business_minutes_left"]) == (ticket_id, 60.0)


def test_a_met_clock_has_no_minutes_left_and_no_alarm(
    desk: Desk, ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=30)
    reply(agent, ticket_id)
    ok(agent.post(path(ticket_id, "resolve"), {"resolution": "Reinstalled the client."}))
    desk.catch_up()
    (timer,) = ok(agent.get(f"{TIMERS}?sla_state=met"))["items"]
    assert (timer["ticket_id"], timer["status"]) == (ticket_id, "resolved")
    assert (timer["next_alarm"], timer["business_minutes_left"]) == (None, None)


@pytest.fixture
def supervisor(admin: Caller) -> Caller:
    return register(admin, "/v1/agents", name="Sue", email="sue@example.com", role="supervisor")


@pytest.fixture
def escalated(
    desk: Desk, ticket_id: str, admin: Caller, supervisor: Caller, customer: Caller
) -> tuple[str, str]:
    """A second department, Escalations, with a faster plan and a ticket of its own (due
    sooner than the IT ticket): answers the department's id and the ticket's."""
    fast = department(admin, "Escalations", plan(admin, "Fast", 15, 60)["id"])
    other = open_ticket(supervisor, customer_id=customer.id, department_id=fast["id"])["id"]
    desk.catch_up()
    return fast["id"], other


def test_the_timers_filter_by_department(
    escalated: tuple[str, str], ticket_id: str, supervisor: Caller
) -> None:
    fast, other = escalated
    (timer,) = ok(supervisor.get(f"{TIMERS}?department_id={fast}"))["items"]
    assert (timer["ticket_id"], timer["department_id"]) == (other, fast)
    assert [t["ticket_id"] for t in ok(supervisor.get(TIMERS))["items"]] == [other, ticket_id]


def test_an_agent_asking_for_another_departments_timers_finds_no_such_department(
    escalated: tuple[str, str], agent: Caller
) -> None:
    fast, _ = escalated
    problem(agent.get(f"{TIMERS}?department_id={fast}"), 404)
    # The same answer as the department's queue: existence is not leaked.
    problem(agent.get(f"/v1/queues/departments/{fast}"), 404)


def test_an_agent_lists_only_the_timers_of_their_departments(
    escalated: tuple[str, str], ticket_id: str, agent: Caller, office: Any
) -> None:
    assert [t["ticket_id"] for t in ok(agent.get(TIMERS))["items"]] == [ticket_id]
    mine = ok(agent.get(f"{TIMERS}?department_id={office[1]['id']}"))["items"]
    assert [t["ticket_id"] for t in mine] == [ticket_id]
    for state in ("on_track", "breached"):
        listed = ok(agent.get(f"{TIMERS}?sla_state={state}"))["items"]
        assert escalated[1] not in [t["ticket_id"] for t in listed]


def test_an_unknown_sla_state_is_refused(agent: Caller) -> None:
    problem(agent.get(f"{TIMERS}?sla_state=bogus"), 400, "sla_state")


def test_customers_may_not_read_the_sla_timers(customer: Caller) -> None:
    problem(customer.get(TIMERS), 403)
