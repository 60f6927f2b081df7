"""A ticket's history from the event store, and the verification of its hash chain."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import RFC3339_MICROS, history_of, ok, path, problem

ITEM_FIELDS = {"position", "version", "type", "occurred_at", "actor_id", "actor_role", "data"}
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture
def worked(ticket: dict[str, Any], agent: Caller, customer: Caller, clock: FakeClock) -> str:
    """The ticket, assigned, answered, noted on and answered by its customer."""
    ticket_id: str = ticket["id"]
    for caller, route, body in [
        (agent, "assign", {"agent_id": agent.id}),
        (agent, "replies", {"body": "Which browser?"}),
        (agent, "notes", {"body": "Account locked."}),
        (agent, "status", {"status": "awaiting_customer"}),
        (customer, "replies", {"body": "Firefox."}),
    ]:
        clock.advance(seconds=1.5)
        ok(caller.post(path(ticket_id, route), body))
    return ticket_id


def test_history_lists_every_event_oldest_first(
    worked: str, agent: Caller, customer: Caller
) -> None:
    items = history_of(agent, worked)
    assert [i["type"] for i in items] == [
        "Created",
        "Assigned",
        "Replied",
        "NoteAdded",
        "StatusChanged",
        "Replied",
        "StatusChanged",
    ]
    assert [i["version"] for i in items] == list(range(1, 8))
    positions = [i["position"] for i in items]
    assert positions == sorted(set(positions))
    assert all(i.keys() >= ITEM_FIELDS for i in items)
    assert [i["actor_id"] for i in items] == [customer.id] + [agent.id] * 4 + [customer.id] * 2
    assert [i["actor_role"] for i in items] == ["customer"] + ["agent"] * 4 + ["customer"] * 2


def test_history_times_are_utc_to_the_microsecond(worked: str, agent: Caller) -> None:
    items = history_of(agent, worked)
    times = [i["occurred_at"] for i in items]
    assert all(RFC3339_MICROS.match(t) for t in times)
    assert times[0] == "2026-03-02T09:00:00.000000Z"
    assert times[1] == "2026-03-02T09:00:01.500000Z"
    assert times == sorted(times)


def test_history_items_carry_the_events_data(worked: str, agent: Caller, customer: Caller) -> None:
    created, assigned, replied, *_ = history_of(agent, worked)
    assert created["data"]["subject"] == "Online Banking Outage"
    assert created["data"]["body"] == "I cannot log in."
    assert created["data"]["customer_id"] == customer.id
    assert assigned["data"]["agent_id"] == agent.id
    assert replied["data"]["body"] == "Which browser?"


def test_history_positions_match_the_command_answers(agent: Caller, ticket: dict[str, Any]) -> None:
    answer = agent.post(path(ticket["id"], "replies"), {"body": "On it."})
    position = int(answer.headers["x-log-position"])
    assert history_of(agent, ticket["id"])[-1]["position"] == position


def test_a_customer_never_sees_notes_in_the_history(
    worked: str, customer: Caller, agent: Caller
) -> None:
    items = history_of(customer, worked)
    assert "NoteAdded" not in [i["type"] for i in items]
    assert len(items) == len(history_of(agent, worked)) - 1
    assert all("Account locked." not in str(i["data"]) for i in items)


def test_an_auditor_reads_the_whole_history(worked: str, auditor: Caller, agent: Caller) -> None:
    assert history_of(auditor, worked) == history_of(agent, worked)


def test_an_auditor_verifies_an_untouched_chain(worked: str, auditor: Caller) -> None:
    version = ok(auditor.get(path(worked)))["version"]
    verification = ok(auditor.get(path(worked, "verify")))
    assert verification["ok"] is True
    assert verification["events"] == version == 7
    assert SHA256_HEX.match(verification["head"])


def test_the_chain_head_moves_with_each_event(
    ticket: dict[str, Any], auditor: Caller, agent: Caller
) -> None:
    before = ok(auditor.get(path(ticket["id"], "verify")))
    assert before == {**before, "ok": True, "events": 1}
    ok(agent.post(path(ticket["id"], "notes"), {"body": "Checked."}))
    after = ok(auditor.get(path(ticket["id"], "verify")))
    assert after["events"] == 2
    assert after["head"] != before["head"]


@pytest.mark.parametrize("role", ["customer", "agent", "analyst", "admin"])
def test_only_auditors_verify_chains(
    request: pytest.FixtureRequest, ticket: dict[str, Any], role: str
) -> None:
    caller: Caller = request.getfixturevalue(role)
    problem(caller.get(path(ticket["id"], "verify")), 403)
