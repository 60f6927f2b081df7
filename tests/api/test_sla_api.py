"""A ticket's SLA timeline through HTTP: started, met, paused, resumed, warned and
breached, as its history and its `sla` block show them.

The desk keeps Berlin office hours (Mon-Fri 09:00-17:00, UTC+1 in March 2026) under a plan
of 60 business minutes to the first response and 480 to the resolution; the fixture clock
starts on Monday 2026-03-02 at 09:00 UTC (see `sla_fixtures.FIRST_RESPONSE_DUE`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import ok, path
from .sla_fixtures import (
    FIRST_RESPONSE_DUE,
    RESOLUTION_DUE,
    Desk,
    agent_in,
    desk_for,
    events_of,
    monday,
    office_plan,
    open_ticket,
    sla_of,
)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


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
def ticket_id(standard: dict[str, Any], customer: Caller) -> str:
    ticket_id: str = open_ticket(customer)["id"]
    return ticket_id


def act(caller: Caller, ticket_id: str, route: str, body: dict[str, Any]) -> dict[str, Any]:
    return ok(caller.post(path(ticket_id, route), body))


def test_a_new_ticket_starts_its_sla_clock_on_track(
    standard: dict[str, Any], ticket_id: str, agent: Caller
) -> None:
    assert sla_of(agent, ticket_id) == {
        "plan_id": standard["id"],
        "plan_version": 1,
        "cycle": 1,
        "first_response_due": FIRST_RESPONSE_DUE,
        "resolution_due": RESOLUTION_DUE,
        "next_response_due": None,
        "paused": False,
        "state": "on_track",
        "breaches": [],
    }
    (started,) = events_of(agent, ticket_id, "SLAStarted")
    assert started["data"]["terms"]["plan_id"] == standard["id"]
    assert started["data"]["terms"]["plan_version"] == 1
    assert started["occurred_at"] == "2026-03-02T09:00:00.000000Z"


def test_a_staff_reply_in_time_meets_the_first_response_target(
    ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=30)
    sla = act(agent, ticket_id, "replies", {"body": "Which VPN client?"})["sla"]
    (met,) = events_of(agent, ticket_id, "SLAMet")
    assert met["data"]["target"] == "first_response"
    assert (sla["state"], sla["breaches"]) == ("on_track", [])
    # Resolving in time meets the other target too, and with it the whole plan.
    clock.advance(minutes=30)
    sla = act(agent, ticket_id, "resolve", {"resolution": "Reinstalled the client."})["sla"]
    assert [e["data"]["target"] for e in events_of(agent, ticket_id, "SLAMet")] == [
        "first_response",
        "resolution",
    ]
    assert sla["state"] == "met"


def test_a_customer_reply_does_not_meet_the_first_response_target(
    ticket_id: str, customer: Caller, agent: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=30)
    act(customer, ticket_id, "replies", {"body": "Still down."})
    assert events_of(agent, ticket_id, "SLAMet") == []
    assert sla_of(agent, ticket_id)["first_response_due"] == FIRST_RESPONSE_DUE


def test_awaiting_the_customer_pauses_the_clock(
    ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=40)
    sla = act(agent, ticket_id, "status", {"status": "awaiting_customer"})["sla"]
    assert (sla["paused"], sla["state"]) == (True, "paused")
    (paused,) = events_of(agent, ticket_id, "SLAPaused")
    assert paused["occurred_at"] == "2026-03-02T09:40:00.000000Z"


def test_resuming_moves_the_resolution_due_by_the_business_time_spent_paused(
    ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    # Replied at 09:30, paused at 09:40 and resumed at 10:40 UTC: an hour of office time.
    clock.advance(minutes=30)
    act(agent, ticket_id, "replies", {"body": "Which VPN client?"})
    clock.advance(minutes=10)
    act(agent, ticket_id, "status", {"status": "awaiting_customer"})
    clock.advance(minutes=60)
    sla = act(agent, ticket_id, "status", {"status": "in_progress"})["sla"]
    assert len(events_of(agent, ticket_id, "SLAResumed")) == 1
    assert (sla["paused"], sla["state"]) == (False, "on_track")
    assert sla["resolution_due"] == "2026-03-03T10:00:00.000000Z"


def test_a_customer_reply_to_a_ticket_awaiting_them_resumes_the_clock(
    ticket_id: str, customer: Caller, agent: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=40)
    act(agent, ticket_id, "status", {"status": "awaiting_customer"})
    clock.advance(minutes=60)
    ticket = act(customer, ticket_id, "replies", {"body": "It is the corporate client."})
    assert ticket["status"] == "in_progress"
    assert len(events_of(agent, ticket_id, "SLAResumed")) == 1
    assert (ticket["sla"]["paused"], ticket["sla"]["state"]) == (False, "on_track")
    # Paused at 10:40 and resumed at 11:40 Berlin: the first response moves an hour too.
    assert ticket["sla"]["first_response_due"] == "2026-03-02T11:00:00.000000Z"
    assert ticket["sla"]["resolution_due"] == "2026-03-03T10:00:00.000000Z"


def test_nothing_falls_due_while_the_clock_is_paused(
    desk: Desk, ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    act(agent, ticket_id, "status", {"status": "awaiting_customer"})
    clock.advance(days=3)
    desk.tick(times=2)
    assert events_of(agent, ticket_id, "SLABreached") == []
    assert events_of(agent, ticket_id, "SLAWarning") == []
    assert sla_of(agent, ticket_id)["state"] == "paused"


def test_the_worker_warns_when_the_warning_moment_comes(
    desk: Desk, ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    # With the first response met, the next alarm is at 80% of the resolution time:
    # 384 business minutes after 10:00 Berlin is 16:24 Berlin, 15:24 UTC.
    clock.advance(minutes=30)
    act(agent, ticket_id, "replies", {"body": "Which VPN client?"})
    clock.now = monday(15, 23)
    desk.tick()
    assert events_of(agent, ticket_id, "SLAWarning") == []
    clock.now = monday(15, 24)
    desk.tick(times=3)
    (warning,) = events_of(agent, ticket_id, "SLAWarning")
    assert warning["data"]["target"] == "resolution"
    assert instant(warning["data"]["due"]) == instant(RESOLUTION_DUE)
    assert warning["actor_role"] == "system"
    assert sla_of(agent, ticket_id)["state"] == "warning"


def test_the_worker_records_a_breach_once_however_often_it_ticks(
    desk: Desk, ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    # At the due instant an answer is still in time: only the warning is recorded.
    clock.now = monday(10)
    desk.tick()
    assert [e["data"]["target"] for e in events_of(agent, ticket_id, "SLAWarning")] == [
        "first_response"
    ]
    assert events_of(agent, ticket_id, "SLABreached") == []
    clock.now = monday(10, 1)
    desk.tick(times=4)
    (breached,) = events_of(agent, ticket_id, "SLABreached")
    assert breached["data"]["target"] == "first_response"
    assert instant(breached["data"]["due"]) == instant(FIRST_RESPONSE_DUE)
    assert breached["occurred_at"] == "2026-03-02T10:01:00.000000Z"
    sla = sla_of(agent, ticket_id)
    assert sla["state"] == "breached"
    assert sla["breaches"] == [
        {
            "target": "first_response",
            "cycle": 1,
            "due": FIRST_RESPONSE_DUE,
            "at": "2026-03-02T10:01:00.000000Z",
        }
    ]


def test_a_late_staff_reply_after_a_recorded_breach_is_not_met(
    desk: Desk, ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    clock.now = monday(10, 5)
    desk.tick()
    act(agent, ticket_id, "replies", {"body": "Sorry for the wait."})
    assert len(events_of(agent, ticket_id, "SLABreached")) == 1
    assert events_of(agent, ticket_id, "SLAMet") == []


def test_a_late_staff_reply_records_the_breach_itself_when_no_worker_did(
    ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    clock.now = monday(10, 5)
    sla = act(agent, ticket_id, "replies", {"body": "Sorry for the wait."})["sla"]
    (breached,) = events_of(agent, ticket_id, "SLABreached")
    assert (breached["data"]["target"], breached["actor_role"]) == ("first_response", "agent")
    assert events_of(agent, ticket_id, "SLAMet") == []
    assert [b["target"] for b in sla["breaches"]] == ["first_response"]
    assert sla["state"] == "breached"


def test_reopening_starts_a_new_resolution_cycle_under_the_same_plan(
    ticket_id: str, standard: dict[str, Any], agent: Caller, customer: Caller, clock: FakeClock
) -> None:
    clock.advance(minutes=30)
    act(agent, ticket_id, "resolve", {"resolution": "Reinstalled the client."})
    # Reopened on Monday at 15:00 UTC: one office hour today, seven on Tuesday.
    clock.now = monday(15)
    sla = act(customer, ticket_id, "reopen", {"reason": "It is down again."})["sla"]
    started = events_of(agent, ticket_id, "SLAStarted")
    assert [e["data"]["cycle"] for e in started] == [1, 2]
    assert (sla["plan_id"], sla["plan_version"], sla["cycle"]) == (standard["id"], 1, 2)
    assert sla["resolution_due"] == "2026-03-03T15:00:00.000000Z"
    assert (sla["state"], sla["breaches"]) == ("on_track", [])


def test_times_in_the_history_data_are_utc_to_the_microsecond(
    desk: Desk, ticket_id: str, agent: Caller, clock: FakeClock
) -> None:
    # API.md, Conventions: "Times are RFC 3339 in UTC with Z, to the microsecond."
    clock.now = monday(10, 1)
    desk.tick()
    (breached,) = events_of(agent, ticket_id, "SLABreached")
    assert breached["data"]["due"] == FIRST_RESPONSE_DUE
