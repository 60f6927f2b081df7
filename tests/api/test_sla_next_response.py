"""The next-response target over HTTP, on both stores: a plan's `next_response_minutes`
starts a clock on each customer message that waits for an answer; the ticket, its
history, the queue, the timers and the reports show it; the SLA worker warns and
breaches it; the next public staff reply meets it. The plan is round the clock; the
fixture clock starts on Monday 2026-03-02 at 09:00 UTC."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import ok, path
from .sla_fixtures import Desk, agent_in, define, department, desk_for, events_of, sla_of

NEXT_DUE = "2026-03-02T09:50:00.000000Z"
"""Thirty minutes after the customer's message at 09:20."""
DAILY = "/v1/reports/daily?from=2026-03-02&to=2026-03-02"


desk = pytest.fixture(desk_for, name="desk")
"""The app without embedded workers: the test steps projections and the SLA worker."""


@pytest.fixture
def client(desk: Desk) -> TestClient[Any]:
    return desk.client


@pytest.fixture
def support(admin: Caller) -> dict[str, Any]:
    keep_in_loop = define(
        admin,
        "/v1/sla-plans",
        name="Keep in loop",
        first_response_minutes=60,
        resolution_minutes=480,
        next_response_minutes=30,
    )
    assert keep_in_loop["next_response_minutes"] == 30
    return department(admin, "IT Support", keep_in_loop["id"])


@pytest.fixture
def agent(admin: Caller, support: dict[str, Any]) -> Caller:
    return agent_in(admin, support["id"])


@pytest.fixture
def waiting(desk: Desk, customer: Caller, agent: Caller, clock: FakeClock) -> str:
    """A ticket answered at 09:10 on which the customer wrote again at 09:20."""
    ticket_id: str = ok(customer.post("/v1/tickets", {"subject": "VPN", "body": "Down."}), 201)[
        "id"
    ]
    ok(agent.post(path(ticket_id, "assign"), {"agent_id": agent.id}))
    clock.advance(minutes=10)
    ok(agent.post(path(ticket_id, "replies"), {"body": "Which client?"}))
    clock.advance(minutes=10)
    ok(customer.post(path(ticket_id, "replies"), {"body": "The new one."}))
    desk.catch_up()
    return ticket_id


def test_a_customer_message_shows_the_next_response_due_on_the_ticket(
    waiting: str, agent: Caller
) -> None:
    sla = sla_of(agent, waiting)
    assert sla["next_response_due"] == NEXT_DUE
    assert sla["state"] == "on_track"
    (started,) = events_of(agent, waiting, "SLATargetStarted")
    assert started["data"]["deadline"]["target"] == "next_response"
    assert started["data"]["deadline"]["due"] == NEXT_DUE


def test_the_queue_and_the_timers_show_it_and_sort_by_it(waiting: str, agent: Caller) -> None:
    (item,) = ok(agent.get("/v1/queues/mine?sort=due"))["items"]
    assert (item["ticket_id"], item["next_response_due"]) == (waiting, NEXT_DUE)
    assert item["business_minutes_left"] == 30.0  # the next response is the earliest
    (timer,) = ok(agent.get("/v1/sla/timers"))["items"]
    assert timer["next_response_due"] == NEXT_DUE
    assert timer["next_alarm"] == "2026-03-02T09:44:00.000000Z"  # the warning at 80%


def test_the_worker_warns_and_breaches_it_once_and_the_reports_count_it(
    desk: Desk, waiting: str, agent: Caller, analyst: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=24)
    desk.tick()
    assert sla_of(agent, waiting)["state"] == "warning"
    clock.advance(minutes=7)
    desk.tick(times=3)
    sla = sla_of(agent, waiting)
    assert sla["state"] == "breached"
    assert sla["breaches"] == [
        {
            "target": "next_response",
            "cycle": 1,
            "due": NEXT_DUE,
            "at": "2026-03-02T09:51:00.000000Z",
        }
    ]
    assert [e["data"]["target"] for e in events_of(agent, waiting, "SLABreached")] == [
        "next_response"
    ]
    (timer,) = ok(agent.get("/v1/sla/timers?sla_state=breached"))["items"]
    assert timer["ticket_id"] == waiting
    (row,) = ok(analyst.get(DAILY))["items"]
    assert (row["next_response_breaches"], row["next_response_met"]) == (1, 0)
    assert (row["sla_breaches"], row["sla_met"]) == (1, 1)  # the first response was met


def test_the_next_staff_reply_meets_it(
    desk: Desk, waiting: str, agent: Caller, analyst: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=29)
    ok(agent.post(path(waiting, "replies"), {"body": "Reinstall it."}))
    desk.catch_up()
    met = [e["data"]["target"] for e in events_of(agent, waiting, "SLAMet")]
    assert met == ["first_response", "next_response"]
    assert sla_of(agent, waiting)["state"] == "on_track"  # the resolution is still open
    (row,) = ok(analyst.get(DAILY))["items"]
    assert (row["next_response_met"], row["next_response_breaches"]) == (1, 0)


def test_a_note_does_not_meet_it(desk: Desk, waiting: str, agent: Caller) -> None:
    ok(agent.post(path(waiting, "notes"), {"body": "Asked the network team."}))
    desk.catch_up()
    assert [e["data"]["target"] for e in events_of(agent, waiting, "SLAMet")] == ["first_response"]
