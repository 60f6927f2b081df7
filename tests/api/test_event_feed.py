"""`GET /v1/events`: the global event log in order, for auditors and analysts only, paged
with `after` and `next_cursor`; every event once, internal notes included, no secrets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from domain.tokens import hash_token
from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import RFC3339_MICROS, history_of, ok, problem
from .projection_fixtures import MAX_PAGES, app_client, command, open_ticket, staff, url

EVENTS = "/v1/events"
ITEM_FIELDS = {"position", "aggregate_id", "type", "occurred_at", "actor_id", "actor_role", "data"}
NOTE = "Account locked after three failed logins."


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    yield from app_client(settings, clock, workers=False)


@pytest.fixture
def supervisor(admin: Caller) -> Caller:
    return staff(admin, "supervisor", "Sue Pervisor")


@pytest.fixture
def story(customer: Caller, agent: Caller, clock: FakeClock) -> list[str]:
    """Two tickets worked on in turn, a second apart, one with an internal note."""
    first, _ = open_ticket(customer, "Online Banking Outage")
    clock.advance(seconds=1)
    second, _ = open_ticket(customer, "Card declined", "high")
    for ticket_id, route, body in [
        (first, "assign", {"agent_id": agent.id}),
        (second, "replies", {"body": "Which card?"}),
        (first, "notes", {"body": NOTE}),
        (first, "resolve", {"resolution": "Unlocked."}),
    ]:
        clock.advance(seconds=1)
        command(agent, ticket_id, route, body)
    return [first, second]


def page(caller: Caller, **query: Any) -> dict[str, Any]:
    return ok(caller.get(url(EVENTS, **query)))


def every_event(caller: Caller, limit: int) -> list[list[dict[str, Any]]]:
    """Every page of the log, each asked `after` the cursor the previous one gave."""
    pages: list[list[dict[str, Any]]] = []
    after = None
    for _ in range(MAX_PAGES):
        found = page(caller, after=after, limit=limit)
        pages.append(found["items"])
        after = found["next_cursor"]
        if after is None:
            return pages
    raise AssertionError(f"the event log gave more than {MAX_PAGES} pages")


def positions(items: list[dict[str, Any]]) -> list[int]:
    return [item["position"] for item in items]


@pytest.mark.parametrize("reader", ["auditor", "analyst"])
def test_auditors_and_analysts_read_every_ticket_event_in_log_order(
    request: pytest.FixtureRequest, reader: str, story: list[str], agent: Caller
) -> None:
    items = page(request.getfixturevalue(reader), limit=200)["items"]

    assert positions(items) == sorted(set(positions(items)))
    ticket_events = [i for i in items if i["aggregate_id"] in story]
    histories = sorted(
        (e for ticket_id in story for e in history_of(agent, ticket_id)),
        key=lambda e: e["position"],
    )
    assert [
        (i["position"], i["type"], i["occurred_at"], i["actor_id"], i["actor_role"])
        for i in ticket_events
    ] == [
        (e["position"], e["type"], e["occurred_at"], e["actor_id"], e["actor_role"])
        for e in histories
    ]
    assert [i["type"] for i in ticket_events] == [
        "Created",
        "Created",
        "Assigned",
        "Replied",
        "NoteAdded",
        "Resolved",
    ]


def test_each_event_names_its_position_aggregate_type_time_actor_and_data(
    story: list[str], auditor: Caller, customer: Caller
) -> None:
    items = page(auditor, limit=200)["items"]

    assert all(item.keys() >= ITEM_FIELDS for item in items)
    assert all(RFC3339_MICROS.match(item["occurred_at"]) for item in items)
    assert all(isinstance(item["data"], dict) for item in items)
    created = next(i for i in items if i["aggregate_id"] == story[0])
    assert created["type"] == "Created"
    assert created["occurred_at"] == "2026-03-02T09:00:00.000000Z"
    assert (created["actor_id"], created["actor_role"]) == (customer.id, "customer")
    assert created["data"]["subject"] == "Online Banking Outage"


@pytest.mark.parametrize("reader", ["auditor", "analyst"])
def test_internal_notes_are_in_the_log_for_these_staff_roles(
    request: pytest.FixtureRequest, reader: str, story: list[str]
) -> None:
    items = page(request.getfixturevalue(reader), limit=200)["items"]

    (note,) = [i for i in items if i["type"] == "NoteAdded"]
    assert note["aggregate_id"] == story[0]
    assert note["data"]["body"] == NOTE


@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_pages_cover_every_event_exactly_once(
    story: list[str], analyst: Caller, limit: int
) -> None:
    whole = page(analyst, limit=200)
    pages = every_event(analyst, limit)

    assert whole["next_cursor"] is None
    assert all(len(p) <= limit for p in pages)
    assert [item for p in pages for item in p] == whole["items"]


def test_a_page_after_a_position_starts_just_after_it(story: list[str], auditor: Caller) -> None:
    items = page(auditor, limit=200)["items"]
    middle = items[len(items) // 2]["position"]

    after = page(auditor, after=middle, limit=200)["items"]

    assert after == [item for item in items if item["position"] > middle]
    assert page(auditor, after=items[-1]["position"]) == {"items": [], "next_cursor": None}


def test_the_log_shows_no_token_nor_its_hash(
    story: list[str], admin: Caller, auditor: Caller, analyst: Caller, customer: Caller
) -> None:
    text = json.dumps(page(auditor, limit=200))

    for caller in (auditor, analyst, customer):
        assert caller.token not in text
        assert hash_token(caller.token) not in text


@pytest.mark.parametrize("reader", ["agent", "supervisor", "customer", "admin"])
def test_other_roles_may_not_read_the_event_log(
    request: pytest.FixtureRequest, client: TestClient[Any], reader: str
) -> None:
    problem(request.getfixturevalue(reader).get(EVENTS), 403)


def test_a_caller_without_a_token_is_not_let_in(client: TestClient[Any]) -> None:
    problem(client.get(EVENTS), 401)


@pytest.mark.parametrize(
    ("query", "field"),
    [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"after": -1}, "after")],
)
def test_a_page_size_or_position_out_of_range_is_refused(
    auditor: Caller, query: dict[str, int], field: str
) -> None:
    problem(auditor.get(url(EVENTS, **query)), 400, field)
