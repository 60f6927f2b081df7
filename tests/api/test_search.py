"""Staff search over every ticket (GET /v1/tickets), on the queue projection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from wiring.config import Settings

from ..conftest import FakeClock
from .conftest import Caller
from .helpers import ok, problem
from .projection_fixtures import app_client, open_ticket, position_of, staff, url


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient[Any]]:
    yield from app_client(settings, clock, workers=True)


@pytest.fixture
def supervisor(admin: Caller) -> Caller:
    return staff(admin, "supervisor", "Sue Supervisor")


def test_search_finds_tickets_by_text_in_the_subject_newest_first(
    customer: Caller, supervisor: Caller, clock: FakeClock
) -> None:
    open_ticket(customer, "Printer on fire")
    clock.advance(minutes=1)
    open_ticket(customer, "VPN down")
    clock.advance(minutes=1)
    _, position = open_ticket(customer, "Second printer jammed")
    found = ok(supervisor.get(f"/v1/tickets?q=PRINTER&min_position={position}"))
    assert [t["subject"] for t in found["items"]] == ["Second printer jammed", "Printer on fire"]


def test_like_wildcards_in_the_text_match_only_themselves(
    customer: Caller, supervisor: Caller
) -> None:
    open_ticket(customer, "100% broken")
    _, position = open_ticket(customer, "1000 broken")
    found = ok(supervisor.get(f"/v1/tickets?q=0%25&min_position={position}"))
    assert [t["subject"] for t in found["items"]] == ["100% broken"]


def test_search_pages_cover_every_ticket_once(customer: Caller, supervisor: Caller) -> None:
    position = 0
    for n in range(5):
        _, position = open_ticket(customer, f"Ticket {n}")
    seen, url = [], f"/v1/tickets?limit=2&min_position={position}"
    while url:
        page = ok(supervisor.get(url))
        seen += [t["ticket_id"] for t in page["items"]]
        url = page["next_cursor"] and f"/v1/tickets?limit=2&cursor={page['next_cursor']}"
    assert len(seen) == len(set(seen)) == 5


def test_search_filters_by_status_and_customer(
    customer: Caller, other_customer: Caller, supervisor: Caller
) -> None:
    open_ticket(customer, "Mine")
    _, position = open_ticket(other_customer, "Theirs")
    found = ok(supervisor.get(f"/v1/tickets?customer_id={customer.id}&min_position={position}"))
    assert [t["subject"] for t in found["items"]] == ["Mine"]
    assert ok(supervisor.get("/v1/tickets?status=closed"))["items"] == []


@pytest.mark.parametrize(("query", "field"), [("status=gone", "status"), ("limit=0", "limit")])
def test_bad_search_parameters_are_refused_naming_them(
    supervisor: Caller, query: str, field: str
) -> None:
    problem(supervisor.get(f"/v1/tickets?{query}"), 400, field)


def test_customers_may_not_search_beyond_their_own_tickets(
    customer: Caller, other_customer: Caller
) -> None:
    # Since "Customers' own tickets" (issue 12) a customer's GET /v1/tickets is their list,
    # not a search of everyone's (test_customer_tickets.py).
    _, position = open_ticket(other_customer, "Richard's printer")
    assert ok(customer.get(f"/v1/tickets?min_position={position}"))["items"] == []
    problem(customer.get(f"/v1/tickets?customer_id={other_customer.id}"), 400, "customer_id")


def test_search_finds_words_of_the_messages_and_pages_them(
    customer: Caller, supervisor: Caller
) -> None:
    answer = customer.post("/v1/tickets", {"subject": "Help", "body": "The toner smells burnt."})
    ticket = ok(answer, 201)["id"]
    open_ticket(customer, "Unrelated")
    replied = supervisor.post(f"/v1/tickets/{ticket}/replies", {"body": "Swap the FUSER, please."})
    ok(replied)
    position = position_of(replied)
    for term in ("toner", "fuser", "Burnt.", "smell toner"):
        found = ok(supervisor.get(f"/v1/tickets?q={term}&min_position={position}"))
        assert [t["ticket_id"] for t in found["items"]] == [ticket], term
    assert ok(supervisor.get("/v1/tickets?q=toner%20paper"))["items"] == []


@pytest.mark.parametrize(
    "text", ['"quoted"', "a&b", "x|y", "!not", "pre:*", "NEAR(a", "o'brien", "50%_off", "\\x"]
)
def test_query_syntax_in_the_text_is_only_text(
    customer: Caller, supervisor: Caller, text: str
) -> None:
    open_ticket(customer, f"About {text} here")
    _, position = open_ticket(customer, "About nothing here")
    found = ok(supervisor.get(url("/v1/tickets", q=text, min_position=position)))
    assert [t["subject"] for t in found["items"]] == [f"About {text} here"]
