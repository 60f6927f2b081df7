"""A ticket read exactly as it was at a version (`?version=`) or a moment (`?as_of=`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import ok, path, problem, rfc3339

Snapshot = tuple[Caller, dict[str, Any], str]
"""Who saw the ticket, what their command answered, and when it happened."""


@pytest.fixture
def story(customer: Caller, agent: Caller, clock: FakeClock) -> list[Snapshot]:
    """A ticket worked for an hour, one command every ten minutes, each answer kept."""
    created_at = rfc3339(clock.now)
    opened = customer.post("/v1/tickets", {"subject": "Card blocked", "body": "At the till."})
    snapshots: list[Snapshot] = [(customer, ok(opened, 201), created_at)]
    ticket_id = snapshots[0][1]["id"]
    steps: list[tuple[Caller, str, dict[str, Any]]] = [
        (agent, "assign", {"agent_id": agent.id}),
        (agent, "replies", {"body": "Which card?"}),
        (agent, "notes", {"body": "Fraud flag set by the bank."}),
        (agent, "priority", {"priority": "urgent"}),
        (agent, "status", {"status": "in_progress"}),
        (agent, "resolve", {"resolution": "Cleared the flag."}),
        (customer, "review", {"rating": 4, "comment": "Slow but fine."}),
    ]
    for caller, route, body in steps:
        at = rfc3339(clock.advance(minutes=10))
        answer = caller.post(path(ticket_id, route), body)
        snapshots.append((caller, ok(answer), at))
    return snapshots


def test_each_version_reads_as_its_command_answered(story: list[Snapshot]) -> None:
    for version, (caller, answered, _) in enumerate(story, start=1):
        assert answered["version"] == version
        answer = caller.get(path(answered["id"], version=version))
        assert ok(answer) == answered
        assert answer.headers["etag"] == f'"{version}"'


def test_the_latest_version_reads_as_now(story: list[Snapshot]) -> None:
    caller, latest, _ = story[-1]
    now = ok(caller.get(path(latest["id"])))
    assert ok(caller.get(path(latest["id"], version=latest["version"]))) == now == latest


def test_a_moment_between_events_reads_as_the_earlier_version(story: list[Snapshot]) -> None:
    for version, (caller, answered, at) in enumerate(story, start=1):
        moment = at.replace("00.000000Z", "05.000000Z")
        answer = caller.get(path(answered["id"], as_of=moment))
        assert ok(answer) == answered
        assert answer.headers["etag"] == f'"{version}"'


def test_the_exact_moment_of_an_event_includes_it(story: list[Snapshot]) -> None:
    for caller, answered, at in story:
        assert ok(caller.get(path(answered["id"], as_of=at))) == answered


def test_a_moment_long_after_the_last_event_reads_as_now(
    story: list[Snapshot], clock: FakeClock
) -> None:
    caller, latest, _ = story[-1]
    later = rfc3339(clock.now + timedelta(days=400))
    assert ok(caller.get(path(latest["id"], as_of=later))) == latest


def test_a_moment_given_in_another_zone_means_the_same_instant(story: list[Snapshot]) -> None:
    caller, answered, _ = story[2]
    # 09:20:30 UTC is 10:20:30 in Paris in March; the `+` is encoded by the query builder.
    assert answered["version"] == 3
    moment = "2026-03-02T10:20:30+01:00"
    assert ok(caller.get(path(answered["id"], as_of=moment))) == answered


def test_a_moment_before_the_ticket_existed_is_not_found(
    story: list[Snapshot], customer: Caller
) -> None:
    _, created, _ = story[0]
    problem(customer.get(path(created["id"], as_of="2026-03-02T08:59:59.999999Z")), 404)


def test_customers_never_see_notes_at_any_point_in_time(
    story: list[Snapshot], customer: Caller, agent: Caller
) -> None:
    ticket_id = story[0][1]["id"]
    noted_version = next(s[1]["version"] for s in story if s[1]["messages"][-1]["kind"] == "note")
    noted_at = story[noted_version - 1][2]
    for query in ({}, {"version": noted_version}, {"as_of": noted_at}):
        seen = ok(customer.get(path(ticket_id, **query)))
        assert all(m["kind"] == "reply" for m in seen["messages"])
        staff_sees = ok(agent.get(path(ticket_id, **query)))
        assert "note" in [m["kind"] for m in staff_sees["messages"]]


def test_a_point_in_time_read_keeps_the_state_of_then(story: list[Snapshot]) -> None:
    caller, _, _ = story[-1]
    ticket_id = story[0][1]["id"]
    then = ok(caller.get(path(ticket_id, version=2)))
    assert then["status"] == "open"
    assert then["priority"] == "normal"
    assert then["review"] is None
    assert then["updated_at"] == story[1][2]
    assert then["created_at"] == story[0][2]
