"""A customer lists their own tickets (GET /v1/tickets), from the queue projection, in
keyset pages; never another customer's, and never by the staff filters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import ok, problem
from .projection_fixtures import app_client, open_ticket, position_of


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    yield from app_client(settings, clock, workers=True)


def test_a_customer_lists_their_own_tickets_newest_first_in_pages(
    customer: Caller, other_customer: Caller, clock: FakeClock
) -> None:
    # Jane opens five tickets, Richard one in between.
    mine = []
    for n in range(5):
        mine.append(open_ticket(customer, f"Problem {n}")[0])
        clock.advance(minutes=1)
        if n == 2:
            open_ticket(other_customer, "Richard's problem")
    last, position = open_ticket(customer, "Problem 5")
    mine.append(last)

    # Two at a time, every one of hers once, newest first, none of his.
    seen, cursor = [], None
    while True:
        query = f"/v1/tickets?limit=2&min_position={position}"
        page = ok(customer.get(query + (f"&cursor={cursor}" if cursor else "")))
        seen += [t["ticket_id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(mine))
    theirs = ok(other_customer.get(f"/v1/tickets?min_position={position}"))["items"]
    assert [t["subject"] for t in theirs] == ["Richard's problem"]


def test_a_customer_filters_their_tickets_by_status(customer: Caller, agent: Caller) -> None:
    first, _ = open_ticket(customer, "Printer on fire")
    open_ticket(customer, "VPN down")
    resolved = agent.post(f"/v1/tickets/{first}/resolve", {"resolution": "Extinguished."})
    found = ok(customer.get(f"/v1/tickets?status=resolved&min_position={position_of(resolved)}"))
    assert [t["ticket_id"] for t in found["items"]] == [first]


@pytest.mark.parametrize("field", ["department_id", "assignee_id", "customer_id"])
def test_a_customer_cannot_list_by_the_staff_filters(
    customer: Caller, other_customer: Caller, field: str
) -> None:
    answer = customer.get(f"/v1/tickets?{field}={other_customer.id}")
    problem(answer, 400, field)
