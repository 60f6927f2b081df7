"""An agent's own queue: their open work, read from the queue projection, sorted and
paged (department queues and access: `test_queue_access`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import ok, problem
from .projection_fixtures import (
    QUEUE_ITEM_FIELDS,
    app_client,
    command,
    open_ticket,
    read,
    staff,
    url,
    walk,
)

MINE = "/v1/queues/mine"
NOT_DUE = "9999-12-31T23:59:59.999999Z"
RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
ORDER: dict[str, Callable[[dict[str, Any]], Any]] = {
    "due": lambda i: (i["first_response_due"] or i["resolution_due"] or NOT_DUE, i["ticket_id"]),
    "priority": lambda i: (RANK[i["priority"]], i["ticket_id"]),
    "created": lambda i: (i["created_at"], i["ticket_id"]),
    "activity": lambda i: (i["last_activity_at"], i["ticket_id"]),
}
"""Each sort's key; `activity` is the only one read newest first."""
PRIORITIES = ["normal", "urgent", "low", "high", "urgent", "normal", "low"]


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    yield from app_client(settings, clock, workers=True)


@pytest.fixture
def workload(customer: Caller, agent: Caller, clock: FakeClock) -> tuple[list[str], int]:
    """Seven tickets assigned to the agent, with ties in creation and in last activity."""
    ids = []
    for n, priority in enumerate(PRIORITIES):
        if n != 3:
            clock.advance(minutes=1)
        ids.append(open_ticket(customer, f"Problem {n}", priority)[0])
    for ticket_id in reversed(ids):
        clock.advance(seconds=30)
        position = command(agent, ticket_id, "assign", {"agent_id": agent.id})
    clock.advance(minutes=5)
    for n in (1, 4):
        position = command(agent, ids[n], "replies", {"body": "Looking into it."})
    return ids, position


def in_order(items: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    return sorted(items, key=ORDER[sort], reverse=sort == "activity")


def ids_of(items: list[dict[str, Any]]) -> list[str]:
    return [item["ticket_id"] for item in items]


def test_my_queue_lists_the_tickets_assigned_to_me_with_every_field(
    workload: tuple[list[str], int], agent: Caller, customer: Caller
) -> None:
    ids, position = workload
    items = read(agent, MINE, position)["items"]
    assert sorted(ids_of(items)) == sorted(ids)
    assert all(item.keys() == QUEUE_ITEM_FIELDS for item in items)
    first = next(item for item in items if item["ticket_id"] == ids[0])
    ticket = ok(agent.get(f"/v1/tickets/{ids[0]}"))
    assert first["number"] == ticket["number"]
    assert first["subject"] == "Problem 0"
    assert (first["status"], first["priority"]) == ("open", "normal")
    assert (first["department_id"], first["assignee_id"]) == (None, agent.id)
    assert first["customer_id"] == customer.id
    assert first["created_at"] == ticket["created_at"] == "2026-03-02T09:01:00.000000Z"
    assert first["last_activity_at"] == "2026-03-02T09:09:30.000000Z"
    assert (first["first_response_due"], first["resolution_due"]) == (None, None)
    assert (first["sla_state"], first["business_minutes_left"]) == ("none", None)


def test_my_queue_holds_only_open_in_progress_and_awaiting_customer_work(
    workload: tuple[list[str], int], admin: Caller, agent: Caller
) -> None:
    ids, _ = workload
    colleague = staff(admin, "agent", "Mary Major")
    command(agent, ids[0], "status", {"status": "in_progress"})
    command(agent, ids[1], "status", {"status": "awaiting_customer"})
    command(agent, ids[2], "resolve", {"resolution": "Fixed."})
    command(agent, ids[3], "close", {})
    command(agent, ids[4], "assign", {"agent_id": colleague.id})
    position = command(agent, ids[5], "assign", {"agent_id": None})
    items = read(agent, MINE, position)["items"]
    assert {item["ticket_id"]: item["status"] for item in items} == {
        ids[0]: "in_progress",
        ids[1]: "awaiting_customer",
        ids[6]: "open",
    }
    assert ids_of(read(colleague, MINE, position)["items"]) == [ids[4]]


def test_resolved_and_closed_tickets_leave_my_queue_and_reopened_ones_return(
    ticket: dict[str, Any], agent: Caller, customer: Caller
) -> None:
    ticket_id = ticket["id"]
    steps = [
        (agent, "assign", {"agent_id": agent.id}, True),
        (agent, "resolve", {"resolution": "Reset the password."}, False),
        (customer, "reopen", {"reason": "Still broken."}, True),
        (agent, "close", {}, False),
        (agent, "reopen", {"reason": "Closed too early."}, True),
    ]
    for caller, route, body, queued in steps:
        position = command(caller, ticket_id, route, body)
        assert (ids_of(read(agent, MINE, position)["items"]) == [ticket_id]) is queued, route


def test_every_command_shows_in_the_queue_read_at_its_log_position(
    ticket: dict[str, Any], agent: Caller, clock: FakeClock
) -> None:
    ticket_id = ticket["id"]
    steps = [
        ("assign", {"agent_id": agent.id}, "assignee_id", agent.id),
        ("priority", {"priority": "urgent"}, "priority", "urgent"),
        ("status", {"status": "in_progress"}, "status", "in_progress"),
        ("replies", {"body": "On it."}, "last_activity_at", "2026-03-02T09:04:00.000000Z"),
        ("status", {"status": "awaiting_customer"}, "status", "awaiting_customer"),
        ("priority", {"priority": "low"}, "priority", "low"),
    ]
    for route, body, field, expected in steps:
        clock.advance(minutes=1)
        position = command(agent, ticket_id, route, body)
        (item,) = read(agent, MINE, position)["items"]
        assert item[field] == expected, route


@pytest.mark.parametrize("sort", list(ORDER))
def test_each_sort_orders_the_queue_with_ties_broken_by_ticket_id(
    workload: tuple[list[str], int], agent: Caller, sort: str
) -> None:
    _, position = workload
    items = read(agent, MINE, position, sort=sort)["items"]
    assert len(items) == len(PRIORITIES)
    assert ids_of(items) == ids_of(in_order(items, sort))


def test_each_sort_gives_the_order_the_workload_was_built_for_due_by_default(
    workload: tuple[list[str], int], agent: Caller
) -> None:
    ids, position = workload
    orders = {sort: ids_of(read(agent, MINE, position, sort=sort)["items"]) for sort in ORDER}
    assert orders["created"] == [*ids[:2], *sorted(ids[2:4]), *ids[4:]]
    assert orders["activity"] == [
        *sorted([ids[1], ids[4]], reverse=True),
        *[ids[n] for n in (0, 2, 3, 5, 6)],
    ]
    assert [RANK[PRIORITIES[ids.index(i)]] for i in orders["priority"]] == [0, 0, 1, 2, 2, 3, 3]
    assert orders["due"] == sorted(ids) == ids_of(read(agent, MINE, position)["items"])


@pytest.mark.parametrize("sort", list(ORDER))
def test_pages_of_two_cover_every_ticket_exactly_once(
    workload: tuple[list[str], int], agent: Caller, sort: str
) -> None:
    _, position = workload
    pages = walk(agent, MINE, position, sort=sort, limit=2)
    assert [len(page) for page in pages] == [2, 2, 2, 1]
    everything = read(agent, MINE, position, sort=sort)["items"]
    assert [item for page in pages for item in page] == everything


def test_a_page_that_ends_the_queue_has_no_next_cursor(
    workload: tuple[list[str], int], agent: Caller
) -> None:
    _, position = workload
    assert read(agent, MINE, position, limit=7)["next_cursor"] is None
    assert read(agent, MINE, position, limit=6)["next_cursor"] is not None


@pytest.mark.parametrize(("given", "used"), [(a, b) for a in ORDER for b in ORDER if a != b])
def test_a_cursor_from_another_sort_is_rejected_or_followed_never_a_500(
    workload: tuple[list[str], int], agent: Caller, given: str, used: str
) -> None:
    _, position = workload
    cursor = read(agent, MINE, position, sort=given, limit=2)["next_cursor"]
    answer = agent.get(url(MINE, sort=used, limit=2, cursor=cursor))
    if (given == "priority") != (used == "priority"):
        problem(answer, 400, "cursor")
    else:
        assert len(ok(answer)["items"]) <= 2
