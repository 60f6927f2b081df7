"""The audit log: every ticket event across tickets, in log order, for auditors only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import history_of, ok, problem
from .projection_fixtures import app_client, b64, command, open_ticket, read, staff, url, walk

AUDIT = "/v1/audit/events"
EVENT_TYPES = [
    "Created",
    "Assigned",
    "Transferred",
    "Replied",
    "NoteAdded",
    "StatusChanged",
    "PriorityChanged",
    "Resolved",
    "Closed",
    "Reopened",
    "Reviewed",
]


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    yield from app_client(settings, clock, workers=True)


@pytest.fixture
def story(
    customer: Caller, other_customer: Caller, agent: Caller, clock: FakeClock
) -> tuple[list[str], int]:
    """Two tickets worked on in turn, a second and a half apart."""
    first, _ = open_ticket(customer, "Online Banking Outage")
    clock.advance(seconds=1.5)
    second, _ = open_ticket(other_customer, "Card declined", "high")
    for caller, ticket_id, route, body in [
        (agent, first, "assign", {"agent_id": agent.id}),
        (agent, second, "replies", {"body": "Which card?"}),
        (agent, first, "notes", {"body": "Account locked."}),
        (other_customer, second, "replies", {"body": "The blue one."}),
        (agent, first, "priority", {"priority": "urgent"}),
        (agent, first, "resolve", {"resolution": "Unlocked."}),
    ]:
        clock.advance(seconds=1.5)
        position = command(caller, ticket_id, route, body)
    return [first, second], position


def events_of(auditor: Caller, ticket_ids: list[str]) -> list[dict[str, Any]]:
    """The tickets' events from their histories, as the audit log should show them."""
    events = [
        {**item, "ticket_id": ticket_id}
        for ticket_id in ticket_ids
        for item in history_of(auditor, ticket_id)
    ]
    return sorted(events, key=lambda event: event["position"])


def test_the_audit_log_lists_every_ticket_event_across_tickets_in_log_order(
    story: tuple[list[str], int], auditor: Caller
) -> None:
    tickets, position = story
    page = read(auditor, AUDIT, position)
    assert page["next_cursor"] is None
    assert page["items"] == events_of(auditor, tickets)
    assert [item["type"] for item in page["items"]] == [
        "Created",
        "Created",
        "Assigned",
        "Replied",
        "NoteAdded",
        "Replied",
        "PriorityChanged",
        "Resolved",
    ]
    assert page["items"][-1]["position"] == position
    assert page["items"][4]["data"]["body"] == "Account locked."


def test_the_audit_log_filters_by_ticket(story: tuple[list[str], int], auditor: Caller) -> None:
    tickets, position = story
    for ticket_id in tickets:
        items = read(auditor, AUDIT, position, ticket_id=ticket_id)["items"]
        assert items == events_of(auditor, [ticket_id])
    assert read(auditor, AUDIT, position, ticket_id=str(uuid4()))["items"] == []


def test_the_audit_log_filters_by_actor(
    story: tuple[list[str], int], auditor: Caller, agent: Caller, other_customer: Caller
) -> None:
    tickets, position = story
    everything = events_of(auditor, tickets)
    for actor in (agent, other_customer):
        items = read(auditor, AUDIT, position, actor_id=actor.id)["items"]
        assert items == [event for event in everything if event["actor_id"] == actor.id]
        assert items
    assert read(auditor, AUDIT, position, actor_id=auditor.id)["items"] == []


@pytest.mark.parametrize("kind", EVENT_TYPES)
def test_the_audit_log_filters_by_each_event_type(
    story: tuple[list[str], int], auditor: Caller, kind: str
) -> None:
    tickets, position = story
    items = read(auditor, AUDIT, position, type=kind)["items"]
    assert items == [event for event in events_of(auditor, tickets) if event["type"] == kind]


def test_the_audit_log_combines_filters(story: tuple[list[str], int], auditor: Caller) -> None:
    (_, second), position = story
    items = read(auditor, AUDIT, position, ticket_id=second, type="Replied")["items"]
    assert [item["data"]["body"] for item in items] == ["Which card?", "The blue one."]


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("2026-03-02T09:00:03Z", "2026-03-02T09:00:07.5Z"),
        ("2026-03-02T10:00:03+01:00", "2026-03-02T04:00:07.500000-05:00"),
        ("2026-03-02T09:00:03.000000Z", "2026-03-02T09:00:07.500000Z"),
    ],
)
def test_the_audit_log_keeps_the_events_from_and_to_a_moment_inclusive(
    story: tuple[list[str], int], auditor: Caller, since: str, until: str
) -> None:
    _, position = story
    items = read(auditor, AUDIT, position, **{"from": since, "to": until})["items"]
    assert [item["occurred_at"] for item in items] == [
        "2026-03-02T09:00:03.000000Z",
        "2026-03-02T09:00:04.500000Z",
        "2026-03-02T09:00:06.000000Z",
        "2026-03-02T09:00:07.500000Z",
    ]
    only_from = read(auditor, AUDIT, position, **{"from": since})["items"]
    only_to = read(auditor, AUDIT, position, to=until)["items"]
    assert [len(only_from), len(only_to)] == [6, 6]


def test_an_empty_time_range_lists_nothing(story: tuple[list[str], int], auditor: Caller) -> None:
    _, position = story
    query = {"from": "2026-03-02T10:00:00Z", "to": "2026-03-02T09:00:00Z"}
    assert read(auditor, AUDIT, position, **query)["items"] == []


@pytest.mark.parametrize("limit", [1, 3, 7, 8])
def test_pages_cover_every_event_exactly_once(
    story: tuple[list[str], int], auditor: Caller, limit: int
) -> None:
    tickets, position = story
    pages = walk(auditor, AUDIT, position, limit=limit)
    assert all(len(page) == limit for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= limit
    assert [item for page in pages for item in page] == events_of(auditor, tickets)


def test_pages_of_a_filtered_log_keep_the_filter(
    story: tuple[list[str], int], auditor: Caller, agent: Caller
) -> None:
    _, position = story
    pages = walk(auditor, AUDIT, position, actor_id=agent.id, limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert {item["actor_id"] for page in pages for item in page} == {agent.id}


def test_each_command_is_in_the_audit_log_read_at_its_position(
    ticket: dict[str, Any], agent: Caller, customer: Caller, auditor: Caller
) -> None:
    steps = [
        (agent, "assign", {"agent_id": agent.id}, "Assigned"),
        (agent, "notes", {"body": "Checking."}, "NoteAdded"),
        (agent, "resolve", {"resolution": "Done."}, "Resolved"),
        (customer, "close", {}, "Closed"),
        (customer, "review", {"rating": 4, "comment": "Fine."}, "Reviewed"),
    ]
    for caller, route, body, kind in steps:
        position = command(caller, ticket["id"], route, body)
        last = read(auditor, AUDIT, position, ticket_id=ticket["id"])["items"][-1]
        assert (last["position"], last["type"], last["actor_id"]) == (position, kind, caller.id)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"type": "Deleted"}, "type"),
        ({"type": ""}, "type"),
        ({"from": "2026-03-02T09:00:00"}, "from"),
        ({"to": "2026-03-02T09:00:00"}, "to"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-45T99:00:00Z"}, "to"),
        ({"ticket_id": "ticket-1"}, "ticket_id"),
        ({"actor_id": "me"}, "actor_id"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"min_position": -1}, "min_position"),
        ({"cursor": "%%%"}, "cursor"),
        ({"cursor": b64(b'["2026-03-02", "x"]')}, "cursor"),
        ({"cursor": b64(b'"3"')}, "cursor"),
    ],
)
def test_bad_parameters_are_problems_naming_the_field(
    auditor: Caller, query: dict[str, Any], field: str
) -> None:
    problem(auditor.get(url(AUDIT, **query)), 400, field)


def test_an_audit_cursor_is_no_queue_cursor(
    story: tuple[list[str], int], auditor: Caller, agent: Caller
) -> None:
    _, position = story
    cursor = read(auditor, AUDIT, position, limit=1)["next_cursor"]
    problem(agent.get(url("/v1/queues/mine", cursor=cursor)), 400, "cursor")


def test_only_auditors_read_the_audit_log(
    client: TestClient[Any], request: pytest.FixtureRequest, admin: Caller, auditor: Caller
) -> None:
    assert ok(auditor.get(AUDIT)) == {"items": [], "next_cursor": None}
    supervisor = staff(admin, "supervisor", "Sue Pervisor")
    for caller in [
        *(request.getfixturevalue(role) for role in ("customer", "agent", "analyst")),
        supervisor,
        admin,
    ]:
        problem(caller.get(AUDIT), 403)
    problem(client.get(AUDIT), 401)
